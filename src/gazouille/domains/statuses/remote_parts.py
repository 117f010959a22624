"""The pieces of a remote status beyond its text: media rows pointing at the remote files,
and its poll with the tallies its server reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.ids import new_id
from gazouille.domains.media import service as media_service
from gazouille.domains.polls.service import EXPIRE_JOB, delete_votes, poll_of
from gazouille.models import MediaAttachment, Poll, Status
from gazouille.models.media import MEDIA_TYPES
from gazouille.worker.queue import enqueue

MAX_MEDIA = 16
MAX_OPTIONS = 20


@dataclass
class RemoteMedia:
    url: str
    type: str = "unknown"  # image | gifv | video | audio | unknown
    content_type: str | None = None
    description: str | None = None
    blurhash: str | None = None
    focus: tuple[float, float] | None = None
    width: int | None = None
    height: int | None = None


@dataclass
class RemotePoll:
    options: list[str]
    tallies: list[int] = field(default_factory=list)
    multiple: bool = False
    expires_at: datetime | None = None
    voters_count: int | None = None


def when(value: datetime | None) -> datetime:
    """A remote date, never in our future (it would sort above everything for ever)."""
    now = clock.now()
    return value if value is not None and value < now else now


async def status_by_uri(session: AsyncSession, uri: str | None) -> Status | None:
    if not uri:
        return None
    rows = await session.execute(select(Status).where(Status.uri == uri))
    return rows.scalar_one_or_none()


async def status_by_url(session: AsyncSession, url: str) -> Status | None:
    """A post by its web page URL (what people paste into search)."""
    rows = await session.execute(
        select(Status).where(Status.url == url, Status.reblog_of_id.is_(None)).limit(1)
    )
    return rows.scalar_one_or_none()


def _meta(media: RemoteMedia) -> dict[str, object]:
    if not media.width or not media.height:
        return {}
    size = {"width": media.width, "height": media.height}
    return {
        "original": {
            **size,
            "size": f"{media.width}x{media.height}",
            "aspect": media.width / media.height,
        }
    }


async def replace_media(session: AsyncSession, status: Status, wanted: list[RemoteMedia]) -> None:
    """Show ``wanted`` on the status: rows already there (same remote URL) are kept and
    updated, new ones created; the others stay for the edit history, no longer shown."""
    existing = {
        m.remote_url: m
        for m in (
            await session.execute(
                select(MediaAttachment).where(MediaAttachment.status_id == status.id)
            )
        ).scalars()
    }
    rows = []
    for media in wanted[:MAX_MEDIA]:
        row = existing.get(media.url)
        if row is None:
            row = MediaAttachment(
                id=new_id(),
                account_id=status.account_id,
                status_id=status.id,
                state="done",
                remote_url=media.url,
                created_at=clock.now(),
            )
            session.add(row)
        row.type = media.type if media.type in MEDIA_TYPES else "unknown"
        row.content_type = media.content_type
        row.description = media.description
        row.blurhash = media.blurhash
        row.focus_x, row.focus_y = media.focus or (0.0, 0.0)
        row.meta = _meta(media)
        rows.append(row)
    await session.flush()
    await media_service.attach(session, status.id, rows)


async def replace_poll(session: AsyncSession, status: Status, wanted: RemotePoll | None) -> None:
    """The status's poll as its server reports it. Changed options drop the votes cast
    here; its end (when in the future) closes it with a job, as a local poll."""
    poll = await poll_of(session, status.id)
    if wanted is None or len(wanted.options) < 1:
        if poll is not None:
            await session.delete(poll)
            await session.flush()
        return
    options = wanted.options[:MAX_OPTIONS]
    tallies = [max(0, int(t)) for t in (wanted.tallies + [0] * len(options))[: len(options)]]
    if poll is None:
        poll = Poll(id=new_id(), status_id=status.id, account_id=status.account_id)
        poll.created_at = clock.now()
        session.add(poll)
    elif poll.options != options:
        await delete_votes(session, poll.id)
    previous_end = poll.expires_at
    poll.options = options
    poll.cached_tallies = tallies
    poll.votes_count = sum(tallies)
    poll.voters_count = (
        wanted.voters_count if wanted.voters_count is not None else (poll.votes_count)
    )
    poll.multiple = wanted.multiple
    poll.hide_totals = False
    poll.expires_at = wanted.expires_at
    await session.flush()
    end = wanted.expires_at
    if end is not None and end > clock.now() and end != previous_end:
        await enqueue(
            session,
            EXPIRE_JOB,
            {"poll_id": poll.id},
            run_at=end,
            dedupe_key=f"{EXPIRE_JOB}:{poll.id}:{int(end.timestamp())}",
        )
