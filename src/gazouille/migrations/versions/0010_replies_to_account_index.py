"""Index of replies by the account replied to (feed backfill on a new follow)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 10:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

WHERE = sa.text("in_reply_to_account_id IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_statuses_in_reply_to_account",
        "statuses",
        ["in_reply_to_account_id", "id"],
        unique=False,
        sqlite_where=WHERE,
        postgresql_where=WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_statuses_in_reply_to_account", table_name="statuses")
