from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from gazouille.models.base import Base, CreatedMixin, IdMixin

VISIBILITIES = ("public", "unlisted", "private", "direct")


class Status(IdMixin, CreatedMixin, Base):
    """A post, or a reblog of one (``reblog_of_id`` set, no content of its own)."""

    __tablename__ = "statuses"
    __table_args__ = (
        Index("ix_statuses_account_id_id", "account_id", "id"),
        # Partial: an index over the many NULLs would lure SQLite away from better plans.
        Index(
            "ix_statuses_reblog",
            "reblog_of_id",
            "account_id",
            sqlite_where=text("reblog_of_id IS NOT NULL"),
            postgresql_where=text("reblog_of_id IS NOT NULL"),
        ),
        Index("ix_statuses_in_reply_to_id", "in_reply_to_id"),
        # Replies to an account (a new follow's feed backfill): partial, most posts are not replies.
        Index(
            "ix_statuses_in_reply_to_account",
            "in_reply_to_account_id",
            "id",
            sqlite_where=text("in_reply_to_account_id IS NOT NULL"),
            postgresql_where=text("in_reply_to_account_id IS NOT NULL"),
        ),
        # The public timeline walks this in id order instead of sorting every public status.
        Index(
            "ix_statuses_public_timeline",
            "id",
            sqlite_where=text("visibility = 'public' AND reblog_of_id IS NULL"),
            postgresql_where=text("visibility = 'public' AND reblog_of_id IS NULL"),
        ),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    uri: Mapped[str] = mapped_column(String(2048), unique=True)
    url: Mapped[str | None] = mapped_column(String(2048), default=None)
    text: Mapped[str] = mapped_column(Text, default="")  # the source, as typed
    content: Mapped[str] = mapped_column(Text, default="")  # HTML
    spoiler_text: Mapped[str] = mapped_column(Text, default="")
    sensitive: Mapped[bool] = mapped_column(default=False)
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    language: Mapped[str | None] = mapped_column(String(16), default=None)
    local: Mapped[bool] = mapped_column(default=True)
    in_reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="SET NULL"), default=None
    )
    in_reply_to_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), default=None
    )
    reblog_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), default=None
    )
    # The root of the thread, for context and conversation muting.
    thread_root_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("oauth_applications.id", ondelete="SET NULL"), default=None
    )
    quote_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="SET NULL"), default=None
    )
    card_id: Mapped[int | None] = mapped_column(
        ForeignKey("preview_cards.id", ondelete="SET NULL"), default=None
    )
    has_media: Mapped[bool] = mapped_column(default=False)
    has_poll: Mapped[bool] = mapped_column(default=False)
    replies_count: Mapped[int] = mapped_column(Integer, default=0)
    reblogs_count: Mapped[int] = mapped_column(Integer, default=0)
    favourites_count: Mapped[int] = mapped_column(Integer, default=0)
    quotes_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    edited_at: Mapped[datetime | None] = mapped_column(default=None)


class Mention(IdMixin, Base):
    __tablename__ = "mentions"
    __table_args__ = (UniqueConstraint("status_id", "account_id"),)

    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )


class Tag(IdMixin, CreatedMixin, Base):
    __tablename__ = "tags"

    name: Mapped[str] = mapped_column(String(100))  # as first written
    name_key: Mapped[str] = mapped_column(String(100), unique=True)  # normalize_tag(name)


class StatusTag(Base):
    __tablename__ = "status_tags"
    __table_args__ = (Index("ix_status_tags_tag_id_status_id", "tag_id", "status_id"),)

    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)


class Favourite(IdMixin, CreatedMixin, Base):
    __tablename__ = "favourites"
    __table_args__ = (
        UniqueConstraint("account_id", "status_id"),
        Index("ix_favourites_status_id", "status_id"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))


class Bookmark(IdMixin, CreatedMixin, Base):
    __tablename__ = "bookmarks"
    __table_args__ = (UniqueConstraint("account_id", "status_id"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), index=True
    )


class IdempotencyKey(IdMixin, CreatedMixin, Base):
    """``Idempotency-Key`` of a status creation: the same key within a day gives the same post."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("account_id", "key"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))
