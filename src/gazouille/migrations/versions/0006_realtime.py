"""Schema changes for real time (streaming, markers, grouped notifications).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("group_key", sa.String(length=100), nullable=True))
        batch.create_index(
            "ix_notifications_account_id_group_key", ["account_id", "group_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_index("ix_notifications_account_id_group_key")
        batch.drop_column("group_key")
