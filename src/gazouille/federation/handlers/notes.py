"""Create, Update and Delete: posts (and votes on our polls), actors' profiles, deletions of
posts and of whole accounts."""

from __future__ import annotations

from typing import Any

from gazouille.activitypub.client import FetchError
from gazouille.activitypub.vocab import host_of, id_of
from gazouille.core.errors import NotFound, ValidationFailed
from gazouille.domains.accounts.remote import delete_remote_account
from gazouille.domains.polls import service as polls
from gazouille.domains.statuses import remote as remote_statuses
from gazouille.federation import parsers
from gazouille.federation.handlers.base import Ignored, Inbound, first_object
from gazouille.models import Account, Status


async def _document(inbound: Inbound) -> dict[str, Any]:
    """The object as a document: embedded, or fetched from the actor's server."""
    obj = first_object(inbound.object)
    if isinstance(obj, dict):
        return obj
    uri = id_of(obj)
    if uri is None or host_of(uri) != host_of(inbound.actor.uri):
        raise Ignored("object is not on the actor's server")
    try:
        return await inbound.remote.fetch(uri)
    except FetchError as exc:
        raise Ignored(f"object could not be fetched: {exc}") from None


async def _vote(inbound: Inbound, question_uri: str, choice: str) -> bool:
    """Apply a vote on one of our polls; False when the Note is not one."""
    async with inbound.db.write() as session:
        status = await remote_statuses.status_by_uri(session, question_uri)
        if status is None or not status.local or not status.has_poll:
            return False
        poll = await polls.poll_of(session, status.id)
        if poll is None or choice not in poll.options:
            return False
        try:
            await polls.vote(session, inbound.actor, poll.id, [str(poll.options.index(choice))])
        except (ValidationFailed, NotFound) as exc:
            raise Ignored(f"vote refused: {exc}") from None
    return True


async def on_create(inbound: Inbound) -> None:
    doc = await _document(inbound)
    kind = parsers.type_of(doc)
    if kind not in parsers.NOTE_TYPES:
        raise Ignored(f"Create of {kind or 'an untyped object'} is not supported")
    if parsers.attributed_to(doc) != inbound.actor.uri:
        raise Ignored("object is not attributed to the actor")
    if "to" not in doc and "cc" not in doc:
        # Some servers address only the activity.
        doc = {**doc, "to": inbound.activity.get("to"), "cc": inbound.activity.get("cc")}
    vote = parsers.poll_vote(doc)
    if vote is not None and await _vote(inbound, *vote):
        return
    status = await inbound.remote.store_note(doc, author=inbound.actor)
    if status is None:
        raise Ignored("the object could not be stored")


async def on_update(inbound: Inbound) -> None:
    doc = await _document(inbound)
    if parsers.is_actor(doc):
        if id_of(doc) != inbound.actor.uri:
            raise Ignored("an actor can only update itself")
        if await inbound.remote.store_actor(doc, expected=inbound.actor.uri) is None:
            raise Ignored("unusable actor document")
        return
    if parsers.type_of(doc) not in parsers.NOTE_TYPES:
        raise Ignored(f"Update of {parsers.type_of(doc) or 'an untyped object'} is not supported")
    async with inbound.db.read() as session:
        status = await remote_statuses.status_by_uri(session, id_of(doc))
    if status is None:
        raise Ignored("update of an unknown status")
    if status.account_id != inbound.actor.id:
        raise Ignored("the status is not the actor's")
    try:
        note = parsers.parse_note(doc, inbound.actor.uri, inbound.actor.followers_url)
    except parsers.ParseError as exc:
        raise Ignored(str(exc)) from None
    await inbound.remote.fetch_mentions(note)
    async with inbound.db.write() as session:
        fresh = await session.get(Status, status.id)
        if fresh is None:
            raise Ignored("deleted meanwhile")
        await remote_statuses.update_remote_status(session, fresh, note)


async def on_delete(inbound: Inbound) -> None:
    object_id = id_of(first_object(inbound.object))
    if object_id == inbound.actor.uri:
        async with inbound.db.write() as session:
            account = await session.get(Account, inbound.actor.id)
            if account is not None:
                await delete_remote_account(session, account)
        return
    async with inbound.db.write() as session:
        status = await remote_statuses.status_by_uri(session, object_id)
        if status is None:
            raise Ignored("delete of an unknown object")
        if status.account_id != inbound.actor.id:
            raise Ignored("the object is not the actor's")
        await remote_statuses.delete_remote_status(session, status)
