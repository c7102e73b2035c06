"""Covering indexes for the dashboard: active counts, aging percentiles and throughput.

On SQLite the indexes are created without rebuilding ``tasks``, so its search triggers stay.

Revision ID: 0cc0beeb6edf
Revises: c6cb6c95e08e
Create Date: 2026-11-24 20:16:14.603236+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0cc0beeb6edf"
down_revision: str | None = "c6cb6c95e08e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tasks_dashboard", ["status", "priority", "assignee_id", "due_date"], unique=False
        )
        batch_op.create_index(
            "ix_tasks_status_changed_at_status", ["status_changed_at", "status"], unique=False
        )
        batch_op.create_index("ix_tasks_status_closed_at", ["status", "closed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_status_closed_at")
        batch_op.drop_index("ix_tasks_status_changed_at_status")
        batch_op.drop_index("ix_tasks_dashboard")
