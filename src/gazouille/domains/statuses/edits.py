"""Editing a status, Mastodon's way: the author changes text, content warning, sensitivity,
language, media (and their alt text) and poll; every version is kept in ``status_edits``
(the first edit also stores the original), and those who reblogged it are told."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.errors import NotFound
from gazouille.core.ids import new_id
from gazouille.domains.media import service as media_service
from gazouille.domains.media.presenters import media_by_ids, media_of_statuses
from gazouille.domains.notifications.tasks import enqueue_notification
from gazouille.domains.polls import service as polls
from gazouille.domains.polls.service import PollSpec
from gazouille.domains.search.indexing import index_status
from gazouille.domains.statuses.composition import (
    check_language,
    check_length,
    invalid,
    render_text,
    replace_mentions_and_tags,
)
from gazouille.domains.statuses.policy import access_status
from gazouille.domains.streaming import events as streaming_events
from gazouille.models import Account, MediaAttachment, Status, StatusEdit


@dataclass
class StatusChange:
    text: str
    spoiler_text: str = ""
    sensitive: bool = False
    language: str | None = None
    media_ids: list[int] = field(default_factory=list)
    media_attributes: list[dict[str, Any]] = field(default_factory=list)
    poll: PollSpec | None = None


@dataclass
class EditView:
    edit: StatusEdit
    account: Account
    media: list[MediaAttachment]
    quote_id: int | None = None


async def _snapshot(session: AsyncSession, status: Status, at: Any) -> None:
    media = await media_of_statuses(session, [status.id])
    poll = await polls.poll_of(session, status.id)
    session.add(
        StatusEdit(
            id=new_id(),
            status_id=status.id,
            account_id=status.account_id,
            text=status.text,
            content=status.content,
            spoiler_text=status.spoiler_text,
            sensitive=status.sensitive,
            media_ids=[m.id for m in media.get(status.id, [])],
            poll_options=list(poll.options) if poll is not None else None,
            created_at=at,
        )
    )
    await session.flush()


async def edit_status(
    session: AsyncSession,
    author: Account,
    status_id: int | None,
    change: StatusChange,
    *,
    max_characters: int,
) -> Status:
    status = await access_status(session, author.id, status_id)
    if status.account_id != author.id or status.reblog_of_id is not None:
        raise NotFound()
    text = change.text or ""
    spoiler_text = (change.spoiler_text or "").strip()
    if change.poll is not None and change.media_ids:
        raise invalid("A post cannot have both media attachments and a poll")
    if not text.strip() and not change.media_ids:
        raise invalid("Text can't be blank")
    check_length(text, spoiler_text, max_characters)
    language = check_language(change.language) or status.language
    media = await media_service.usable_for_status(
        session, author, change.media_ids, status_id=status.id
    )
    has_edits = (
        await session.execute(select(StatusEdit.id).where(StatusEdit.status_id == status.id))
    ).first() is not None
    if not has_edits:
        await _snapshot(session, status, status.created_at)

    await media_service.attach(session, status.id, media)
    await media_service.describe_attached(session, status.id, change.media_attributes)
    await polls.replace_poll(session, status.id, author.id, change.poll)
    rendered, mentioned = await render_text(session, text)
    now = clock.now()
    status.text = text
    status.content = rendered.html
    status.spoiler_text = spoiler_text
    status.sensitive = bool(change.sensitive or spoiler_text)
    status.language = language
    status.has_media = bool(media)
    status.has_poll = change.poll is not None
    status.edited_at = now
    await session.flush()
    newly_mentioned = await replace_mentions_and_tags(session, status.id, mentioned, rendered.tags)
    await _snapshot(session, status, now)
    await index_status(session, status.id)
    for account_id in newly_mentioned:
        await enqueue_notification(session, "mention", account_id, author.id, status.id)
    rebloggers = await session.execute(
        select(Status.account_id).where(Status.reblog_of_id == status.id).distinct()
    )
    for account_id in rebloggers.scalars():
        await enqueue_notification(session, "update", account_id, author.id, status.id)
    streaming_events.status_edited(session, status.id)
    return status


async def history(
    session: AsyncSession, viewer_id: int | None, status_id: int | None
) -> list[EditView]:
    """The versions of a status, oldest first (just the current one if never edited)."""
    status = await access_status(session, viewer_id, status_id)
    if status.reblog_of_id is not None:
        raise NotFound()
    edits = list(
        (
            await session.execute(
                select(StatusEdit).where(StatusEdit.status_id == status.id).order_by(StatusEdit.id)
            )
        ).scalars()
    )
    if not edits:
        current = await media_of_statuses(session, [status.id])
        poll = await polls.poll_of(session, status.id) if status.has_poll else None
        edits = [
            StatusEdit(
                id=status.id,
                status_id=status.id,
                account_id=status.account_id,
                text=status.text,
                content=status.content,
                spoiler_text=status.spoiler_text,
                sensitive=status.sensitive,
                media_ids=[m.id for m in current.get(status.id, [])],
                poll_options=list(poll.options) if poll is not None else None,
                created_at=status.created_at,
            )
        ]
    author = await session.get(Account, status.account_id)
    assert author is not None
    media = await media_by_ids(session, {i for e in edits for i in e.media_ids or []})
    return [
        EditView(e, author, [media[i] for i in e.media_ids or [] if i in media], status.quote_id)
        for e in edits
    ]
