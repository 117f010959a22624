"""Password resets, e-mail confirmation and e-mail changes, with signed tokens that need no
table: a reset token stops working once the password changed, a confirmation token carries
the address it confirms, and both expire."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.errors import ValidationFailed
from gazouille.core.security import constant_time_equal, sign, verify_password
from gazouille.domains.accounts import repository as repo
from gazouille.domains.accounts.service import EMAIL_RE, check_password, set_password
from gazouille.models import User

RESET_LIFETIME = timedelta(hours=2)
CONFIRM_LIFETIME = timedelta(days=3)


def _invalid(field_name: str, code: str, description: str) -> ValidationFailed:
    label = field_name.replace("_", " ").capitalize()
    return ValidationFailed(
        f"Validation failed: {label} {description}",
        details={field_name: [{"error": code, "description": description}]},
    )


def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def _encode(secret: str, fields: list[object]) -> str:
    body = base64.urlsafe_b64encode(json.dumps(fields).encode()).decode().rstrip("=")
    return f"{body}.{sign(secret, body)[:32]}"


def _decode(secret: str, token: str, purpose: str) -> list[object] | None:
    body, _, mac = token.strip().partition(".")
    if not body or not constant_time_equal(mac, sign(secret, body)[:32]):
        return None
    try:
        fields = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:
        return None
    if not isinstance(fields, list) or len(fields) != 5 or fields[0] != purpose:
        return None
    if not isinstance(fields[3], int | float) or fields[3] < clock.now().timestamp():
        return None
    return fields


def _token(secret: str, purpose: str, user: User, extra: str, lifetime: timedelta) -> str:
    expires = int((clock.now() + lifetime).timestamp())
    return _encode(secret, [purpose, user.id, extra, expires, _fingerprint(user)])


async def _user_of(
    session: AsyncSession, secret: str, token: str, purpose: str
) -> tuple[User, str]:
    fields = _decode(secret, token, purpose)
    user = await session.get(User, fields[1]) if fields and isinstance(fields[1], int) else None
    if user is None or fields is None or user.disabled:
        raise _invalid("token", "ERR_INVALID", "is invalid or has expired")
    if purpose == "reset" and fields[4] != _fingerprint(user):
        raise _invalid("token", "ERR_INVALID", "is invalid or has expired")
    return user, str(fields[2])


async def request_password_reset(
    session: AsyncSession, secret: str, email: str
) -> tuple[User, str] | None:
    """The user with that address and a reset token for them; None when there is none (the
    caller says the same thing either way, so addresses cannot be probed)."""
    user = await repo.find_user_by_login(session, email)
    if user is None or user.disabled or "@" not in email:
        return None
    return user, _token(secret, "reset", user, "", RESET_LIFETIME)


async def check_reset_token(session: AsyncSession, secret: str, token: str) -> User:
    user, _ = await _user_of(session, secret, token, "reset")
    return user


async def reset_password(session: AsyncSession, secret: str, token: str, password: str) -> User:
    user = await check_reset_token(session, secret, token)
    await set_password(session, user, password)
    return user


async def change_password(
    session: AsyncSession, user: User, current_password: str, new_password: str
) -> None:
    if not verify_password(user.password_hash, current_password):
        raise _invalid("current_password", "ERR_INVALID", "is invalid")
    check_password(new_password)
    await set_password(session, user, new_password)


def confirmation_token(secret: str, user: User, email: str | None = None) -> str:
    """A token that confirms ``email`` (the current address by default) for ``user``."""
    return _token(secret, "confirm", user, email or user.email, CONFIRM_LIFETIME)


async def require_confirmation(session: AsyncSession, user: User) -> None:
    """A new sign-up from the web confirms its address by e-mail (it may use the site meanwhile)."""
    user.confirmed_at = None
    await session.flush()


async def confirm_email(session: AsyncSession, secret: str, token: str) -> User:
    """Confirm the address in the token; for a change of address, it becomes the login."""
    user, email = await _user_of(session, secret, token, "confirm")
    if email != user.email:
        if await repo.email_taken(session, email):
            raise _invalid("email", "ERR_TAKEN", "has already been taken")
        user.email = email
    user.confirmed_at = clock.now()
    await session.flush()
    return user


async def request_email_change(
    session: AsyncSession, secret: str, user: User, password: str, new_email: str
) -> str:
    """Check the password and the new address; the change happens when it is confirmed."""
    if not verify_password(user.password_hash, password):
        raise _invalid("current_password", "ERR_INVALID", "is invalid")
    email = new_email.strip().lower()
    if not EMAIL_RE.match(email) or len(email) > 320:
        raise _invalid("email", "ERR_INVALID", "is invalid")
    if email == user.email:
        raise _invalid("email", "ERR_UNCHANGED", "is your current address")
    if await repo.email_taken(session, email):
        raise _invalid("email", "ERR_TAKEN", "has already been taken")
    return confirmation_token(secret, user, email)
