"""What remote accounts do to statuses besides writing them: delete them, reblog (announce)
and un-reblog, pin and unpin their own (the ``featured`` collection)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.db import insert_ignore
from gazouille.core.ids import new_id
from gazouille.domains.relationships.exclusions import blocks_either_way
from gazouille.domains.statuses import service as statuses
from gazouille.domains.statuses.reblogs import uncount_reblog, write_reblog
from gazouille.domains.statuses.remote_parts import when
from gazouille.domains.streaming import events as streaming_events
from gazouille.models import Account, Status, StatusPin

REBLOGGABLE = ("public", "unlisted")


async def delete_remote_status(session: AsyncSession, status: Status) -> None:
    """Delete a status (or a reblog) because its author's server deleted it."""
    author = await session.get(Account, status.account_id)
    if author is None:
        return
    if status.reblog_of_id is not None:
        await delete_remote_reblog(session, status)
        return
    await statuses.delete_status(session, author, status.id, delete_media=True)


async def store_remote_reblog(
    session: AsyncSession,
    actor: Account,
    original: Status,
    uri: str,
    *,
    visibility: str = "public",
    published: datetime | None = None,
) -> Status | None:
    """A remote account's reblog (its ``Announce``); idempotent by URI and by (account,
    original). None when the original may not be reblogged by it: not public or unlisted,
    or a block between the two authors."""
    if original.reblog_of_id is not None or original.visibility not in REBLOGGABLE:
        return None
    existing = (
        await session.execute(
            select(Status).where(
                (Status.uri == uri)
                | ((Status.account_id == actor.id) & (Status.reblog_of_id == original.id))
            )
        )
    ).scalar()
    if existing is not None:
        return existing
    blocked = await session.execute(select(blocks_either_way(actor.id, original.account_id)))
    if blocked.scalar():
        return None
    created = when(published)
    return await write_reblog(
        session,
        actor,
        original,
        reblog_id=new_id(created),
        uri=uri,
        visibility=visibility if visibility in ("public", "unlisted", "private") else "public",
        local=False,
        created=created,
    )


async def delete_remote_reblog(session: AsyncSession, reblog: Status) -> None:
    if reblog.reblog_of_id is None:
        return
    await streaming_events.reblog_undone(session, reblog.account_id, reblog.reblog_of_id)
    removed = await session.execute(delete(Status).where(Status.id == reblog.id))
    if getattr(removed, "rowcount", 0):
        await uncount_reblog(session, reblog.account_id, reblog.reblog_of_id)


async def reblog_of(session: AsyncSession, actor: Account, original_id: int) -> Status | None:
    rows = await session.execute(
        select(Status).where(Status.account_id == actor.id, Status.reblog_of_id == original_id)
    )
    return rows.scalar()


async def pin_remote(session: AsyncSession, account: Account, status: Status) -> bool:
    """Pin one of the account's own statuses (no limit on the number: its server decides)."""
    if (
        status.account_id != account.id
        or status.reblog_of_id is not None
        or status.visibility == "direct"
    ):
        return False
    await insert_ignore(
        session,
        StatusPin,
        {
            "id": new_id(),
            "account_id": account.id,
            "status_id": status.id,
            "created_at": clock.now(),
        },
        ["account_id", "status_id"],
    )
    return True


async def unpin_remote(session: AsyncSession, account: Account, status: Status) -> None:
    await session.execute(
        delete(StatusPin).where(
            StatusPin.account_id == account.id, StatusPin.status_id == status.id
        )
    )
