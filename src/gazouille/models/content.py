"""Status-related records beyond the status itself: edits, link cards, scheduled posts,
conversations, filters, reports, search documents and trend snapshots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gazouille.models.base import Base, CreatedMixin, IdMixin


class StatusEdit(IdMixin, CreatedMixin, Base):
    """One revision of an edited status (the original version included)."""

    __tablename__ = "status_edits"
    __table_args__ = (Index("ix_status_edits_status_id", "status_id", "id"),)

    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    spoiler_text: Mapped[str] = mapped_column(Text, default="")
    sensitive: Mapped[bool] = mapped_column(default=False)
    media_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    poll_options: Mapped[list[str] | None] = mapped_column(JSON, default=None)


class PreviewCard(IdMixin, CreatedMixin, Base):
    """What a link looks like (OpenGraph), fetched once per URL by a job."""

    __tablename__ = "preview_cards"

    url: Mapped[str] = mapped_column(String(2048), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending|done|failed
    type: Mapped[str] = mapped_column(String(16), default="link")
    title: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    author_name: Mapped[str] = mapped_column(String(200), default="")
    author_url: Mapped[str] = mapped_column(String(2048), default="")
    provider_name: Mapped[str] = mapped_column(String(200), default="")
    provider_url: Mapped[str] = mapped_column(String(2048), default="")
    html: Mapped[str] = mapped_column(Text, default="")
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    image_key: Mapped[str | None] = mapped_column(String(500), default=None)
    image_description: Mapped[str] = mapped_column(Text, default="")
    embed_url: Mapped[str] = mapped_column(String(2048), default="")
    blurhash: Mapped[str | None] = mapped_column(String(100), default=None)
    language: Mapped[str | None] = mapped_column(String(16), default=None)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    fetched_at: Mapped[datetime | None] = mapped_column(default=None)


class ScheduledStatus(IdMixin, CreatedMixin, Base):
    __tablename__ = "scheduled_statuses"
    __table_args__ = (Index("ix_scheduled_statuses_account_id", "account_id", "scheduled_at"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("oauth_applications.id", ondelete="SET NULL"), default=None
    )
    scheduled_at: Mapped[datetime]
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    media_ids: Mapped[list[int]] = mapped_column(JSON, default=list)


class AccountConversation(IdMixin, Base):
    """A direct conversation as one participant sees it."""

    __tablename__ = "account_conversations"
    __table_args__ = (
        UniqueConstraint("account_id", "thread_root_id"),
        Index("ix_account_conversations_account_id_last", "account_id", "last_status_id"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    thread_root_id: Mapped[int] = mapped_column()
    participant_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    last_status_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="SET NULL"), default=None
    )
    unread: Mapped[bool] = mapped_column(default=True)


class Filter(IdMixin, CreatedMixin, Base):
    __tablename__ = "filters"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    context: Mapped[list[str]] = mapped_column(JSON, default=list)
    action: Mapped[str] = mapped_column(String(16), default="warn")  # warn|hide|blur
    expires_at: Mapped[datetime | None] = mapped_column(default=None)


class FilterKeyword(IdMixin, Base):
    __tablename__ = "filter_keywords"

    filter_id: Mapped[int] = mapped_column(ForeignKey("filters.id", ondelete="CASCADE"), index=True)
    keyword: Mapped[str] = mapped_column(String(200))
    whole_word: Mapped[bool] = mapped_column(default=True)


class FilterStatus(IdMixin, Base):
    __tablename__ = "filter_statuses"
    __table_args__ = (UniqueConstraint("filter_id", "status_id"),)

    filter_id: Mapped[int] = mapped_column(ForeignKey("filters.id", ondelete="CASCADE"))
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))


class Report(IdMixin, CreatedMixin, Base):
    __tablename__ = "reports"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    status_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    rule_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    comment: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(16), default="other")  # spam|legal|violation|other
    forward: Mapped[bool] = mapped_column(default=False)
    uri: Mapped[str | None] = mapped_column(String(2048), default=None)  # for reports from remote
    action_taken_at: Mapped[datetime | None] = mapped_column(default=None)


class StatusSearch(Base):
    """The search document of a status: its words stemmed and accent-folded in Python
    (French or English by the status's language), so both backends match the same way."""

    __tablename__ = "status_search"

    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    terms: Mapped[str] = mapped_column(Text, default="")


class TrendSnapshot(IdMixin, Base):
    """The latest computed trends (tags, statuses, links), replaced by a periodic job."""

    __tablename__ = "trend_snapshots"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    kind: Mapped[str] = mapped_column(String(16))  # tag | status | link
    key: Mapped[str] = mapped_column(String(2048))  # tag id, status id or URL
    score: Mapped[float] = mapped_column(default=0.0)
    rank: Mapped[int] = mapped_column(default=0)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime]
