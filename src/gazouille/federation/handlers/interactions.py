"""Like, Announce (and their Undo), Flag, and Add/Remove on an actor's featured collection."""

from __future__ import annotations

from typing import Any

from gazouille.activitypub.vocab import as_list, host_of, id_of
from gazouille.core.errors import NotFound
from gazouille.domains.accounts.remote import account_by_uri
from gazouille.domains.reports.remote import receive_remote_report
from gazouille.domains.statuses import remote as remote_statuses
from gazouille.domains.statuses import service as statuses
from gazouille.domains.statuses.remote_actions import reblog_of
from gazouille.federation import parsers
from gazouille.federation.handlers.base import Ignored, Inbound
from gazouille.models import Account, Status

MAX_FLAG_OBJECTS = 100


async def _local_status(inbound: Inbound, uri: str | None) -> Status:
    async with inbound.db.read() as session:
        status = await remote_statuses.status_by_uri(session, uri)
    if status is None or not status.local:
        raise Ignored("object is not a local status")
    return status


async def on_like(inbound: Inbound) -> None:
    # Misskey's reactions arrive as Likes too: each counts as a favourite, as in Mastodon.
    status = await _local_status(inbound, inbound.object_id)
    async with inbound.db.write() as session:
        try:
            await statuses.favourite(session, inbound.actor, status.id)
        except NotFound:
            raise Ignored("status not visible to the actor") from None


async def undo_like(inbound: Inbound, obj: Any) -> None:
    liked = id_of(obj.get("object")) if isinstance(obj, dict) else None
    if liked is None:
        raise Ignored("Undo of a Like given only by id")
    status = await _local_status(inbound, liked)
    async with inbound.db.write() as session:
        try:
            await statuses.unfavourite(session, inbound.actor, status.id)
        except NotFound:
            raise Ignored("status not visible to the actor") from None


async def on_announce(inbound: Inbound) -> None:
    uri = inbound.object_id
    if uri is None or inbound.id is None:
        raise Ignored("Announce without an object or an id")
    # The announced object is fetched from its own server, never taken from the Announce.
    original = await inbound.remote.note(uri)
    if original is None:
        raise Ignored("announced object could not be had")
    to, cc = parsers.addresses(inbound.activity)
    visibility = parsers.visibility(to, cc, inbound.actor.followers_url, inbound.actor.uri)
    async with inbound.db.write() as session:
        actor = await session.get(Account, inbound.actor.id)
        fresh = await session.get(Status, original.id)
        if actor is None or fresh is None:
            raise Ignored("gone meanwhile")
        stored = await remote_statuses.store_remote_reblog(
            session,
            actor,
            fresh,
            inbound.id,
            visibility="private" if visibility == "direct" else visibility,
            published=parsers.parse_time(inbound.activity.get("published")),
        )
    if stored is None:
        raise Ignored("this status may not be reblogged by this actor")


async def undo_announce(inbound: Inbound, obj: Any) -> None:
    announce_id = id_of(obj)
    async with inbound.db.write() as session:
        reblog = await remote_statuses.status_by_uri(session, announce_id)
        if reblog is None and isinstance(obj, dict):
            original = await remote_statuses.status_by_uri(session, id_of(obj.get("object")))
            if original is not None:
                reblog = await reblog_of(session, inbound.actor, original.id)
        if reblog is None or reblog.account_id != inbound.actor.id or reblog.reblog_of_id is None:
            raise Ignored("unknown reblog")
        await remote_statuses.delete_remote_reblog(session, reblog)


async def on_flag(inbound: Inbound) -> None:
    refs = [r for r in (id_of(o) for o in as_list(inbound.object)[:MAX_FLAG_OBJECTS]) if r]
    comment = parsers.plain(inbound.activity.get("content"), 1000, markup=True)
    async with inbound.db.write() as session:
        target: Account | None = None
        status_uris: list[str] = []
        for ref in refs:
            account = await account_by_uri(session, ref)
            if account is not None:
                target = target or (account if account.is_local else None)
                continue
            status = await remote_statuses.status_by_uri(session, ref)
            if status is not None and status.local:
                status_uris.append(ref)
                target = target or await session.get(Account, status.account_id)
        if target is None:
            raise Ignored("the report names no local account")
        report = await receive_remote_report(
            session, inbound.actor, target, status_uris, comment, inbound.id
        )
    if report is None:
        raise Ignored("report already received, or not about a local account")


async def _featured(inbound: Inbound) -> Status:
    target = id_of(inbound.activity.get("target"))
    if target is None or target != inbound.actor.featured_url:
        raise Ignored("target is not the actor's featured collection")
    uri = inbound.object_id
    if uri is None or host_of(uri) != host_of(inbound.actor.uri):
        raise Ignored("featured object is not on the actor's server")
    status = await inbound.remote.note(uri)
    if status is None or status.account_id != inbound.actor.id:
        raise Ignored("featured object is not one of the actor's statuses")
    return status


async def on_add(inbound: Inbound) -> None:
    status = await _featured(inbound)
    async with inbound.db.write() as session:
        fresh = await session.get(Status, status.id)
        if fresh is None or not await remote_statuses.pin_remote(session, inbound.actor, fresh):
            raise Ignored("this status cannot be pinned")


async def on_remove(inbound: Inbound) -> None:
    target = id_of(inbound.activity.get("target"))
    if target is None or target != inbound.actor.featured_url:
        raise Ignored("target is not the actor's featured collection")
    async with inbound.db.write() as session:
        status = await remote_statuses.status_by_uri(session, inbound.object_id)
        if status is None or status.account_id != inbound.actor.id:
            raise Ignored("unknown status")
        await remote_statuses.unpin_remote(session, inbound.actor, status)
