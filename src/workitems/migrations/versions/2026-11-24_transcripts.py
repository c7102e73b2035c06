"""Transcripts: raw text, checksum and parsed utterances.

Revision ID: 92c2d415104e
Revises: 3ceb3fc67725
Create Date: 2026-11-24 18:53:58.519760+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import workitems.db

revision: str = "92c2d415104e"
down_revision: str | None = "3ceb3fc67725"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "transcripts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("utterances", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", workitems.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_transcripts_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcripts")),
        sa.UniqueConstraint("checksum", name=op.f("uq_transcripts_checksum")),
    )


def downgrade() -> None:
    op.drop_table("transcripts")
