"""Aging percentiles read a partial index of active tasks by status_changed_at.

The dashboard's median and 90th-percentile probes are OFFSETs into the active tasks in
status-change order; over an index of every task they walked the closed ones too.

Revision ID: e015833ba612
Revises: 4e8f0a2c6d13
Create Date: 2026-11-24 20:31:29.156365+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e015833ba612"
down_revision: str | None = "4e8f0a2c6d13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_status_changed_at_status"))
        batch_op.create_index(
            "ix_tasks_active_status_changed_at",
            ["status_changed_at"],
            unique=False,
            sqlite_where=sa.text("status NOT IN ('canceled', 'completed')"),
            postgresql_where=sa.text("status NOT IN ('canceled', 'completed')"),
        )


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_tasks_active_status_changed_at",
            sqlite_where=sa.text("status NOT IN ('canceled', 'completed')"),
            postgresql_where=sa.text("status NOT IN ('canceled', 'completed')"),
        )
        batch_op.create_index(
            batch_op.f("ix_tasks_status_changed_at_status"),
            ["status_changed_at", "status"],
            unique=False,
        )
