"""What the browser door keeps: signed-in sessions and the outgoing e-mail queue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gazouille.models.base import Base, CreatedMixin, IdMixin


class WebSession(IdMixin, CreatedMixin, Base):
    """One signed-in account in one browser. The cookie holds the token; we keep its digest."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_user_id", "user_id"),)

    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    last_seen_at: Mapped[datetime]
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class MailMessage(IdMixin, CreatedMixin, Base):
    """An e-mail to send. Without SMTP it is written to the log and shown in the admin area."""

    __tablename__ = "mail_messages"

    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending|sent|logged
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
