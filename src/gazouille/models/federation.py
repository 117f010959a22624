"""Federation state: known remote instances and their delivery health, admin domain blocks,
and the inbox's stored activities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gazouille.core import clock
from gazouille.models.base import Base, CreatedMixin, IdMixin


class Instance(Base):
    """A remote server we have talked to. ``failures`` counts consecutive failed deliveries;
    past a threshold the instance is marked ``unavailable_since`` and deliveries to it wait
    until it answers again."""

    __tablename__ = "instances"

    domain: Mapped[str] = mapped_column(String(255), primary_key=True)
    first_seen_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_success_at: Mapped[datetime | None] = mapped_column(default=None)
    last_failure_at: Mapped[datetime | None] = mapped_column(default=None)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    unavailable_since: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    software: Mapped[str | None] = mapped_column(String(100), default=None)
    software_version: Mapped[str | None] = mapped_column(String(100), default=None)


class DomainBlock(IdMixin, CreatedMixin, Base):
    """An admin's decision about a whole remote domain (and its subdomains)."""

    __tablename__ = "domain_blocks"

    domain: Mapped[str] = mapped_column(String(255), unique=True)
    severity: Mapped[str] = mapped_column(String(16), default="silence")  # noop|silence|suspend
    reject_media: Mapped[bool] = mapped_column(default=False)
    reject_reports: Mapped[bool] = mapped_column(default=False)
    private_comment: Mapped[str] = mapped_column(Text, default="")
    public_comment: Mapped[str] = mapped_column(Text, default="")
    obfuscate: Mapped[bool] = mapped_column(default=False)


class InboxActivity(IdMixin, CreatedMixin, Base):
    """An activity as received (signature verified), kept raw until a job has processed it."""

    __tablename__ = "inbox_activities"
    __table_args__ = (Index("ix_inbox_activities_state", "state", "id"),)

    activity_uri: Mapped[str | None] = mapped_column(String(2048), default=None, unique=True)
    activity_type: Mapped[str] = mapped_column(String(64), default="")
    actor_uri: Mapped[str] = mapped_column(String(2048))
    key_id: Mapped[str] = mapped_column(String(2048), default="")
    body: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending|done|ignored|failed
    error: Mapped[str | None] = mapped_column(Text, default=None)
    processed_at: Mapped[datetime | None] = mapped_column(default=None)
