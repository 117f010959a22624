"""Deleting a local account with its data. The database cascades remove its statuses,
follows, favourites, media rows, notifications, sessions and tokens; before that, the
counters that other accounts and posts keep about it are corrected."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from gazouille.core.errors import ValidationFailed
from gazouille.core.security import verify_password
from gazouille.domains.federation import events as federation
from gazouille.models import Account, Favourite, Follow, MediaAttachment, Status, User


async def delete_account(
    session: AsyncSession, account: Account, user: User, password: str
) -> list[str]:
    """Delete the account after checking its password; returns the storage keys of its
    files, for the caller to remove once the transaction has committed."""
    if not verify_password(user.password_hash, password):
        raise ValidationFailed(
            "Validation failed: Current password is invalid",
            details={"current_password": [{"error": "ERR_INVALID", "description": "is invalid"}]},
        )
    await federation.account_deleted(session, account)
    return await purge_account(session, account)


async def purge_account(session: AsyncSession, account: Account) -> list[str]:
    """Delete an account (local, or remote when its server deletes it) after correcting the
    counters that others keep about it; returns the storage keys of its files."""
    gone = account.id
    mine = aliased(Status)
    await session.execute(
        update(Status)
        .where(Status.id.in_(select(Favourite.status_id).where(Favourite.account_id == gone)))
        .values(favourites_count=Status.favourites_count - 1)
    )
    for column, link in (
        (Status.replies_count, mine.in_reply_to_id),
        (Status.reblogs_count, mine.reblog_of_id),
    ):
        count = (
            select(func.count())
            .select_from(mine)
            .where(link == Status.id, mine.account_id == gone)
            .scalar_subquery()
        )
        await session.execute(
            update(Status)
            .where(
                Status.account_id != gone,
                Status.id.in_(select(link).where(mine.account_id == gone)),
            )
            .values({column: column - count})
        )
    originals = select(Status.id).where(Status.account_id == gone)
    rebloggers = (
        select(Status.account_id, func.count().label("n"))
        .where(Status.reblog_of_id.in_(originals), Status.account_id != gone)
        .group_by(Status.account_id)
    )
    for account_id, n in (await session.execute(rebloggers)).all():
        await session.execute(
            update(Account)
            .where(Account.id == account_id)
            .values(statuses_count=Account.statuses_count - n)
        )
    await session.execute(
        update(Account)
        .where(Account.id.in_(select(Follow.target_account_id).where(Follow.account_id == gone)))
        .values(followers_count=Account.followers_count - 1)
    )
    await session.execute(
        update(Account)
        .where(Account.id.in_(select(Follow.account_id).where(Follow.target_account_id == gone)))
        .values(following_count=Account.following_count - 1)
    )
    keys: list[str] = [k for k in (account.avatar_key, account.header_key) if k]
    media = await session.execute(
        select(
            MediaAttachment.file_key, MediaAttachment.thumbnail_key, MediaAttachment.original_key
        ).where(MediaAttachment.account_id == gone)
    )
    for row in media.all():
        keys.extend(k for k in row if k)
    await session.execute(delete(Account).where(Account.id == gone))
    await session.flush()
    return keys
