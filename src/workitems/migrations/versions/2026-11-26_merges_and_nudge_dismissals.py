"""Candidate-into-candidate merges and dismissed nudges.

``candidates.merged_into_id`` points a merged candidate at its survivor (a plain id, like
``transcript_id``); ``task_events.dismissed_at`` marks a nudge its owner dismissed, so My
work stops showing it. Both are nullable columns added in place (no table rebuild).

Revision ID: 8b2f4d6a1c35
Revises: 6a1d3c5e7f90
Create Date: 2026-11-26 11:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import workitems.db

revision: str = "8b2f4d6a1c35"
down_revision: str | None = "6a1d3c5e7f90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("candidates", sa.Column("merged_into_id", sa.Integer(), nullable=True))
    op.add_column(
        "task_events",
        sa.Column("dismissed_at", workitems.db.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), as the other downgrades do.
    op.execute("ALTER TABLE task_events DROP COLUMN dismissed_at")
    op.execute("ALTER TABLE candidates DROP COLUMN merged_into_id")
