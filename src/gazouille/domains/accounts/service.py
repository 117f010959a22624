"""Use cases of local accounts: registration, profile, password, roles."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.config import Registrations
from gazouille.core import clock, urls
from gazouille.core.errors import Forbidden, ValidationFailed
from gazouille.core.security import hash_password, verify_password
from gazouille.core.text import MentionRef, ResolvedMention, render_plain_text
from gazouille.domains.accounts import repository as repo
from gazouille.domains.federation import events as federation
from gazouille.domains.feeds import service as feeds
from gazouille.domains.search.indexing import index_account
from gazouille.models import Account, User

USERNAME_RE = re.compile(r"^[A-Za-z0-9_]{1,30}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
RESERVED = {
    "admin",
    "administrator",
    "root",
    "support",
    "help",
    "settings",
    "about",
    "api",
    "oauth",
    "users",
    "instance_actor",
    "webmaster",
    "postmaster",
    "abuse",
    "mastodon",
}
MAX_FIELDS = 4
# Saves in quick succession (profile, then avatar) make one Update of the actor.
PROFILE_UPDATE_DELAY = timedelta(seconds=10)
ROLES = ("user", "moderator", "admin")


async def find_by_acct(session: AsyncSession, acct: str) -> Account | None:
    """``user``, ``user@this.domain`` or ``user@remote.domain`` (for other domains)."""
    return await repo.find_by_acct(session, acct)


def _invalid(field_name: str, code: str, description: str) -> ValidationFailed:
    label = field_name.replace("_", " ").capitalize()
    return ValidationFailed(
        f"Validation failed: {label} {description}",
        details={field_name: [{"error": code, "description": description}]},
    )


@dataclass
class Registration:
    username: str
    email: str
    password: str
    locale: str = "en"
    reason: str = ""
    agreement: bool = True
    role: str = "user"
    # Set by an admin creating the account from the CLI: skips the registration mode.
    by_admin: bool = False


async def register(
    session: AsyncSession, command: Registration, mode: Registrations
) -> tuple[Account, User]:
    if not command.by_admin:
        if mode is Registrations.CLOSED:
            raise Forbidden("Registrations are closed on this server")
        if not command.agreement:
            raise _invalid("agreement", "ERR_ACCEPTED", "must be accepted")
        if mode is Registrations.APPROVAL and not command.reason.strip():
            raise _invalid("reason", "ERR_BLANK", "can't be blank")
    username = command.username.strip()
    if not USERNAME_RE.match(username):
        raise _invalid(
            "username",
            "ERR_INVALID",
            "must contain only letters, numbers and underscores (30 at most)",
        )
    if username.lower() in RESERVED and not command.by_admin:
        raise _invalid("username", "ERR_RESERVED", "is reserved")
    if await repo.username_taken(session, username):
        raise _invalid("username", "ERR_TAKEN", "has already been taken")
    email = command.email.strip().lower()
    if not EMAIL_RE.match(email) or len(email) > 320:
        raise _invalid("email", "ERR_INVALID", "is invalid")
    if await repo.email_taken(session, email):
        raise _invalid("email", "ERR_TAKEN", "has already been taken")
    check_password(command.password)
    if command.role not in ROLES:
        raise _invalid("role", "ERR_INVALID", "is invalid")
    now = clock.now()
    account = Account(
        username=username,
        domain=None,
        acct_key=repo.acct_key(username, None),
        uri=urls.account_uri(username),
        url=urls.account_url(username),
        created_at=now,
        updated_at=now,
    )
    session.add(account)
    await session.flush()
    user = User(
        account_id=account.id,
        email=email,
        password_hash=hash_password(command.password),
        role=command.role,
        locale=(command.locale or "en")[:16],
        approved=command.by_admin or mode is not Registrations.APPROVAL,
        registration_reason=command.reason.strip()[:1000],
        confirmed_at=now,
        created_at=now,
    )
    session.add(user)
    await session.flush()
    await index_account(session, account)
    await feeds.start_feed(session, account.id)
    return account, user


def check_password(password: str) -> None:
    if not 8 <= len(password) <= 72:
        raise _invalid(
            "password",
            "ERR_TOO_SHORT" if len(password) < 8 else "ERR_TOO_LONG",
            "must be between 8 and 72 characters",
        )


async def authenticate(session: AsyncSession, login: str, password: str) -> User | None:
    """The user whose login and password these are, if it may sign in."""
    user = await repo.find_user_by_login(session, login)
    if not verify_password(user.password_hash if user else None, password):
        return None
    assert user is not None
    if user.disabled or not user.approved:
        return None
    return user


async def set_password(session: AsyncSession, user: User, password: str) -> None:
    check_password(password)
    user.password_hash = hash_password(password)
    await session.flush()


async def approve(session: AsyncSession, user: User) -> None:
    user.approved = True
    await session.flush()


async def set_role(session: AsyncSession, user: User, role: str) -> None:
    if role not in ROLES:
        raise _invalid("role", "ERR_INVALID", f"must be one of {', '.join(ROLES)}")
    user.role = role
    await session.flush()


@dataclass
class ProfileUpdate:
    display_name: str | None = None
    note: str | None = None
    locked: bool | None = None
    bot: bool | None = None
    discoverable: bool | None = None
    indexable: bool | None = None
    hide_collections: bool | None = None
    fields: list[tuple[str, str]] | None = None
    privacy: str | None = None
    sensitive: bool | None = None
    language: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


async def render_note(session: AsyncSession, text: str) -> str:
    mentions = {}
    for match in re.finditer(r"@([A-Za-z0-9_]+)", text):
        account = await repo.find_by_acct(session, match.group(1))
        if account is not None:
            mentions[match.group(1).lower()] = account

    def resolve(ref: MentionRef) -> ResolvedMention | None:
        if ref.domain and ref.domain.lower() != urls.local_domain().lower():
            return None
        account = mentions.get(ref.username.lower())
        return ResolvedMention(account.url or account.uri, account.username) if account else None

    return render_plain_text(text, resolve_mention=resolve, tag_url=urls.tag_url).html


async def update_profile(
    session: AsyncSession, account: Account, user: User, change: ProfileUpdate
) -> None:
    if change.display_name is not None:
        if len(change.display_name) > 30:
            raise _invalid("display_name", "ERR_TOO_LONG", "is too long (maximum is 30 characters)")
        account.display_name = change.display_name.strip()
    if change.note is not None:
        if len(change.note) > 500:
            raise _invalid("note", "ERR_TOO_LONG", "is too long (maximum is 500 characters)")
        account.note_source = change.note
        account.note = await render_note(session, change.note) if change.note.strip() else ""
    for name in ("locked", "bot", "discoverable", "indexable", "hide_collections"):
        value = getattr(change, name)
        if value is not None:
            setattr(account, name, value)
    if change.fields is not None:
        if len(change.fields) > MAX_FIELDS:
            raise _invalid("fields", "ERR_TOO_LONG", f"are too many (maximum is {MAX_FIELDS})")
        cleaned = []
        for name, value in change.fields:
            if len(name) > 255 or len(value) > 255:
                raise _invalid("fields", "ERR_TOO_LONG", "is too long (maximum is 255 characters)")
            if name.strip() or value.strip():
                cleaned.append({"name": name.strip(), "value": value.strip(), "verified_at": None})
        account.fields = cleaned
    if change.privacy is not None:
        if change.privacy not in ("public", "unlisted", "private", "direct"):
            raise _invalid("privacy", "ERR_INCLUSION", "is not included in the list")
        user.default_privacy = change.privacy
    if change.sensitive is not None:
        user.default_sensitive = change.sensitive
    if change.language is not None:
        user.default_language = change.language[:16] or None
    account.updated_at = clock.now()
    await session.flush()
    await index_account(session, account)
    await federation.emit_as(
        session,
        account,
        "account.updated",
        {"account_id": account.id},
        dedupe_key=f"account.updated:{account.id}",
        delay=PROFILE_UPDATE_DELAY,
    )
