"""Writing and removing reblog rows the same way whether the reblog was made here or came
from another server: the row, the counters it moves, the notification, feeds, streaming."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.domains.feeds import service as feeds
from gazouille.domains.notifications.tasks import enqueue_notification
from gazouille.domains.streaming import events as streaming_events
from gazouille.models import Account, Status


async def write_reblog(
    session: AsyncSession,
    actor: Account,
    original: Status,
    *,
    reblog_id: int,
    uri: str,
    visibility: str,
    local: bool,
    created: datetime,
) -> Status:
    """Store the actor's reblog of ``original`` (already checked) and what follows: the
    counters, the original's author notified, home feeds, streaming."""
    row = Status(
        id=reblog_id,
        account_id=actor.id,
        uri=uri,
        url=None,
        visibility=visibility,
        reblog_of_id=original.id,
        local=local,
        created_at=created,
    )
    session.add(row)
    await session.flush()
    await session.execute(
        update(Status)
        .where(Status.id == original.id)
        .values(reblogs_count=Status.reblogs_count + 1)
    )
    await session.execute(
        update(Account)
        .where(Account.id == actor.id)
        .values(statuses_count=Account.statuses_count + 1, last_status_at=created)
    )
    await enqueue_notification(session, "reblog", original.account_id, actor.id, original.id)
    await feeds.fan_out(session, row)
    streaming_events.status_created(session, row.id)
    return row


async def uncount_reblog(session: AsyncSession, account_id: int, original_id: int) -> None:
    """The counters after a reblog row was deleted: the original's reblogs, the reblogger's
    statuses."""
    await session.execute(
        update(Status)
        .where(Status.id == original_id)
        .values(reblogs_count=Status.reblogs_count - 1)
    )
    await session.execute(
        update(Account)
        .where(Account.id == account_id)
        .values(statuses_count=Account.statuses_count - 1)
    )
