"""Follows, follow requests, and the relationship flags between two accounts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.errors import Forbidden, NotFound
from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.domains.federation import follows as federation
from gazouille.domains.feeds import service as feeds
from gazouille.domains.lists import service as lists
from gazouille.domains.notifications.tasks import enqueue_notification
from gazouille.domains.relationships.exclusions import blocks_either_way, domain_blocked
from gazouille.models import (
    Account,
    AccountNote,
    Block,
    Endorsement,
    Follow,
    FollowRequest,
    Mute,
    UserDomainBlock,
)

AccountPageQuery = Callable[[AsyncSession, int, PageParams], Awaitable[list[tuple[int, Account]]]]


@dataclass
class FollowOptions:
    reblogs: bool | None = None
    notify: bool | None = None
    languages: list[str] | None = None
    # The ActivityPub id of a remote account's Follow, kept on the follow (or request) it
    # creates so that the Accept or Reject can name it.
    uri: str | None = None


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
    """Follow ``target``, or ask to when it is locked. Following again updates the options.
    A block either way, or the actor blocking the target's domain, forbids it."""
    if actor.id == target.id:
        raise Forbidden()
    refused = or_(blocks_either_way(actor.id, target.id), domain_blocked(actor.id, target.id))
    if (await session.execute(select(refused))).scalar():
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
        if options.uri is not None:
            row.uri = options.uri
        await session.flush()
        if existing is not None:  # their server asks again: it may have missed our Accept
            await federation.accepted(session, actor, target, existing)
        return
    values = {
        "account_id": actor.id,
        "target_account_id": target.id,
        "show_reblogs": True if options.reblogs is None else options.reblogs,
        "notify": bool(options.notify),
        "languages": _languages(options.languages),
        "uri": options.uri,
    }
    # As in Mastodon, an account of a silenced domain may only ask.
    needs_approval = target.locked or (actor.silenced_at is not None and target.is_local)
    if needs_approval or federation.asks_remote(actor, target):
        request = FollowRequest(**values)
        session.add(request)
        await session.flush()
        if federation.asks_remote(actor, target):
            await federation.request_sent(session, actor, target, request)
        else:
            await enqueue_notification(session, "follow_request", target.id, actor.id)
        return
    new = Follow(**values)
    session.add(new)
    await session.flush()
    await _bump(session, actor.id, target.id, +1)
    await feeds.followed(session, actor.id, target.id)
    await enqueue_notification(session, "follow", target.id, actor.id)
    await federation.accepted(session, actor, target, new)


async def _follow_gone(session: AsyncSession, follower_id: int, target_id: int) -> None:
    """What hangs on a follow goes with it, as in Mastodon: the endorsement of the target and
    the target's place in the follower's lists."""
    await session.execute(
        delete(Endorsement).where(
            Endorsement.account_id == follower_id, Endorsement.target_account_id == target_id
        )
    )
    await lists.forget_member(session, follower_id, target_id)


async def unfollow(session: AsyncSession, actor: Account, target: Account) -> None:
    """Stop following ``target`` or withdraw the request to."""
    await federation.undo_sent(session, actor, target)
    await _sever(session, actor.id, target.id)


async def _sever(session: AsyncSession, follower_id: int, target_id: int) -> None:
    removed = await session.execute(
        delete(Follow).where(
            Follow.account_id == follower_id, Follow.target_account_id == target_id
        )
    )
    if getattr(removed, "rowcount", 0):
        await _bump(session, follower_id, target_id, -1)
        await feeds.unfollowed(session, follower_id, target_id)
    await session.execute(
        delete(FollowRequest).where(
            FollowRequest.account_id == follower_id, FollowRequest.target_account_id == target_id
        )
    )
    await _follow_gone(session, follower_id, target_id)


async def remove_from_followers(session: AsyncSession, actor: Account, follower_id: int) -> None:
    """Make ``follower_id`` stop following the actor."""
    await federation.rejected(session, follower_id, actor)
    await _sever(session, follower_id, actor.id)


