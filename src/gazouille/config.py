"""Deploy-time settings, read from ``GAZOUILLE_*`` environment variables only.

Admin-editable settings (instance title, character limit, rules…) live in the database,
see ``domains.instance``.
"""

from __future__ import annotations

import secrets
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Registrations(StrEnum):
    OPEN = "open"
    APPROVAL = "approval"
    CLOSED = "closed"


class ConfigError(Exception):
    """A setting has a wrong value; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GAZOUILLE_", extra="ignore")

    public_url: str = "http://localhost:3000"
    data_dir: Path = Path("./data")
    database_url: str = ""
    redis_url: str = ""
    secret_key: str = ""
    registrations: Registrations = Registrations.OPEN
    password_grant: bool = False
    host: str = "127.0.0.1"
    port: int = Field(default=3000, ge=1, le=65535)
    # Outgoing e-mail: smtp://user:password@host:587 (STARTTLS) or smtps://…:465; empty: the
    # message is written to the log and shown in the admin area.
    smtp_url: str = ""
    smtp_from: str = ""
    # Outgoing requests to private/loopback addresses: tests and local development only.
    allow_private_addresses: bool = False
    # Federation over ActivityPub (off: a closed community that talks to no other server).
    federation: bool = True
    # Require a valid HTTP signature on GET of actors and objects too ("secure mode").
    authorized_fetch: bool = False
    # Reverse proxies whose X-Forwarded-Proto/Host/For are believed: comma-separated
    # addresses or networks (e.g. "127.0.0.1,10.0.0.0/8"). Empty: none.
    trusted_proxies: str = ""

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an absolute http(s) URL such as https://example.org")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError("must have no path, query or fragment")
        return f"{parts.scheme}://{parts.netloc}"

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql", "postgres")):
            raise ValueError("must start with sqlite:// or postgresql://")
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis:// or rediss://")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _check_smtp_url(cls, value: str) -> str:
        if value and not value.startswith(("smtp://", "smtps://")):
            raise ValueError("must start with smtp:// or smtps://")
        return value

    @model_validator(mode="after")
    def _default_public_url_follows_port(self) -> Settings:
        """Without GAZOUILLE_PUBLIC_URL, the world reaches us at localhost on our port."""
        if "public_url" not in self.model_fields_set:
            self.public_url = f"http://localhost:{self.port}"
        return self

    @cached_property
    def local_domain(self) -> str:
        """host[:port] as the world sees it: the domain part of local accounts' acct."""
        return urlsplit(self.public_url).netloc

    @cached_property
    def mail_from(self) -> str:
        """The From address of outgoing e-mail."""
        host = urlsplit(self.public_url).hostname or "localhost"
        return self.smtp_from or f"notifications@{host}"

    @cached_property
    def effective_database_url(self) -> str:
        url = self.database_url or f"sqlite:///{(self.data_dir / 'gazouille.db').resolve()}"
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://") :]
        if url.startswith("postgresql://"):
            url = "postgresql+asyncpg://" + url[len("postgresql://") :]
        if url.startswith("sqlite://") and not url.startswith("sqlite+aiosqlite://"):
            url = "sqlite+aiosqlite://" + url[len("sqlite://") :]
        return url

    @cached_property
    def effective_secret_key(self) -> str:
        """The configured key, else one generated once and kept in the data dir."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


def load_settings(**overrides: object) -> Settings:
    """Read the environment; a wrong value raises ConfigError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = "GAZOUILLE_" + str(err["loc"][0]).upper() if err["loc"] else "settings"
            problems.append(f"{name}: {err['msg']} (got {err.get('input')!r})")
        raise ConfigError("Invalid configuration: " + "; ".join(problems)) from None


_current: Settings | None = None


def get_settings() -> Settings:
    """The settings of this process (set by the composition root; read from env otherwise)."""
    global _current
    if _current is None:
        _current = load_settings()
    return _current


def set_settings(settings: Settings | None) -> None:
    global _current
    _current = settings
