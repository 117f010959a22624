"""Events → activities and their recipients. Each builder reads, in one read session, what
the event names now (a status deleted since a ``status.created`` gives nothing) and returns
the activities to deliver, who signs them and to which inboxes."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.domains.federation import keys
from gazouille.federation import activities, audience, objects, serializers
from gazouille.models import (
    Account,
    Favourite,
    Follow,
    FollowRequest,
    Poll,
    PollVote,
    Report,
    Status,
)

log = logging.getLogger(__name__)


@dataclass
class Outgoing:
    """One activity for some inboxes. ``signer`` is ``{"account_id": id}`` (a local
    account's key), ``{"instance": True}`` (the instance actor), or ``{"key_id": …,
    "private_key": …}`` (the key of an account deleted since)."""

    activity: dict[str, Any]
    inboxes: list[str]
    signer: dict[str, Any]


Builder = Callable[[AsyncSession, dict[str, Any]], Awaitable[list[Outgoing]]]


async def _local(session: AsyncSession, account_id: Any) -> Account | None:
    account = await session.get(Account, int(account_id)) if account_id is not None else None
    return account if account is not None and account.domain is None else None


async def _account(session: AsyncSession, account_id: Any) -> Account | None:
    return await session.get(Account, int(account_id)) if account_id is not None else None


def _by(account: Account) -> dict[str, Any]:
    return {"account_id": account.id}


async def _status_activity(session: AsyncSession, payload: dict[str, Any], kind: str) -> Any:
    status = await session.get(Status, int(payload["status_id"]))
    if status is None or status.reblog_of_id is not None:
        return []
    author = await _local(session, status.account_id)
    contexts = await objects.note_contexts(session, [status])
    if author is None or status.id not in contexts:
        return []
    context = contexts[status.id]
    note = serializers.note(status, context)
    activity = activities.create(note) if kind == "create" else activities.update_note(note)
    inboxes = await audience.status_inboxes(
        session,
        author.id,
        status.visibility,
        [a.id for a in context.mentions],
        status.in_reply_to_account_id,
    )
    if kind == "poll" and context.poll is not None:
        voters = await audience.voter_inboxes(session, context.poll.id)
        if status.visibility in ("public", "unlisted"):
            inboxes = sorted(set(inboxes) | voters)
    return [Outgoing(activity, inboxes, _by(author))]


async def status_created(session: AsyncSession, payload: dict[str, Any]) -> list[Outgoing]:
    return list(await _status_activity(session, payload, "create"))


async def status_updated(session: AsyncSession, payload: dict[str, Any]) -> list[Outgoing]:
    return list(await _status_activity(session, payload, "update"))


async def poll_updated(session: AsyncSession, payload: dict[str, Any]) -> list[Outgoing]:
    return list(await _status_activity(session, payload, "poll"))


async def status_deleted(session: AsyncSession, payload: dict[str, Any]) -> list[Outgoing]:
    author = await _local(session, payload["account_id"])
    if author is None:
        return []
    mentioned = [int(i) for i in payload.get("mentioned") or []]
    uris = []
    if mentioned:
        rows = await session.execute(select(Account.uri).where(Account.id.in_(mentioned)))
        uris = list(rows.scalars())
    visibility = payload.get("visibility", "public")
    to, cc = serializers.addressing(visibility, author, uris)
    activity = activities.delete_note(author, payload["uri"], to, cc)
    inboxes = await audience.status_inboxes(
        session, author.id, visibility, mentioned, payload.get("reply_to_account_id")
    )
    return [Outgoing(activity, inboxes, _by(author))]


async def _like(session: AsyncSession, payload: dict[str, Any]) -> Any:
    actor = await _local(session, payload["account_id"])
    status = await session.get(Status, int(payload["status_id"]))
    if actor is None or status is None:
        return None
    author = await _account(session, status.account_id)
    if author is None or author.domain is None:
        return None
    return actor, author, activities.like(actor, int(payload["favourite_id"]), status.uri)


async def status_favourited(session: AsyncSession, payload: dict[str, Any]) -> list[Outgoing]:
    found = await _like(session, payload)
    still = await session.scalar(
        select(Favourite.id).where(Favourite.id == int(payload["favourite_id"]))
    )
    if found is None or still is None:  # undone meanwhile: the Undo alone is enough
        return []
    actor, author, like = found
    return [Outgoing(like, audience.single(author), _by(actor))]


async def status_unfavourited(session: AsyncSession, payload: dict[str, Any]) -> list[Outgoing]:
    found = await _like(session, payload)
    if found is None:
        return []
    actor, author, like = found
    return [Outgoing(activities.undo(like, actor.uri), audience.single(author), _by(actor))]


async def status_reblogged(session: AsyncSession, payload: dict[str, Any]) -> list[Outgoing]:
    reblog = await session.get(Status, int(payload["reblog_id"]))
    if reblog is None or reblog.reblog_of_id is None:
        return []
    actor = await _local(session, reblog.account_id)
    original = await session.get(Status, reblog.reblog_of_id)
    author = await _account(session, original.account_id) if original else None
    if actor is None or original is None or author is None:
        return []
    announce = activities.announce(reblog, actor, original.uri, author.uri)
    inboxes = await audience.follower_inboxes(session, actor.id)
    inboxes |= set(audience.single(author))
    return [Outgoing(announce, sorted(inboxes), _by(actor))]


async def status_unreblogged(session: AsyncSession, payload: dict[str, Any]) -> list[Outgoing]:
    actor = await _local(session, payload["account_id"])
    original = await session.get(Status, int(payload["status_id"]))
    author = await _account(session, original.account_id) if original else None
    if actor is None or original is None or author is None:
        return []
    to, cc = activities.announce_addressing(payload.get("visibility", "public"), actor, author.uri)
    announce = {
        "id": payload["uri"],
        "type": "Announce",
        "actor": actor.uri,
        "to": to,
        "cc": cc,
        "object": original.uri,
    }
    inboxes = await audience.follower_inboxes(session, actor.id)
    inboxes |= set(audience.single(author))
    return [Outgoing(activities.undo(announce, actor.uri), sorted(inboxes), _by(actor))]


async def _pin(session: AsyncSession, payload: dict[str, Any], *, add: bool) -> list[Outgoing]:
    actor = await _local(session, payload["account_id"])
    status = await session.get(Status, int(payload["status_id"]))
    if actor is None or status is None or status.visibility not in ("public", "unlisted"):
        return []
    activity = activities.pin(actor, status.uri, add=add)
    return [Outgoing(activity, await audience.account_inboxes(session, actor.id), _by(actor))]


async def status_pinned(session: AsyncSession, payload: dict[str, Any]) -> list[Outgoing]:
    return await _pin(session, payload, add=True)


async def status_unpinned(session: AsyncSession, payload: dict[str, Any]) -> list[Outgoing]:
    return await _pin(session, payload, add=False)


async def _pair(session: AsyncSession, payload: dict[str, Any]) -> tuple[Account, Account] | None:
    actor = await _account(session, payload["account_id"])
    target = await _account(session, payload["target_id"])
    return (actor, target) if actor is not None and target is not None else None


async def follow_requested(session: AsyncSession, payload: dict[str, Any]) -> list[Outgoing]:
    pair = await _pair(session, payload)
    if pair is None or pair[0].domain is not None:
        return []
    actor, target = pair
    pending = await session.scalar(
        select(FollowRequest.id).where(
            FollowRequest.account_id == actor.id, FollowRequest.target_account_id == target.id
        )
    )
    accepted = await session.scalar(
        select(Follow.id).where(
            Follow.account_id == actor.id, Follow.target_account_id == target.id
        )
    )
    if pending is None and accepted is None:
        return []
    follow = activities.follow(payload["uri"], actor, target)
    return [Outgoing(follow, audience.single(target), _by(actor))]


async def follow_undone(session: AsyncSession, payload: dict[str, Any]) -> list[Outgoing]:
    pair = await _pair(session, payload)
    if pair is None or pair[0].domain is not None or not payload.get("uri"):
        return []
    actor, target = pair
    follow = activities.follow(payload["uri"], actor, target)
    return [Outgoing(activities.undo(follow, actor.uri), audience.single(target), _by(actor))]


async def follow_answered(session: AsyncSession, payload: dict[str, Any]) -> list[Outgoing]:
    pair = await _pair(session, payload)
    if pair is None or pair[1].domain is not None:
        return []
    follower, target = pair
    if payload["event"] == "follow.accepted":
        activity = activities.accept_follow(
            payload.get("uri"), follower, target, int(payload.get("follow_id") or 0)
        )
    else:
        activity = activities.reject_follow(payload.get("uri"), follower, target)
    return [Outgoing(activity, audience.single(follower), _by(target))]


async def account_block(session: AsyncSession, payload: dict[str, Any]) -> list[Outgoing]:
    pair = await _pair(session, payload)
    if pair is None or pair[0].domain is not None:
        return []
    actor, target = pair
    block = activities.block(actor, target, payload.get("block_id") or target.id)
    if payload["event"] == "account.unblocked":
        block = activities.undo(block, actor.uri)
    return [Outgoing(block, audience.single(target), _by(actor))]


async def account_updated(session: AsyncSession, payload: dict[str, Any]) -> list[Outgoing]:
    account = await _local(session, payload["account_id"])
    if account is None or not account.public_key:
        # No key yet: nobody can have fetched this actor, nobody needs an Update.
        return []
    moved = None
    if account.moved_to_account_id is not None:
        moved = await session.scalar(
            select(Account.uri).where(Account.id == account.moved_to_account_id)
        )
    document = serializers.actor(account, account.public_key, moved_to_uri=moved)
    inboxes = await audience.account_inboxes(session, account.id)
    return [Outgoing(activities.update_actor(document), inboxes, _by(account))]


async def account_deleted(session: AsyncSession, payload: dict[str, Any]) -> list[Outgoing]:
    if not payload.get("private_key"):
        return []
    signer = {"key_id": payload["key_id"], "private_key": payload["private_key"]}
    inboxes = sorted({i for i in payload.get("inboxes") or [] if i})
    return [Outgoing(activities.delete_actor(payload["uri"]), inboxes, signer)]


async def poll_voted(session: AsyncSession, payload: dict[str, Any]) -> list[Outgoing]:
    voter = await _local(session, payload["account_id"])
    poll = await session.get(Poll, int(payload["poll_id"]))
    if voter is None or poll is None:
        return []
    status = await session.get(Status, poll.status_id)
    author = await _account(session, poll.account_id)
    if status is None or author is None or author.domain is None:
        return []
    ids = [int(i) for i in payload.get("vote_ids") or []]
    votes = (await session.execute(select(PollVote).where(PollVote.id.in_(ids)))).scalars()
    inboxes = [author.inbox_url] if author.inbox_url else audience.single(author)
    return [
        Outgoing(
            activities.vote(voter, v.id, poll.options[v.choice], status.uri, author.uri),
            inboxes,
            _by(voter),
        )
        for v in sorted(votes, key=lambda v: v.choice)
        if 0 <= v.choice < len(poll.options)
    ]


async def report_forwarded(session: AsyncSession, payload: dict[str, Any]) -> list[Outgoing]:
    report = await session.get(Report, int(payload["report_id"]))
    if report is None:
        return []
    target = await _account(session, report.target_account_id)
    if target is None or target.domain is None:
        return []
    uris: list[str] = []
    if report.status_ids:
        rows = await session.execute(
            select(Status.uri).where(
                Status.id.in_(report.status_ids), Status.account_id == target.id
            )
        )
        uris = list(rows.scalars())
    flag = activities.flag(keys.instance_actor_uri(), report.id, target.uri, uris, report.comment)
    return [Outgoing(flag, audience.single(target), {"instance": True})]


BUILDERS: dict[str, Builder] = {
    "status.created": status_created,
    "status.updated": status_updated,
    "status.deleted": status_deleted,
    "status.favourited": status_favourited,
    "status.unfavourited": status_unfavourited,
    "status.reblogged": status_reblogged,
    "status.unreblogged": status_unreblogged,
    "status.pinned": status_pinned,
    "status.unpinned": status_unpinned,
    "follow.requested": follow_requested,
    "follow.undone": follow_undone,
    "follow.accepted": follow_answered,
    "follow.rejected": follow_answered,
    "account.blocked": account_block,
    "account.unblocked": account_block,
    "account.updated": account_updated,
    "account.deleted": account_deleted,
    "poll.voted": poll_voted,
    "poll.updated": poll_updated,
    "report.forwarded": report_forwarded,
}
