"""The edit history of statuses, local or remote: the versions kept in ``status_edits``,
and what follows once an edited status is written."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.ids import new_id
from gazouille.domains.notifications.tasks import enqueue_notification
from gazouille.domains.polls.service import poll_of
from gazouille.domains.search.indexing import index_status
from gazouille.domains.streaming import events as streaming_events
from gazouille.models import MediaAttachment, Poll, Status, StatusEdit


def version_of(
    status: Status,
    *,
    version_id: int,
    created_at: datetime,
    media_ids: list[int],
    poll: Poll | None,
) -> StatusEdit:
    """The status as it is now, as a version (not added to the session)."""
    return StatusEdit(
        id=version_id,
        status_id=status.id,
        account_id=status.account_id,
        text=status.text,
        content=status.content,
        spoiler_text=status.spoiler_text,
        sensitive=status.sensitive,
        media_ids=media_ids,
        poll_options=list(poll.options) if poll is not None else None,
        created_at=created_at,
    )


async def record_version(session: AsyncSession, status: Status, *, first: bool) -> None:
    """Keep the status as it is now in its edit history (``first``: the original, before
    the first edit, dated from its creation; nothing when the history has begun)."""
    if first:
        known = await session.execute(
            select(StatusEdit.id).where(StatusEdit.status_id == status.id).limit(1)
        )
        if known.first() is not None:
            return
    shown = await session.execute(
        select(MediaAttachment.id)
        .where(MediaAttachment.status_id == status.id, MediaAttachment.position >= 0)
        .order_by(MediaAttachment.position)
    )
    version = version_of(
        status,
        version_id=new_id(),
        created_at=status.created_at if first else (status.edited_at or clock.now()),
        media_ids=list(shown.scalars()),
        poll=await poll_of(session, status.id),
    )
    session.add(version)
    await session.flush()


async def after_edit(session: AsyncSession, status: Status, newly_mentioned: set[int]) -> None:
    """Once the edited status is written: its new version kept, search updated, the newly
    mentioned accounts and those who reblogged it notified, streaming told."""
    await record_version(session, status, first=False)
    await index_status(session, status.id)
    for account_id in sorted(newly_mentioned):
        await enqueue_notification(session, "mention", account_id, status.account_id, status.id)
    rebloggers = await session.execute(
        select(Status.account_id).where(Status.reblog_of_id == status.id).distinct()
    )
    for account_id in rebloggers.scalars():
        await enqueue_notification(session, "update", account_id, status.account_id, status.id)
    streaming_events.status_edited(session, status.id)
