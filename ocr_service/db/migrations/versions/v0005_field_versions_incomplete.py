"""Per-field optimistic locking and returned (不備) documents.

``fields.version`` starts at 1 and every resolution of that field bumps it, so two
reviewers working on different fields of one document never conflict (issue 20, item 1).
``documents.incomplete_reason`` holds the reviewer's reason when a document is returned as
incomplete (不備, status ``incomplete``); ``documents.status`` already fits the new status.

Adding columns is an ``ALTER TABLE ... ADD COLUMN`` on SQLite (no rebuild). Dropping them
in the downgrade rebuilds the tables; rebuilding ``documents`` with foreign keys on would
cascade to its fields, so, as in 0004, foreign keys are off around the rebuild and
``PRAGMA foreign_key_check`` must find nothing after it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sqlite_foreign_keys(on: bool) -> None:
    with op.get_context().autocommit_block():
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


@contextmanager
def _rebuilding() -> Iterator[None]:
    """Around a batch rebuild: on SQLite, keep dropping the old table from cascading."""
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    _sqlite_foreign_keys(False)
    try:
        yield
        broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"foreign keys broken by the rebuild: {broken[:5]}")
    finally:
        _sqlite_foreign_keys(True)


def upgrade() -> None:
    with op.batch_alter_table("fields", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("incomplete_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with _rebuilding():
        with op.batch_alter_table("documents", schema=None) as batch_op:
            batch_op.drop_column("incomplete_reason")
        with op.batch_alter_table("fields", schema=None) as batch_op:
            batch_op.drop_column("version")
