"""The inbox job: one stored activity, handed to the handler of its type. Each handler
fetches what it needs first (outside any transaction), then applies the activity through
the domain services in one short write. The stored activity ends ``done``, ``ignored``
(understood and deliberately not applied, or of a type we do not handle) or ``failed``
(a bug: logged with its traceback), with the reason in ``error``."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from gazouille.core import clock
from gazouille.core.db import Database
from gazouille.domains.accounts.remote import account_by_uri
from gazouille.federation import parsers
from gazouille.federation.handlers import actors, follows, interactions, notes
from gazouille.federation.handlers.base import Ignored, Inbound, first_object, ownership_problem
from gazouille.federation.remote import Remote
from gazouille.models import InboxActivity
from gazouille.worker.runtime import JobContext

log = logging.getLogger(__name__)

INBOX_JOB = "federation.inbox"

Handler = Callable[[Inbound], Awaitable[None]]
UndoHandler = Callable[[Inbound, Any], Awaitable[None]]

HANDLERS: dict[str, Handler] = {
    "Follow": follows.on_follow,
    "Accept": follows.on_accept,
    "Reject": follows.on_reject,
    "Block": follows.on_block,
    "Create": notes.on_create,
    "Update": notes.on_update,
    "Delete": notes.on_delete,
    "Like": interactions.on_like,
    "Announce": interactions.on_announce,
    "Flag": interactions.on_flag,
    "Add": interactions.on_add,
    "Remove": interactions.on_remove,
    "Move": actors.on_move,
}
UNDO_HANDLERS: dict[str, UndoHandler] = {
    "Follow": follows.undo_follow,
    "Block": follows.undo_block,
    "Like": interactions.undo_like,
    "Announce": interactions.undo_announce,
}


async def on_undo(inbound: Inbound) -> None:
    obj = first_object(inbound.object)
    kind = parsers.type_of(obj)
    if not kind:
        # Only an id: it can be a reblog (its Announce id) or a follow or a block.
        for undo in (interactions.undo_announce, follows.undo_follow, follows.undo_block):
            try:
                await undo(inbound, obj)
                return
            except Ignored:
                continue
        raise Ignored("Undo of an unknown activity")
    handler = UNDO_HANDLERS.get(kind)
    if handler is None:
        raise Ignored(f"Undo of {kind} is not supported")
    await handler(inbound, obj)


HANDLERS["Undo"] = on_undo


async def handle(db: Database, activity: dict[str, Any], actor_uri: str) -> str | None:
    """Apply one activity signed by ``actor_uri``; None when applied, else why not."""
    kind = parsers.type_of(activity)
    handler = HANDLERS.get(kind)
    if handler is None:
        return f"{kind or 'untyped'} activities are not handled"
    problem = ownership_problem(activity, actor_uri)
    if problem is not None:
        return problem
    async with db.read() as session:
        actor = await account_by_uri(session, actor_uri)
    if actor is None or actor.is_local:
        return "unknown actor"
    if actor.suspended_at is not None:
        return "the actor is suspended here"
    try:
        await handler(Inbound(db, Remote(db), activity, actor))
    except Ignored as exc:
        return str(exc)
    return None


async def _finish(db: Database, activity_id: int, state: str, error: str | None) -> None:
    async with db.write() as session:
        row = await session.get(InboxActivity, activity_id)
        if row is not None:
            row.state, row.error, row.processed_at = state, error, clock.now()


async def process_inbox_activity(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Job ``federation.inbox``: ``{"id": <InboxActivity id>}``."""
    activity_id = int(payload["id"])
    async with ctx.db.read() as session:
        row = await session.get(InboxActivity, activity_id)
    if row is None or row.state != "pending":
        return
    try:
        reason = await handle(ctx.db, row.body, row.actor_uri)
    except Exception as exc:
        log.exception("inbox activity %s (%s) failed", row.id, row.activity_type)
        await _finish(ctx.db, activity_id, "failed", f"{type(exc).__name__}: {exc}"[:2000])
        return
    if reason is not None:
        log.info("inbox activity %s (%s) ignored: %s", row.id, row.activity_type, reason)
    await _finish(ctx.db, activity_id, "done" if reason is None else "ignored", reason)
