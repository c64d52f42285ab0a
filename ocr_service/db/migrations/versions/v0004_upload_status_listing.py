"""Uploads tell ``done`` from ``done_with_failures``, and can be listed.

``uploads.status`` widens to 32 characters (``done_with_failures`` is 18), and an upload
already ``done`` with a failed page becomes ``done_with_failures``. Two indexes serve
``GET /v1/uploads``: newest first (``created_at, id``) and by ``external_ref``.

On SQLite, changing a column's type rebuilds the table (copy, drop, rename). With foreign
keys on, dropping ``uploads`` would cascade to its pages and documents, so foreign keys are
off for the rebuild (``PRAGMA foreign_keys`` only takes effect outside a transaction,
hence the autocommit blocks) and ``PRAGMA foreign_key_check`` must find nothing after it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARK_DONE_WITH_FAILURES = """
UPDATE uploads SET status = 'done_with_failures'
WHERE status = 'done'
  AND EXISTS (SELECT 1 FROM pages WHERE pages.upload_id = uploads.id AND pages.status = 'failed')
"""
UNMARK_DONE_WITH_FAILURES = "UPDATE uploads SET status = 'done' WHERE status = 'done_with_failures'"


def _sqlite_foreign_keys(on: bool) -> None:
    with op.get_context().autocommit_block():
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


@contextmanager
def _rebuilding_uploads() -> Iterator[None]:
    """Around a batch change of ``uploads``: on SQLite, keep the rebuild from cascading."""
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    _sqlite_foreign_keys(False)
    try:
        yield
        broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"foreign keys broken by the uploads rebuild: {broken[:5]}")
    finally:
        _sqlite_foreign_keys(True)


def upgrade() -> None:
    with _rebuilding_uploads(), op.batch_alter_table("uploads", schema=None) as batch_op:
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=16),
            type_=sa.String(length=32),
            existing_nullable=False,
        )
        batch_op.create_index("ix_uploads_created", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_uploads_external_ref", ["external_ref"], unique=False)
    op.execute(MARK_DONE_WITH_FAILURES)


def downgrade() -> None:
    op.execute(UNMARK_DONE_WITH_FAILURES)
    with _rebuilding_uploads(), op.batch_alter_table("uploads", schema=None) as batch_op:
        batch_op.drop_index("ix_uploads_external_ref")
        batch_op.drop_index("ix_uploads_created")
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=32),
            type_=sa.String(length=16),
            existing_nullable=False,
        )
