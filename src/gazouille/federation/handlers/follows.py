"""Follow, Accept, Reject, Block and their Undo: the relationships domain does the work with
the remote account as actor (and emits the Accept a remote follower is owed)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.activitypub.vocab import id_of
from gazouille.core.errors import Forbidden, NotFound
from gazouille.domains.accounts.remote import account_by_uri
from gazouille.domains.relationships import blocks
from gazouille.domains.relationships import remote as remote_relationships
from gazouille.domains.relationships import service as relationships
from gazouille.federation.handlers.base import Ignored, Inbound
from gazouille.models import Account, Follow, FollowRequest


async def _local(session: AsyncSession, uri: str | None) -> Account:
    account = await account_by_uri(session, uri) if uri else None
    if account is None or not account.is_local or account.suspended_at is not None:
        raise Ignored("object is not a local account")
    return account


async def on_follow(inbound: Inbound) -> None:
    async with inbound.db.write() as session:
        target = await _local(session, inbound.object_id)
        try:
            await relationships.follow(
                session, inbound.actor, target, relationships.FollowOptions(uri=inbound.id)
            )
        except Forbidden:
            raise Ignored("follow refused: a block stands between the accounts") from None


async def on_block(inbound: Inbound) -> None:
    async with inbound.db.write() as session:
        target = await _local(session, inbound.object_id)
        await blocks.block(session, inbound.actor, target)
        await remote_relationships.set_block_uri(session, inbound.actor, target, inbound.id)


def _follow_parts(obj: Any) -> tuple[str | None, str | None, str | None]:
    """(follow id, follower, followed) of a Follow given as an object or a bare id."""
    if isinstance(obj, dict):
        return id_of(obj.get("id")), id_of(obj.get("actor")), id_of(obj.get("object"))
    return id_of(obj), None, None


async def _our_follow(
    session: AsyncSession, inbound: Inbound
) -> tuple[Account, FollowRequest | None, Follow | None]:
    """The local follower, and its pending request to / follow of the Accept/Reject's
    actor, found by the Follow's id or else by the pair the embedded Follow names."""
    follow_id, follower_uri, followed_uri = _follow_parts(inbound.object)
    if followed_uri is not None and followed_uri != inbound.actor.uri:
        raise Ignored("the follow was not addressed to this actor")
    request, follow = await remote_relationships.follow_by_uri(session, follow_id, inbound.actor.id)
    found = request or follow
    if found is not None:
        follower = await session.get(Account, found.account_id)
    else:
        follower = await account_by_uri(session, follower_uri) if follower_uri else None
    if follower is None or not follower.is_local:
        raise Ignored("no follow by a local account matches")
    if found is None:
        request = (
            await session.execute(
                select(FollowRequest).where(
                    FollowRequest.account_id == follower.id,
                    FollowRequest.target_account_id == inbound.actor.id,
                )
            )
        ).scalar_one_or_none()
        follow = (
            await session.execute(
                select(Follow).where(
                    Follow.account_id == follower.id, Follow.target_account_id == inbound.actor.id
                )
            )
        ).scalar_one_or_none()
    return follower, request, follow


async def on_accept(inbound: Inbound) -> None:
    if inbound.object_type not in ("", "Follow"):
        raise Ignored(f"Accept of {inbound.object_type} is not supported")
    async with inbound.db.write() as session:
        follower, request, follow = await _our_follow(session, inbound)
        if request is None:
            if follow is not None:
                return  # accepted twice
            raise Ignored("no pending follow request")
        try:
            await relationships.authorize_request(session, inbound.actor, follower.id)
        except NotFound:
            raise Ignored("no pending follow request") from None


async def on_reject(inbound: Inbound) -> None:
    if inbound.object_type not in ("", "Follow"):
        raise Ignored(f"Reject of {inbound.object_type} is not supported")
    async with inbound.db.write() as session:
        follower, request, follow = await _our_follow(session, inbound)
        if request is None and follow is None:
            raise Ignored("no follow to reject")
        # A rejected follow (even one accepted before) ends. Severed as the remote side's
        # act: nothing is sent back.
        await relationships.remove_from_followers(session, inbound.actor, follower.id)


async def undo_follow(inbound: Inbound, obj: Any) -> None:
    follow_id, _, followed_uri = _follow_parts(obj)
    async with inbound.db.write() as session:
        if followed_uri is None and follow_id is not None:
            request, follow = await remote_relationships.follow_by_uri(session, follow_id, None)
            found = request or follow
            if found is None or found.account_id != inbound.actor.id:
                raise Ignored("unknown follow")
            target = await session.get(Account, found.target_account_id)
        else:
            target = await _local(session, followed_uri)
        if target is None:
            raise Ignored("unknown follow")
        await relationships.unfollow(session, inbound.actor, target)


async def undo_block(inbound: Inbound, obj: Any) -> None:
    target_uri = id_of(obj.get("object")) if isinstance(obj, dict) else None
    async with inbound.db.write() as session:
        if target_uri is None:
            target = await remote_relationships.blocked_by_uri(session, inbound.actor, id_of(obj))
        else:
            target = await _local(session, target_uri)
        if target is None:
            raise Ignored("unknown block")
        await blocks.unblock(session, inbound.actor, target)
