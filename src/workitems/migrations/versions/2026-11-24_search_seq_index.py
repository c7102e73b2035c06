"""SQLite: a covering index from a task's FTS row to the columns search filters read.

A search joins FTS matches to tasks on ``tasks.search_seq``; with status, owner, priority
and due date in this index the filters are checked without reading the task row, so
counting a common word's matches for one owner no longer reads thousands of wide rows.

Revision ID: 7c2e9d4f1b58
Revises: e015833ba612
Create Date: 2026-11-24 21:15:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7c2e9d4f1b58"
down_revision: str | None = "e015833ba612"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE INDEX ix_tasks_search_seq "
            "ON tasks (search_seq, status, assignee_id, priority, due_date)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_tasks_search_seq")
