"""The weekly cleanup: a stale task can be snoozed; scheduled jobs record their last run.

On SQLite ``tasks`` gets its column by ``ALTER TABLE ADD COLUMN`` (no table rebuild), so the
search triggers on ``tasks`` stay in place.

Revision ID: c6cb6c95e08e
Revises: f68128fbeaac
Create Date: 2026-11-24 20:11:16.557759+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import workitems.db

revision: str = "c6cb6c95e08e"
down_revision: str | None = "f68128fbeaac"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("started_at", workitems.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", workitems.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_runs")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("snoozed_until", sa.Date(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): a batch rebuild of ``tasks`` would lose its search
    # triggers and cascade into comments, history and labels.
    op.execute("ALTER TABLE tasks DROP COLUMN snoozed_until")

    op.drop_table("job_runs")
