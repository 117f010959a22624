"""Loading what AS2 documents of statuses need, a page at a time (a fixed number of queries
whatever the page size), and building the notes."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Executable, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.domains.media.presenters import media_of_statuses
from gazouille.federation import serializers
from gazouille.federation.serializers import NoteContext
from gazouille.models import Account, Mention, Poll, Status, StatusTag, Tag


async def _by_status(session: AsyncSession, stmt: Executable) -> dict[int, list[Any]]:
    """The rows of a ``(status_id, row)`` query grouped by status, in the query's order."""
    grouped: dict[int, list[Any]] = defaultdict(list)
    for status_id, row in (await session.execute(stmt)).all():
        grouped[status_id].append(row)
    return grouped


async def note_contexts(session: AsyncSession, statuses: list[Status]) -> dict[int, NoteContext]:
    """Each status's NoteContext (reblogs are skipped)."""
    originals = [s for s in statuses if s.reblog_of_id is None]
    if not originals:
        return {}
    ids = [s.id for s in originals]
    author_ids = {s.account_id for s in originals}
    authors = {
        a.id: a
        for a in (
            await session.execute(select(Account).where(Account.id.in_(author_ids)))
        ).scalars()
    }
    mentions: dict[int, list[Account]] = await _by_status(
        session,
        select(Mention.status_id, Account)
        .join(Account, Account.id == Mention.account_id)
        .where(Mention.status_id.in_(ids))
        .order_by(Mention.id),
    )
    tags: dict[int, list[Tag]] = await _by_status(
        session,
        select(StatusTag.status_id, Tag)
        .join(Tag, Tag.id == StatusTag.tag_id)
        .where(StatusTag.status_id.in_(ids))
        .order_by(Tag.name),
    )
    media = await media_of_statuses(session, [s.id for s in originals if s.has_media])
    polls: dict[int, Poll] = {}
    with_poll = [s.id for s in originals if s.has_poll]
    if with_poll:
        for poll in (
            await session.execute(select(Poll).where(Poll.status_id.in_(with_poll)))
        ).scalars():
            polls[poll.status_id] = poll
    linked = {s.in_reply_to_id for s in originals} | {s.quote_id for s in originals}
    linked.discard(None)
    uris: dict[int, str] = {}
    if linked:
        found = await session.execute(select(Status.id, Status.uri).where(Status.id.in_(linked)))
        uris = {row[0]: row[1] for row in found.all()}
    contexts = {}
    for status in originals:
        author = authors.get(status.account_id)
        if author is None:
            continue
        contexts[status.id] = NoteContext(
            author=author,
            mentions=mentions.get(status.id, []),
            tags=tags.get(status.id, []),
            media=media.get(status.id, []),
            poll=polls.get(status.id),
            in_reply_to_uri=uris.get(status.in_reply_to_id) if status.in_reply_to_id else None,
            quote_uri=uris.get(status.quote_id) if status.quote_id else None,
        )
    return contexts


async def notes(session: AsyncSession, statuses: list[Status]) -> dict[int, dict[str, Any]]:
    """status id → Note/Question document (without @context)."""
    contexts = await note_contexts(session, statuses)
    return {s.id: serializers.note(s, contexts[s.id]) for s in statuses if s.id in contexts}


async def note_of(session: AsyncSession, status: Status) -> dict[str, Any] | None:
    return (await notes(session, [status])).get(status.id)
