"""Pinning one's statuses to one's profile, and muting a conversation (no more mention
notifications from that thread)."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.db import insert_ignore
from gazouille.core.errors import ValidationFailed
from gazouille.core.ids import new_id
from gazouille.domains.federation import events as federation
from gazouille.domains.statuses.policy import access_status
from gazouille.models import Account, ConversationMute, Status, StatusPin

MAX_PINS = 5


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(f"Validation failed: {message}")


async def pin(session: AsyncSession, actor: Account, status_id: int | None) -> Status:
    status = await access_status(session, actor.id, status_id)
    if status.reblog_of_id is not None:
        raise _invalid("A boost cannot be pinned")
    if status.account_id != actor.id:
        raise _invalid("You cannot pin someone else's post")
    if status.visibility == "direct":
        raise _invalid("Posts that are only visible to mentioned users cannot be pinned")
    already = await session.execute(
        select(StatusPin.id).where(
            StatusPin.account_id == actor.id, StatusPin.status_id == status.id
        )
    )
    if already.first() is not None:
        return status
    count = await session.execute(
        select(func.count()).select_from(StatusPin).where(StatusPin.account_id == actor.id)
    )
    if int(count.scalar() or 0) >= MAX_PINS:
        raise _invalid("You have already pinned the maximum number of posts")
    pinned = await insert_ignore(
        session,
        StatusPin,
        {"id": new_id(), "account_id": actor.id, "status_id": status.id, "created_at": clock.now()},
        ["account_id", "status_id"],
    )
    if pinned:
        payload = {"account_id": actor.id, "status_id": status.id}
        await federation.emit_as(session, actor, "status.pinned", payload)
    return status


async def unpin(session: AsyncSession, actor: Account, status_id: int | None) -> Status:
    status = await access_status(session, actor.id, status_id)
    removed = await session.execute(
        delete(StatusPin).where(StatusPin.account_id == actor.id, StatusPin.status_id == status.id)
    )
    if getattr(removed, "rowcount", 0):
        payload = {"account_id": actor.id, "status_id": status.id}
        await federation.emit_as(session, actor, "status.unpinned", payload)
    return status


def thread_root(status: Status) -> int:
    return status.thread_root_id or status.id


async def mute_conversation(session: AsyncSession, actor: Account, status_id: int | None) -> Status:
    status = await access_status(session, actor.id, status_id)
    await insert_ignore(
        session,
        ConversationMute,
        {
            "id": new_id(),
            "account_id": actor.id,
            "thread_root_id": thread_root(status),
            "created_at": clock.now(),
        },
        ["account_id", "thread_root_id"],
    )
    return status


async def unmute_conversation(
    session: AsyncSession, actor: Account, status_id: int | None
) -> Status:
    status = await access_status(session, actor.id, status_id)
    await session.execute(
        delete(ConversationMute).where(
            ConversationMute.account_id == actor.id,
            ConversationMute.thread_root_id == thread_root(status),
        )
    )
    return status
