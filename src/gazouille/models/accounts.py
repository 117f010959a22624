from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gazouille.core import clock
from gazouille.models.base import Base, CreatedMixin, IdMixin


class Account(IdMixin, CreatedMixin, Base):
    """An actor: a local account (domain is None) or a remote one."""

    __tablename__ = "accounts"

    username: Mapped[str] = mapped_column(String(64))
    domain: Mapped[str | None] = mapped_column(String(255), default=None, index=True)
    # lower(username[@domain]): one account per name, whatever the case.
    acct_key: Mapped[str] = mapped_column(String(330), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")  # rendered HTML
    note_source: Mapped[str] = mapped_column(Text, default="")  # what the owner typed
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    locked: Mapped[bool] = mapped_column(default=False)
    bot: Mapped[bool] = mapped_column(default=False)
    group: Mapped[bool] = mapped_column(default=False)
    discoverable: Mapped[bool] = mapped_column(default=True)
    indexable: Mapped[bool] = mapped_column(default=True)
    hide_collections: Mapped[bool] = mapped_column(default=False)
    uri: Mapped[str] = mapped_column(String(2048), unique=True)
    url: Mapped[str | None] = mapped_column(String(2048), default=None)
    inbox_url: Mapped[str | None] = mapped_column(String(2048), default=None)
    shared_inbox_url: Mapped[str | None] = mapped_column(String(2048), default=None)
    avatar_url: Mapped[str | None] = mapped_column(String(2048), default=None)
    header_url: Mapped[str | None] = mapped_column(String(2048), default=None)
    avatar_key: Mapped[str | None] = mapped_column(String(500), default=None)
    header_key: Mapped[str | None] = mapped_column(String(500), default=None)
    public_key: Mapped[str | None] = mapped_column(Text, default=None)
    private_key: Mapped[str | None] = mapped_column(Text, default=None)
    statuses_count: Mapped[int] = mapped_column(Integer, default=0)
    followers_count: Mapped[int] = mapped_column(Integer, default=0)
    following_count: Mapped[int] = mapped_column(Integer, default=0)
    last_status_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
    suspended_at: Mapped[datetime | None] = mapped_column(default=None)
    silenced_at: Mapped[datetime | None] = mapped_column(default=None)
    # ActivityPub: Person | Service | Group | Application | Organization.
    actor_type: Mapped[str] = mapped_column(String(32), default="Person", server_default="Person")
    outbox_url: Mapped[str | None] = mapped_column(String(2048), default=None)
    followers_url: Mapped[str | None] = mapped_column(String(2048), default=None)
    following_url: Mapped[str | None] = mapped_column(String(2048), default=None)
    featured_url: Mapped[str | None] = mapped_column(String(2048), default=None)
    featured_tags_url: Mapped[str | None] = mapped_column(String(2048), default=None)
    # The id of ``public_key`` (``…#main-key``): incoming signatures name it.
    key_id: Mapped[str | None] = mapped_column(String(2048), default=None, index=True)
    # When a remote actor document was last fetched (None: local, or never).
    fetched_at: Mapped[datetime | None] = mapped_column(default=None)
    moved_to_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), default=None
    )
    # Aliases (``alsoKnownAs``) a Move may name.
    also_known_as: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")

    @property
    def is_local(self) -> bool:
        return self.domain is None


class User(IdMixin, CreatedMixin, Base):
    """The login of a local account."""

    __tablename__ = "users"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), unique=True
    )
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-cased
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="user")  # user | moderator | admin
    locale: Mapped[str] = mapped_column(String(16), default="en")
    approved: Mapped[bool] = mapped_column(default=True)
    registration_reason: Mapped[str] = mapped_column(Text, default="")
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    disabled: Mapped[bool] = mapped_column(default=False)
    default_privacy: Mapped[str] = mapped_column(String(16), default="public")
    default_sensitive: Mapped[bool] = mapped_column(default=False)
    default_language: Mapped[str | None] = mapped_column(String(16), default=None)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(default=None)
    expand_media: Mapped[str] = mapped_column(
        String(16), default="default"
    )  # default|show_all|hide_all
    expand_spoilers: Mapped[bool] = mapped_column(default=False)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"
