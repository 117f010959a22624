from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gazouille.models.base import Base, CreatedMixin, IdMixin


class OAuthApplication(IdMixin, CreatedMixin, Base):
    __tablename__ = "oauth_applications"

    name: Mapped[str] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(2048), default=None)
    redirect_uris: Mapped[str] = mapped_column(Text)  # one per line
    scopes: Mapped[str] = mapped_column(String(1000), default="read")
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    client_secret: Mapped[str] = mapped_column(String(64))
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None
    )


class OAuthAuthorizationCode(IdMixin, CreatedMixin, Base):
    __tablename__ = "oauth_authorization_codes"

    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_applications.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    redirect_uri: Mapped[str] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(String(1000))
    code_challenge: Mapped[str | None] = mapped_column(String(128), default=None)
    code_challenge_method: Mapped[str | None] = mapped_column(String(16), default=None)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class OAuthAccessToken(IdMixin, CreatedMixin, Base):
    __tablename__ = "oauth_access_tokens"

    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("oauth_applications.id", ondelete="CASCADE"), index=True
    )
    # None for an app-only token (client_credentials grant).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    scopes: Mapped[str] = mapped_column(String(1000))
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
