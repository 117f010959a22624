from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from gazouille.models.base import Base


class HomeFeedEntry(Base):
    """A status in an active user's materialized home feed (fan-out on write, capped).

    Only ids are kept; statuses are loaded and re-checked against blocks, mutes and
    visibility when the feed is read. Accounts with very many followers are not fanned out:
    their statuses are merged in at read time (see domains/feeds)."""

    __tablename__ = "home_feed_entries"
    __table_args__ = (Index("ix_home_feed_entries_status_id", "status_id"),)

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True
    )


class FeedState(Base):
    """When a local account was last active, and whether its home feed is materialized."""

    __tablename__ = "feed_states"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    active_at: Mapped[datetime]
    built_at: Mapped[datetime | None] = mapped_column(default=None)
