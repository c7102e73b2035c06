"""History events may be ``nudged``: the weekly cleanup asking an owner about a stale task.

Revision ID: 5b7e2c91d0a3
Revises: 3f1c9a7d2b40
Create Date: 2026-11-24 20:05:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5b7e2c91d0a3"
down_revision: str | None = "3f1c9a7d2b40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("created", "updated", "transitioned", "reopened", "assigned", "commented")
AFTER = (*BEFORE, "nudged")


def _allow(kinds: Sequence[str]) -> None:
    with op.batch_alter_table("task_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_task_events_task_event_kind"), type_="check")
        allowed = ", ".join(f"'{kind}'" for kind in kinds)
        batch_op.create_check_constraint("task_event_kind", f"kind IN ({allowed})")


def upgrade() -> None:
    _allow(AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM task_events WHERE kind = 'nudged'")
    _allow(BEFORE)
