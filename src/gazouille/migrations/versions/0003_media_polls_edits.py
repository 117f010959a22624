"""Schema changes for status composition (media, polls, scheduled statuses, edits, pins, quotes, cards).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("statuses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("quotes_count", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("statuses", schema=None) as batch_op:
        batch_op.drop_column("quotes_count")
