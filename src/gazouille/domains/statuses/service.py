"""Posting, deleting, favouriting, reblogging and bookmarking statuses."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock, urls
from gazouille.core.db import insert_ignore
from gazouille.core.errors import Forbidden, NotFound, ValidationFailed
from gazouille.core.ids import new_id
from gazouille.domains.cards.service import enqueue_card
from gazouille.domains.conversations import service as conversations
from gazouille.domains.conversations.tasks import enqueue_conversation_update
from gazouille.domains.federation import events as federation
from gazouille.domains.feeds import service as feeds
from gazouille.domains.media import service as media_service
from gazouille.domains.notifications.tasks import enqueue_notification, notify_subscribers
from gazouille.domains.polls import service as polls
from gazouille.domains.search.indexing import index_status
from gazouille.domains.statuses.composition import (
    Draft,
    NewStatus,
    check_draft,
    render_text,
    replace_mentions_and_tags,
)
from gazouille.domains.statuses.counters import count_new_status
from gazouille.domains.statuses.policy import access_status
from gazouille.domains.statuses.reblogs import uncount_reblog, write_reblog
from gazouille.domains.streaming import events as streaming_events
from gazouille.models import (
    Account,
    Bookmark,
    Favourite,
    IdempotencyKey,
    Mention,
    Status,
)

__all__ = ["NewStatus"]
IDEMPOTENCY_WINDOW = timedelta(hours=24)


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(f"Validation failed: {message}")


async def _earlier_post(session: AsyncSession, author: Account, key: str | None) -> Status | None:
    """The status already posted with this ``Idempotency-Key`` within a day, if any."""
    if not key:
        return None
    earlier = (
        await session.execute(
            select(IdempotencyKey.status_id).where(
                IdempotencyKey.account_id == author.id,
                IdempotencyKey.key == key[:200],
                IdempotencyKey.created_at > clock.now() - IDEMPOTENCY_WINDOW,
            )
        )
    ).scalar_one_or_none()
    return await session.get(Status, earlier) if earlier is not None else None


async def create_status(
    session: AsyncSession,
    author: Account,
    command: NewStatus,
    *,
    max_characters: int,
    default_visibility: str = "public",
) -> Status:
    earlier = await _earlier_post(session, author, command.idempotency_key)
    if earlier is not None:
        return earlier
    draft = await check_draft(
        session,
        author,
        command,
        max_characters=max_characters,
        default_visibility=default_visibility,
    )
    return await post_draft(session, author, draft, command)


async def post_draft(
    session: AsyncSession, author: Account, draft: Draft, command: NewStatus
) -> Status:
    """Write a checked status with its mentions, tags, media, poll and quote."""
    rendered, mention_targets = await render_text(session, draft.text)
    parent = draft.parent
    now = clock.now()
    status_id = new_id()
    status = Status(
        id=status_id,
        account_id=author.id,
        uri=urls.status_uri(author.username, status_id),
        url=urls.status_url(author.username, status_id),
        text=draft.text,
        content=rendered.html,
        spoiler_text=draft.spoiler_text,
        sensitive=draft.sensitive,
        visibility=draft.visibility,
        language=draft.language,
        local=True,
        in_reply_to_id=parent.id if parent else None,
        in_reply_to_account_id=parent.account_id if parent else None,
        thread_root_id=(parent.thread_root_id or parent.id) if parent else None,
        application_id=command.application_id,
        quote_id=draft.quoted.id if draft.quoted else None,
        has_media=bool(draft.media),
        has_poll=draft.poll is not None,
        created_at=now,
    )
    session.add(status)
    await session.flush()
    await replace_mentions_and_tags(session, status.id, mention_targets, rendered.tags)
    await media_service.attach(session, status.id, draft.media)
    if draft.poll is not None:
        await polls.create_poll(session, status.id, author.id, draft.poll)
    if command.idempotency_key:
        session.add(
            IdempotencyKey(
                account_id=author.id, key=command.idempotency_key[:200], status_id=status.id
            )
        )
    await count_new_status(session, status, parent, draft.quoted)
    await session.flush()
    await index_status(session, status.id)
    await enqueue_card(session, status)
    await feeds.fan_out(session, status)
    for account_id in mention_targets:
        await enqueue_notification(session, "mention", account_id, author.id, status.id)
    await notify_subscribers(session, status)
    if status.visibility == "direct":
        await enqueue_conversation_update(session, status.id)
    streaming_events.status_created(session, status.id)
    await federation.emit_as(session, author, "status.created", {"status_id": status.id})
    return status


async def access_own_status(
    session: AsyncSession, author: Account, status_id: int | None
) -> Status:
    status = await access_status(session, author.id, status_id)
    if status.account_id != author.id:
        raise NotFound()
    return status


async def delete_status(
    session: AsyncSession, author: Account, status_id: int | None, *, delete_media: bool = False
) -> Status:
    """Delete one of the author's statuses (and the reblogs of it); returns the row as it was.
    Its media are kept, unattached, for "delete and redraft" unless ``delete_media``."""
    status = await access_own_status(session, author, status_id)
    if status.reblog_of_id is not None:
        raise NotFound()
    if delete_media:
        await media_service.delete_status_media(session, status.id)
    if status.quote_id is not None:
        await session.execute(
            update(Status)
            .where(Status.id == status.quote_id)
            .values(quotes_count=Status.quotes_count - 1)
        )
    rebloggers = (
        (await session.execute(select(Status.account_id).where(Status.reblog_of_id == status.id)))
        .scalars()
        .all()
    )
    for account_id in rebloggers:
        await session.execute(
            update(Account)
            .where(Account.id == account_id)
            .values(statuses_count=Account.statuses_count - 1)
        )
    await session.execute(
        update(Account)
        .where(Account.id == author.id)
        .values(statuses_count=Account.statuses_count - 1)
    )
    if status.in_reply_to_id is not None:
        await session.execute(
            update(Status)
            .where(Status.id == status.in_reply_to_id)
            .values(replies_count=Status.replies_count - 1)
        )
    await conversations.forget_status(session, status)
    await streaming_events.status_deleted(session, status)
    if federation.federates(author):
        mentioned = await session.execute(
            select(Mention.account_id).where(Mention.status_id == status.id)
        )
        await federation.emit(
            session,
            "status.deleted",
            {
                "status_id": status.id,
                "account_id": author.id,
                "uri": status.uri,
                "visibility": status.visibility,
                "mentioned": list(mentioned.scalars()),
                "reply_to_account_id": status.in_reply_to_account_id,
            },
        )
    await session.execute(delete(Status).where(Status.id == status.id))
    return status


async def favourite(session: AsyncSession, actor: Account, status_id: int | None) -> Status:
    status = await access_status(session, actor.id, status_id)
    if status.reblog_of_id is not None:
        status = await access_status(session, actor.id, status.reblog_of_id)
    favourite_id = new_id()
    inserted = await insert_ignore(
        session,
        Favourite,
        {
            "id": favourite_id,
            "account_id": actor.id,
            "status_id": status.id,
            "created_at": clock.now(),
        },
        ["account_id", "status_id"],
    )
    if inserted:
        await session.execute(
            update(Status)
            .where(Status.id == status.id)
            .values(favourites_count=Status.favourites_count + 1)
        )
        await enqueue_notification(session, "favourite", status.account_id, actor.id, status.id)
        if not status.local:
            await federation.emit_as(
                session,
                actor,
                "status.favourited",
                {"account_id": actor.id, "status_id": status.id, "favourite_id": favourite_id},
            )
    await session.refresh(status)
    return status


async def unfavourite(session: AsyncSession, actor: Account, status_id: int | None) -> Status:
    status = await access_status(session, actor.id, status_id)
    mine = (Favourite.account_id == actor.id, Favourite.status_id == status.id)
    favourite_id = None
    if not status.local and federation.federates(actor):
        favourite_id = await session.scalar(select(Favourite.id).where(*mine))
    removed = await session.execute(delete(Favourite).where(*mine))
    if getattr(removed, "rowcount", 0):
        await session.execute(
            update(Status)
            .where(Status.id == status.id)
            .values(favourites_count=Status.favourites_count - 1)
        )
        if favourite_id is not None:
            await federation.emit(
                session,
                "status.unfavourited",
                {"account_id": actor.id, "status_id": status.id, "favourite_id": favourite_id},
            )
    await session.refresh(status)
    return status


async def reblog(
    session: AsyncSession, actor: Account, status_id: int | None, visibility: str | None = None
) -> Status:
    """Reblog a status; reblogging twice gives back the first reblog."""
    original = await access_status(session, actor.id, status_id)
    if original.reblog_of_id is not None:
        original = await access_status(session, actor.id, original.reblog_of_id)
    if original.visibility not in ("public", "unlisted"):
        raise Forbidden()
    existing = (
        await session.execute(
            select(Status).where(Status.account_id == actor.id, Status.reblog_of_id == original.id)
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    visibility = visibility or "public"
    if visibility not in ("public", "unlisted", "private"):
        raise _invalid("Visibility is not included in the list")
    reblog_id = new_id()
    row = await write_reblog(
        session,
        actor,
        original,
        reblog_id=reblog_id,
        uri=f"{urls.status_uri(actor.username, reblog_id)}/activity",
        visibility=visibility,
        local=True,
        created=clock.now(),
    )
    await federation.emit_as(session, actor, "status.reblogged", {"reblog_id": row.id})
    return row


async def unreblog(session: AsyncSession, actor: Account, status_id: int | None) -> Status:
    """Undo the actor's reblog of a status; returns the original."""
    original = await access_status(session, actor.id, status_id)
    if original.reblog_of_id is not None:
        original = await access_status(session, actor.id, original.reblog_of_id)
    await streaming_events.reblog_undone(session, actor.id, original.id)
    mine = (Status.account_id == actor.id, Status.reblog_of_id == original.id)
    undone = None
    if federation.federates(actor):
        undone = (await session.execute(select(Status.uri, Status.visibility).where(*mine))).first()
    removed = await session.execute(delete(Status).where(*mine))
    if undone is not None:
        await federation.emit(
            session,
            "status.unreblogged",
            {
                "account_id": actor.id,
                "status_id": original.id,
                "uri": undone[0],
                "visibility": undone[1],
            },
        )
    if getattr(removed, "rowcount", 0):
        await uncount_reblog(session, actor.id, original.id)
    await session.refresh(original)
    return original


async def bookmark(session: AsyncSession, actor: Account, status_id: int | None) -> Status:
    status = await access_status(session, actor.id, status_id)
    await insert_ignore(
        session,
        Bookmark,
        {"id": new_id(), "account_id": actor.id, "status_id": status.id, "created_at": clock.now()},
        ["account_id", "status_id"],
    )
    return status


async def unbookmark(session: AsyncSession, actor: Account, status_id: int | None) -> Status:
    status = await access_status(session, actor.id, status_id)
    await session.execute(
        delete(Bookmark).where(Bookmark.account_id == actor.id, Bookmark.status_id == status.id)
    )
    return status
