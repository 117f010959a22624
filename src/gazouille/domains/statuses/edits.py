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
from gazouille.domains.federation import events as federation
from gazouille.domains.media import service as media_service
from gazouille.domains.media.presenters import media_by_ids, media_of_statuses
from gazouille.domains.polls import service as polls
from gazouille.domains.polls.service import PollSpec
from gazouille.domains.statuses.composition import (
    check_language,
    check_length,
    invalid,
    render_text,
    replace_mentions_and_tags,
)
from gazouille.domains.statuses.edit_history import after_edit, record_version, version_of
from gazouille.domains.statuses.policy import access_status
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
    await record_version(session, status, first=True)

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
    await after_edit(session, status, newly_mentioned)
    await federation.emit_as(session, author, "status.updated", {"status_id": status.id})
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
            version_of(
                status,
                version_id=status.id,
                created_at=status.created_at,
                media_ids=[m.id for m in current.get(status.id, [])],
                poll=poll,
            )
        ]
    author = await session.get(Account, status.account_id)
    assert author is not None
    media = await media_by_ids(session, {i for e in edits for i in e.media_ids or []})
    return [
        EditView(e, author, [media[i] for i in e.media_ids or [] if i in media], status.quote_id)
        for e in edits
    ]
