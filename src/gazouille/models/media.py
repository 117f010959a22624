from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gazouille.models.base import Base, CreatedMixin, IdMixin

MEDIA_TYPES = ("image", "gifv", "video", "audio", "unknown")


class MediaAttachment(IdMixin, CreatedMixin, Base):
    """An uploaded (or remote) file. Unattached until a status uses it."""

    __tablename__ = "media_attachments"
    __table_args__ = (
        Index("ix_media_attachments_status_id", "status_id"),
        Index("ix_media_attachments_account_id_id", "account_id", "id"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="SET NULL"), default=None
    )
    type: Mapped[str] = mapped_column(String(16), default="unknown")
    state: Mapped[str] = mapped_column(String(16), default="processing")  # processing|done|failed
    content_type: Mapped[str | None] = mapped_column(String(100), default=None)
    file_key: Mapped[str | None] = mapped_column(String(500), default=None)  # storage key
    file_size: Mapped[int | None] = mapped_column(BigInteger, default=None)
    thumbnail_key: Mapped[str | None] = mapped_column(String(500), default=None)
    original_key: Mapped[str | None] = mapped_column(
        String(500), default=None
    )  # upload, pre-processing
    remote_url: Mapped[str | None] = mapped_column(String(2048), default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    focus_x: Mapped[float] = mapped_column(Float, default=0.0)
    focus_y: Mapped[float] = mapped_column(Float, default=0.0)
    blurhash: Mapped[str | None] = mapped_column(String(100), default=None)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)  # order within the status
    error: Mapped[str | None] = mapped_column(Text, default=None)
