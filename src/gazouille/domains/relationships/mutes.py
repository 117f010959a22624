"""Muting accounts, for a while or for good, with or without their notifications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.errors import ValidationFailed
from gazouille.core.ids import new_id
from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.domains.notifications import service as notifications
from gazouille.models import Account, Mute

MAX_DURATION = 10 * 365 * 24 * 3600


async def mute(
    session: AsyncSession,
    actor: Account,
    target: Account,
    *,
    notifications_too: bool = True,
    duration: int = 0,
) -> None:
    """Mute ``target``; ``duration`` seconds, 0 for good. Muting again replaces both the
    notifications choice and the end. Muting notifications also forgets those the target
    already caused, as Mastodon does. Muting oneself does nothing."""
    if duration < 0 or duration > MAX_DURATION:
        raise ValidationFailed("Validation failed: Duration must be a number of seconds")
    if actor.id == target.id:
        return
    now = clock.now()
    expires_at = now + timedelta(seconds=duration) if duration else None
    row = (
        await session.execute(
            select(Mute).where(Mute.account_id == actor.id, Mute.target_account_id == target.id)
        )
    ).scalar_one_or_none()
    if row is None:
        row = Mute(id=new_id(), account_id=actor.id, target_account_id=target.id, created_at=now)
        session.add(row)
    row.hide_notifications = notifications_too
    row.expires_at = expires_at
    await session.flush()
    if notifications_too:
        await notifications.clear_from(session, actor.id, target.id)


async def unmute(session: AsyncSession, actor: Account, target: Account) -> None:
    await session.execute(
        delete(Mute).where(Mute.account_id == actor.id, Mute.target_account_id == target.id)
    )


@dataclass
class MutedAccount:
    account: Account
    expires_at: datetime | None


async def muted_accounts(
    session: AsyncSession, account_id: int, page: PageParams
) -> list[tuple[int, MutedAccount]]:
    """(cursor, muted account) pairs, newest mute first; expired mutes are left out."""
    stmt = (
        select(Mute.id, Mute.expires_at, Account)
        .join(Account, Account.id == Mute.target_account_id)
        .where(
            Mute.account_id == account_id,
            Account.suspended_at.is_(None),
            or_(Mute.expires_at.is_(None), Mute.expires_at > clock.now()),
        )
    )
    rows = (await session.execute(paginate(stmt, Mute.id, page))).all()
    return newest_first([(r[0], MutedAccount(r[2], r[1])) for r in rows], page)
