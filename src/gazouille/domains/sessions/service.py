"""Signing in from a browser: sessions kept server-side, found by the digest of the token
the cookie carries, so signing out (or a password change) ends them for good."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.security import new_token, token_digest
from gazouille.models import Account, User, WebSession

IDLE_LIFETIME = timedelta(days=30)
TOUCH_EVERY = timedelta(hours=12)


@dataclass
class SignedIn:
    session: WebSession
    user: User
    account: Account

    @property
    def needs_touch(self) -> bool:
        return clock.now() - self.session.last_seen_at > TOUCH_EVERY


async def start(session: AsyncSession, user: User, *, ip: str = "", user_agent: str = "") -> str:
    """A new session for ``user``; returns the token for the cookie (only its digest is kept)."""
    token = new_token()
    session.add(
        WebSession(
            token_digest=token_digest(token),
            user_id=user.id,
            last_seen_at=clock.now(),
            ip=ip[:64],
            user_agent=user_agent[:300],
        )
    )
    user.last_sign_in_at = clock.now()
    await session.flush()
    return token


async def resolve(session: AsyncSession, tokens: list[str]) -> list[SignedIn]:
    """The live sessions among ``tokens``, in the same order, in one query. Sessions of
    disabled, unapproved or suspended accounts, and idle ones, are left out."""
    digests = [token_digest(t) for t in tokens if t]
    if not digests:
        return []
    stmt = (
        select(WebSession, User, Account)
        .join(User, User.id == WebSession.user_id)
        .join(Account, Account.id == User.account_id)
        .where(
            WebSession.token_digest.in_(digests),
            WebSession.last_seen_at > clock.now() - IDLE_LIFETIME,
        )
    )
    found = {
        row[0].token_digest: SignedIn(row[0], row[1], row[2])
        for row in (await session.execute(stmt)).all()
        if not row[1].disabled and row[1].approved and row[2].suspended_at is None
    }
    return [found[d] for d in digests if d in found]


async def touch(session: AsyncSession, session_id: int) -> None:
    await session.execute(
        update(WebSession).where(WebSession.id == session_id).values(last_seen_at=clock.now())
    )


async def end(session: AsyncSession, token: str) -> None:
    await session.execute(delete(WebSession).where(WebSession.token_digest == token_digest(token)))


async def end_others(session: AsyncSession, user_id: int, keep_token: str | None) -> None:
    """Sign the user out everywhere else (after a password change or reset)."""
    stmt = delete(WebSession).where(WebSession.user_id == user_id)
    if keep_token:
        stmt = stmt.where(WebSession.token_digest != token_digest(keep_token))
    await session.execute(stmt)


async def list_for_user(session: AsyncSession, user_id: int) -> list[WebSession]:
    stmt = select(WebSession).where(WebSession.user_id == user_id).order_by(WebSession.id.desc())
    return list((await session.execute(stmt)).scalars())
