"""Schema changes for the social layer (blocks, mutes, lists, filters, reports, conversations).

None were needed: the tables of revision 0002 serve the social layer as they are. The
revision stays, empty, to keep the chain.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
