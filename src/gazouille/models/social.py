"""Per-account social state beyond follows: blocks, mutes, notes, endorsements, featured
and followed tags, domain blocks, pins, conversation mutes, lists, markers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gazouille.models.base import Base, CreatedMixin, IdMixin


class Block(IdMixin, CreatedMixin, Base):
    __tablename__ = "blocks"
    __table_args__ = (
        UniqueConstraint("account_id", "target_account_id"),
        Index("ix_blocks_target_account_id", "target_account_id"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    uri: Mapped[str | None] = mapped_column(String(2048), default=None)


class Mute(IdMixin, CreatedMixin, Base):
    __tablename__ = "mutes"
    __table_args__ = (UniqueConstraint("account_id", "target_account_id"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    hide_notifications: Mapped[bool] = mapped_column(default=True)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)


class AccountNote(IdMixin, CreatedMixin, Base):
    """A private note about another account, seen only by its writer."""

    __tablename__ = "account_notes"
    __table_args__ = (UniqueConstraint("account_id", "target_account_id"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    comment: Mapped[str] = mapped_column(Text, default="")


class Endorsement(IdMixin, CreatedMixin, Base):
    """An account featured on one's profile."""

    __tablename__ = "endorsements"
    __table_args__ = (UniqueConstraint("account_id", "target_account_id"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))


class FeaturedTag(IdMixin, CreatedMixin, Base):
    __tablename__ = "featured_tags"
    __table_args__ = (UniqueConstraint("account_id", "tag_id"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"))


class TagFollow(IdMixin, CreatedMixin, Base):
    __tablename__ = "tag_follows"
    __table_args__ = (
        UniqueConstraint("account_id", "tag_id"),
        Index("ix_tag_follows_tag_id", "tag_id"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"))


class UserDomainBlock(IdMixin, CreatedMixin, Base):
    """A user hiding a whole remote domain."""

    __tablename__ = "user_domain_blocks"
    __table_args__ = (UniqueConstraint("account_id", "domain"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(255))


class StatusPin(IdMixin, CreatedMixin, Base):
    __tablename__ = "status_pins"
    __table_args__ = (UniqueConstraint("account_id", "status_id"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))


class ConversationMute(IdMixin, CreatedMixin, Base):
    """Muting a thread (by its root status id): no more notifications from it."""

    __tablename__ = "conversation_mutes"
    __table_args__ = (UniqueConstraint("account_id", "thread_root_id"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    thread_root_id: Mapped[int] = mapped_column()


class List(IdMixin, CreatedMixin, Base):
    __tablename__ = "lists"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    replies_policy: Mapped[str] = mapped_column(String(16), default="list")  # followed|list|none
    exclusive: Mapped[bool] = mapped_column(default=False)


class ListAccount(IdMixin, CreatedMixin, Base):
    __tablename__ = "list_accounts"
    __table_args__ = (
        UniqueConstraint("list_id", "account_id"),
        Index("ix_list_accounts_account_id", "account_id"),
    )

    list_id: Mapped[int] = mapped_column(ForeignKey("lists.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))


class Marker(IdMixin, Base):
    __tablename__ = "markers"
    __table_args__ = (UniqueConstraint("account_id", "timeline"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    timeline: Mapped[str] = mapped_column(String(32))  # home | notifications
    last_read_id: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime]
