from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gazouille.models.base import Base, CreatedMixin, IdMixin

NOTIFICATION_TYPES = (
    "mention",
    "status",
    "reblog",
    "follow",
    "follow_request",
    "favourite",
    "poll",
    "update",
)


class Notification(IdMixin, CreatedMixin, Base):
    __tablename__ = "notifications"
    __table_args__ = (
        # One notification per cause: makes the notify job idempotent.
        UniqueConstraint("account_id", "dedupe_key"),
        Index("ix_notifications_account_id_id", "account_id", "id"),
        Index("ix_notifications_account_id_group_key", "account_id", "group_key"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    from_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(32))
    status_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), default=None, index=True
    )
    dedupe_key: Mapped[str] = mapped_column(String(200))
    # Mastodon's grouping key ("favourite-<status id>-<hour bucket>"); None when ungrouped.
    group_key: Mapped[str | None] = mapped_column(String(100), default=None)
