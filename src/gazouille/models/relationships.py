from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gazouille.models.base import Base, CreatedMixin, IdMixin


class Follow(IdMixin, CreatedMixin, Base):
    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("account_id", "target_account_id"),
        Index("ix_follows_target_account_id", "target_account_id", "account_id"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    show_reblogs: Mapped[bool] = mapped_column(default=True)
    notify: Mapped[bool] = mapped_column(default=False)
    languages: Mapped[str | None] = mapped_column(String(200), default=None)  # comma-separated
    uri: Mapped[str | None] = mapped_column(String(2048), default=None)


class FollowRequest(IdMixin, CreatedMixin, Base):
    """A follow waiting for a locked account's approval."""

    __tablename__ = "follow_requests"
    __table_args__ = (
        UniqueConstraint("account_id", "target_account_id"),
        Index("ix_follow_requests_target_account_id", "target_account_id", "id"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    show_reblogs: Mapped[bool] = mapped_column(default=True)
    notify: Mapped[bool] = mapped_column(default=False)
    languages: Mapped[str | None] = mapped_column(String(200), default=None)
    uri: Mapped[str | None] = mapped_column(String(2048), default=None)
