"""A page can be read again with another template.

``pages.template`` holds the template a clerk chose for one refused page (``POST
/v1/uploads/{id}/sheets/{sheet}/reread``); the worker reads the page with it instead of the
upload's. A page marked as not a form gets status ``not_a_form``, which ``pages.status``
(16 characters) already fits.

Adding a column is an ``ALTER TABLE ... ADD COLUMN`` on SQLite (no rebuild). Dropping it in
the downgrade rebuilds ``pages``; nothing refers to ``pages`` by foreign key, but, as in 0004
and 0005, foreign keys are off around the rebuild and ``PRAGMA foreign_key_check`` must find
nothing after it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
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
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("template", sa.String(length=100), nullable=True))


def downgrade() -> None:
    op.execute("UPDATE pages SET status = 'failed' WHERE status = 'not_a_form'")
    with _rebuilding(), op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_column("template")
