"""Candidates record how firm the commitment was.

Revision ID: 8de28ed918a7
Revises: 92c2d415104e
Create Date: 2026-11-24 18:55:18.898781+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8de28ed918a7"
down_revision: str | None = "92c2d415104e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("commitment", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_column("commitment")
