"""Follows, follow requests, and the relationship flags between two accounts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.errors import Forbidden, NotFound
from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.domains.notifications.tasks import enqueue_notification
from gazouille.models import Account, Follow, FollowRequest

AccountPageQuery = Callable[[AsyncSession, int, PageParams], Awaitable[list[tuple[int, Account]]]]


@dataclass
class FollowOptions:
    reblogs: bool | None = None
    notify: bool | None = None
    languages: list[str] | None = None


def _languages(value: list[str] | None) -> str | None:
    return ",".join(v[:8] for v in value[:20]) if value else None


async def _bump(session: AsyncSession, follower_id: int, target_id: int, delta: int) -> None:
    await session.execute(
        update(Account)
        .where(Account.id == follower_id)
        .values(following_count=Account.following_count + delta)
    )
    await session.execute(
        update(Account)
        .where(Account.id == target_id)
        .values(followers_count=Account.followers_count + delta)
    )


async def follow(
    session: AsyncSession, actor: Account, target: Account, options: FollowOptions
) -> None:
    """Follow ``target``, or ask to when it is locked. Following again updates the options."""
    if actor.id == target.id:
        raise Forbidden()
    existing = (
        await session.execute(
            select(Follow).where(
                Follow.account_id == actor.id, Follow.target_account_id == target.id
            )
        )
    ).scalar_one_or_none()
    pending = (
        await session.execute(
            select(FollowRequest).where(
                FollowRequest.account_id == actor.id, FollowRequest.target_account_id == target.id
            )
        )
    ).scalar_one_or_none()
    row: Any = existing or pending
    if row is not None:
        if options.reblogs is not None:
            row.show_reblogs = options.reblogs
        if options.notify is not None:
            row.notify = options.notify
        if options.languages is not None:
            row.languages = _languages(options.languages)
        await session.flush()
        return
    values = {
        "account_id": actor.id,
        "target_account_id": target.id,
        "show_reblogs": True if options.reblogs is None else options.reblogs,
        "notify": bool(options.notify),
        "languages": _languages(options.languages),
    }
    if target.locked:
        request = FollowRequest(**values)
        session.add(request)
        await session.flush()
        await enqueue_notification(session, "follow_request", target.id, actor.id)
        return
    new = Follow(**values)
    session.add(new)
    await session.flush()
    await _bump(session, actor.id, target.id, +1)
    await enqueue_notification(session, "follow", target.id, actor.id)


async def unfollow(session: AsyncSession, actor: Account, target: Account) -> None:
    removed = await session.execute(
        delete(Follow).where(Follow.account_id == actor.id, Follow.target_account_id == target.id)
    )
    if getattr(removed, "rowcount", 0):
        await _bump(session, actor.id, target.id, -1)
    await session.execute(
        delete(FollowRequest).where(
            FollowRequest.account_id == actor.id, FollowRequest.target_account_id == target.id
        )
    )


async def authorize_request(session: AsyncSession, target: Account, requester_id: int) -> None:
    request = (
        await session.execute(
            select(FollowRequest).where(
                FollowRequest.account_id == requester_id,
                FollowRequest.target_account_id == target.id,
            )
        )
    ).scalar_one_or_none()
    if request is None:
        raise NotFound()
    session.add(
        Follow(
            account_id=requester_id,
            target_account_id=target.id,
            show_reblogs=request.show_reblogs,
            notify=request.notify,
            languages=request.languages,
        )
    )
    await session.delete(request)
    await session.flush()
    await _bump(session, requester_id, target.id, +1)


async def reject_request(session: AsyncSession, target: Account, requester_id: int) -> None:
    removed = await session.execute(
        delete(FollowRequest).where(
            FollowRequest.account_id == requester_id, FollowRequest.target_account_id == target.id
        )
    )
    if not getattr(removed, "rowcount", 0):
        raise NotFound()


@dataclass
class Relationship:
    id: int
    following: bool = False
    showing_reblogs: bool = False
    notifying: bool = False
    languages: list[str] | None = None
    followed_by: bool = False
    blocking: bool = False
    blocked_by: bool = False
    muting: bool = False
    muting_notifications: bool = False
    requested: bool = False
    requested_by: bool = False
    domain_blocking: bool = False
    endorsed: bool = False
    note: str = ""


async def relationships(
    session: AsyncSession, viewer_id: int, target_ids: list[int]
) -> list[Relationship]:
    """The viewer's relationship with each target, in four queries whatever their number."""
    if not target_ids:
        return []
    ids = set(target_ids)
    following = {
        f.target_account_id: f
        for f in (
            await session.execute(
                select(Follow).where(
                    Follow.account_id == viewer_id, Follow.target_account_id.in_(ids)
                )
            )
        ).scalars()
    }
    followed_by = set(
        (
            await session.execute(
                select(Follow.account_id).where(
                    Follow.target_account_id == viewer_id, Follow.account_id.in_(ids)
                )
            )
        ).scalars()
    )
    requested = {
        r.target_account_id: r
        for r in (
            await session.execute(
                select(FollowRequest).where(
                    FollowRequest.account_id == viewer_id, FollowRequest.target_account_id.in_(ids)
                )
            )
        ).scalars()
    }
    requested_by = set(
        (
            await session.execute(
                select(FollowRequest.account_id).where(
                    FollowRequest.target_account_id == viewer_id, FollowRequest.account_id.in_(ids)
                )
            )
        ).scalars()
    )
    result = []
    for target_id in target_ids:
        edge: Follow | FollowRequest | None = following.get(target_id) or requested.get(target_id)
        result.append(
            Relationship(
                id=target_id,
                following=target_id in following,
                requested=target_id in requested,
                showing_reblogs=bool(edge and edge.show_reblogs),
                notifying=bool(edge and edge.notify),
                languages=edge.languages.split(",") if edge and edge.languages else None,
                followed_by=target_id in followed_by,
                requested_by=target_id in requested_by,
            )
        )
    return result


async def count_follow_requests(session: AsyncSession, account_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(FollowRequest)
        .where(FollowRequest.target_account_id == account_id)
    )
    return int(count or 0)


async def followers(
    session: AsyncSession, account_id: int, page: PageParams
) -> list[tuple[int, Account]]:
    """(cursor, follower) pairs, newest follow first."""
    stmt = (
        select(Follow.id, Account)
        .join(Account, Account.id == Follow.account_id)
        .where(Follow.target_account_id == account_id)
    )
    rows = (await session.execute(paginate(stmt, Follow.id, page))).all()
    return newest_first([(r[0], r[1]) for r in rows], page)


async def following(
    session: AsyncSession, account_id: int, page: PageParams
) -> list[tuple[int, Account]]:
    stmt = (
        select(Follow.id, Account)
        .join(Account, Account.id == Follow.target_account_id)
        .where(Follow.account_id == account_id)
    )
    rows = (await session.execute(paginate(stmt, Follow.id, page))).all()
    return newest_first([(r[0], r[1]) for r in rows], page)


async def follow_requests(
    session: AsyncSession, account_id: int, page: PageParams
) -> list[tuple[int, Account]]:
    stmt = (
        select(FollowRequest.id, Account)
        .join(Account, Account.id == FollowRequest.account_id)
        .where(FollowRequest.target_account_id == account_id)
    )
    rows = (await session.execute(paginate(stmt, FollowRequest.id, page))).all()
    return newest_first([(r[0], r[1]) for r in rows], page)
