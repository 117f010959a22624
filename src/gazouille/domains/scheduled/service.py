"""Scheduled statuses: checked like a post when scheduled, kept with their parameters, and
published on time by a durable job through the same use case as an ordinary post."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.errors import NotFound, ValidationFailed
from gazouille.core.ids import new_id
from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.domains.media.presenters import media_by_ids
from gazouille.domains.polls.service import PollSpec
from gazouille.domains.statuses.composition import NewStatus, check_draft
from gazouille.models import Account, MediaAttachment, ScheduledStatus
from gazouille.worker.queue import enqueue

PUBLISH_JOB = "scheduled_statuses.publish"
MIN_OFFSET = timedelta(minutes=5)
TOTAL_LIMIT = 300
DAILY_LIMIT = 25


@dataclass
class ScheduledView:
    row: ScheduledStatus
    media: list[MediaAttachment]


def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 date-time (UTC when no offset is given); None when unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _far_enough(at: datetime | None) -> bool:
    return at is not None and at >= clock.now() + MIN_OFFSET


async def _check_limits(session: AsyncSession, account_id: int, at: datetime) -> None:
    pending = select(func.count()).select_from(ScheduledStatus)
    pending = pending.where(ScheduledStatus.account_id == account_id)
    if int((await session.execute(pending)).scalar() or 0) >= TOTAL_LIMIT:
        raise ValidationFailed(
            f"Validation failed: You have exceeded the limit of {TOTAL_LIMIT} scheduled posts"
        )
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    same_day = pending.where(
        ScheduledStatus.scheduled_at >= day, ScheduledStatus.scheduled_at < day + timedelta(days=1)
    )
    if int((await session.execute(same_day)).scalar() or 0) >= DAILY_LIMIT:
        raise ValidationFailed(
            "Validation failed: You have exceeded the limit of "
            f"{DAILY_LIMIT} scheduled posts for that day"
        )


async def _enqueue_publish(session: AsyncSession, row: ScheduledStatus) -> None:
    # One job per (status, time): a job left from before a reschedule finds the time moved
    # and does nothing.
    stamp = int(row.scheduled_at.timestamp())
    await enqueue(
        session,
        PUBLISH_JOB,
        {"scheduled_status_id": row.id},
        run_at=row.scheduled_at,
        dedupe_key=f"{PUBLISH_JOB}:{row.id}:{stamp}",
    )


async def schedule(
    session: AsyncSession,
    author: Account,
    command: NewStatus,
    scheduled_at: str | None,
    *,
    max_characters: int,
    default_visibility: str,
) -> ScheduledStatus:
    """Check the post as if it were published now and keep it for later. A time that is
    unreadable or less than five minutes ahead is "Record invalid", as in Mastodon."""
    at = parse_time(scheduled_at)
    if at is None or not _far_enough(at):
        raise ValidationFailed("Record invalid")
    draft = await check_draft(
        session,
        author,
        command,
        max_characters=max_characters,
        default_visibility=default_visibility,
    )
    await _check_limits(session, author.id, at)
    poll: PollSpec | None = command.poll
    row = ScheduledStatus(
        id=new_id(),
        account_id=author.id,
        application_id=command.application_id,
        scheduled_at=at,
        params={
            "text": draft.text,
            "visibility": draft.visibility,
            "spoiler_text": draft.spoiler_text or None,
            "sensitive": draft.sensitive,
            "language": draft.language,
            "in_reply_to_id": draft.parent.id if draft.parent else None,
            "quoted_status_id": str(draft.quoted.id) if draft.quoted else None,
            "poll": poll.as_params() if poll is not None else None,
            "media_ids": [str(m.id) for m in draft.media] or None,
            "idempotency": command.idempotency_key,
            "application_id": command.application_id,
            "with_rate_limit": False,
            "scheduled_at": None,
        },
        media_ids=[m.id for m in draft.media],
        created_at=clock.now(),
    )
    session.add(row)
    await session.flush()
    await _enqueue_publish(session, row)
    return row


def command_of(row: ScheduledStatus) -> NewStatus:
    """The post a scheduled status stands for."""
    params = row.params or {}
    poll = params.get("poll")
    quoted = params.get("quoted_status_id")
    return NewStatus(
        text=str(params.get("text") or ""),
        visibility=params.get("visibility"),
        spoiler_text=str(params.get("spoiler_text") or ""),
        sensitive=bool(params.get("sensitive")),
        in_reply_to_id=params.get("in_reply_to_id"),
        language=params.get("language"),
        application_id=row.application_id,
        media_ids=list(row.media_ids or []),
        poll=PollSpec(**poll) if isinstance(poll, dict) else None,
        quoted_status_id=int(quoted) if quoted else None,
    )


async def get_own(
    session: AsyncSession, owner: Account, scheduled_id: int | None
) -> ScheduledStatus:
    row = await session.get(ScheduledStatus, scheduled_id) if scheduled_id else None
    if row is None or row.account_id != owner.id:
        raise NotFound()
    return row


async def reschedule(
    session: AsyncSession, owner: Account, scheduled_id: int | None, scheduled_at: str | None
) -> ScheduledStatus:
    row = await get_own(session, owner, scheduled_id)
    at = parse_time(scheduled_at)
    if not _far_enough(at):
        raise ValidationFailed(
            "Validation failed: Scheduled at must be at least 5 minutes in the future"
        )
    assert at is not None
    row.scheduled_at = at
    await session.flush()
    await _enqueue_publish(session, row)
    return row


async def cancel(session: AsyncSession, owner: Account, scheduled_id: int | None) -> None:
    row = await get_own(session, owner, scheduled_id)
    await session.delete(row)
    await session.flush()


async def list_scheduled(
    session: AsyncSession, owner: Account, page: PageParams
) -> list[ScheduledStatus]:
    stmt = select(ScheduledStatus).where(ScheduledStatus.account_id == owner.id)
    rows = list((await session.execute(paginate(stmt, ScheduledStatus.id, page))).scalars())
    return newest_first(rows, page)


async def present(session: AsyncSession, rows: list[ScheduledStatus]) -> list[ScheduledView]:
    media = await media_by_ids(session, {i for r in rows for i in r.media_ids or []})
    return [ScheduledView(r, [media[i] for i in r.media_ids or [] if i in media]) for r in rows]