async def sever_both_ways(session: AsyncSession, actor: Account, target: Account) -> None:
    """Follows and requests between the two accounts, in both directions, go (a block)."""
    await _sever(session, actor.id, target.id)
    await _sever(session, target.id, actor.id)


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
    new = Follow(
        account_id=requester_id,
        target_account_id=target.id,
        show_reblogs=request.show_reblogs,
        notify=request.notify,
        languages=request.languages,
        uri=request.uri,
    )
    session.add(new)
    await session.delete(request)
    await session.flush()
    await _bump(session, requester_id, target.id, +1)
    await feeds.followed(session, requester_id, target.id)
    await federation.accepted(session, requester_id, target, new)


async def reject_request(session: AsyncSession, target: Account, requester_id: int) -> None:
    await federation.rejected(session, requester_id, target)
    removed = await session.execute(
        delete(FollowRequest).where(
            FollowRequest.account_id == requester_id, FollowRequest.target_account_id == target.id
        )
    )
    if not getattr(removed, "rowcount", 0):
        raise NotFound()
    await lists.forget_member(session, requester_id, target.id)


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
    muting_expires_at: datetime | None = None
    requested: bool = False
    requested_by: bool = False
    domain_blocking: bool = False
    endorsed: bool = False
    note: str = ""


def _both_ways(model: Any, viewer_id: int, ids: set[int]) -> Any:
    return select(model).where(
        or_(
            and_(model.account_id == viewer_id, model.target_account_id.in_(ids)),
            and_(model.target_account_id == viewer_id, model.account_id.in_(ids)),
        )
    )


async def _scalars(session: AsyncSession, stmt: Any) -> list[Any]:
    return list((await session.execute(stmt)).scalars())


async def relationships(
    session: AsyncSession, viewer_id: int, target_ids: list[int]
) -> list[Relationship]:
    """The viewer's relationship with each target, in seven queries whatever their number."""
    if not target_ids:
        return []
    ids = set(target_ids)
    follows = await _scalars(session, _both_ways(Follow, viewer_id, ids))
    following = {f.target_account_id: f for f in follows if f.account_id == viewer_id}
    followed_by = {f.account_id for f in follows if f.target_account_id == viewer_id}
    asks = await _scalars(session, _both_ways(FollowRequest, viewer_id, ids))
    requested = {r.target_account_id: r for r in asks if r.account_id == viewer_id}
    requested_by = {r.account_id for r in asks if r.target_account_id == viewer_id}
    blocks = await _scalars(session, _both_ways(Block, viewer_id, ids))
    blocking = {b.target_account_id for b in blocks if b.account_id == viewer_id}
    blocked_by = {b.account_id for b in blocks if b.target_account_id == viewer_id}
    now = clock.now()
    mutes = {
        m.target_account_id: m
        for m in await _scalars(
            session,
            select(Mute).where(
                Mute.account_id == viewer_id,
                Mute.target_account_id.in_(ids),
                or_(Mute.expires_at.is_(None), Mute.expires_at > now),
            ),
        )
    }
    notes = {
        n.target_account_id: n.comment
        for n in await _scalars(
            session,
            select(AccountNote).where(
                AccountNote.account_id == viewer_id, AccountNote.target_account_id.in_(ids)
            ),
        )
    }
    endorsed = set(
        await _scalars(
            session,
            select(Endorsement.target_account_id).where(
                Endorsement.account_id == viewer_id, Endorsement.target_account_id.in_(ids)
            ),
        )
    )
    domain_blocking = set(
        await _scalars(
            session,
            select(Account.id)
            .join(UserDomainBlock, UserDomainBlock.domain == Account.domain)
            .where(UserDomainBlock.account_id == viewer_id, Account.id.in_(ids)),
        )
    )
    result = []
    for target_id in target_ids:
        edge: Follow | FollowRequest | None = following.get(target_id) or requested.get(target_id)
        mute = mutes.get(target_id)
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
                blocking=target_id in blocking,
                blocked_by=target_id in blocked_by,
                muting=mute is not None,
                muting_notifications=bool(mute and mute.hide_notifications),
                muting_expires_at=mute.expires_at if mute else None,
                domain_blocking=target_id in domain_blocking,
                endorsed=target_id in endorsed,
                note=notes.get(target_id, ""),
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
