"""Statuses written on other servers: stored from what the federation door parsed (a
``RemoteNote``, its HTML already sanitized), edited and deleted when their author's server
says so. A stored remote status gets the after-effects a local post gets: home feeds of
local followers, mention notifications, search, conversations, link card, streaming."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.ids import new_id
from gazouille.domains.accounts.remote import accounts_by_uris
from gazouille.domains.cards.service import JOB_KIND as CARD_JOB
from gazouille.domains.conversations.tasks import enqueue_conversation_update
from gazouille.domains.federation.domain_blocks import rejects_media
from gazouille.domains.feeds import service as feeds
from gazouille.domains.media.presenters import media_of_statuses
from gazouille.domains.notifications.tasks import enqueue_notification, notify_subscribers
from gazouille.domains.polls.service import poll_of
from gazouille.domains.search.indexing import index_status
from gazouille.domains.statuses.composition import replace_mentions_and_tags
from gazouille.domains.statuses.counters import count_new_status
from gazouille.domains.statuses.edit_history import after_edit, record_version
from gazouille.domains.statuses.remote_actions import (
    delete_remote_reblog,
    delete_remote_status,
    pin_remote,
    store_remote_reblog,
    unpin_remote,
)
from gazouille.domains.statuses.remote_parts import (
    RemoteMedia,
    RemotePoll,
    replace_media,
    replace_poll,
    status_by_uri,
    status_by_url,
    when,
)
from gazouille.domains.streaming import events as streaming_events
from gazouille.models import Account, Status
from gazouille.models.statuses import VISIBILITIES
from gazouille.worker.queue import enqueue

__all__ = [
    "RemoteMedia",
    "RemoteNote",
    "RemotePoll",
    "delete_remote_reblog",
    "delete_remote_status",
    "link_reply",
    "pin_remote",
    "status_by_uri",
    "status_by_url",
    "store_remote_reblog",
    "store_remote_status",
    "unpin_remote",
    "update_remote_status",
]


@dataclass
class RemoteNote:
    uri: str
    content: str  # sanitized HTML
    url: str | None = None
    spoiler_text: str = ""
    sensitive: bool = False
    visibility: str = "public"
    language: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    in_reply_to_uri: str | None = None
    mention_uris: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    media: list[RemoteMedia] = field(default_factory=list)
    poll: RemotePoll | None = None
    quote_uri: str | None = None
    card_url: str | None = None  # the first link that is neither a mention nor a hashtag


async def _mentioned(session: AsyncSession, note: RemoteNote, author: Account) -> set[int]:
    found = await accounts_by_uris(session, note.mention_uris[:50])
    return {a.id for a in found.values() if a.id != author.id}


async def store_remote_status(session: AsyncSession, author: Account, note: RemoteNote) -> Status:
    """Store the note (idempotent by URI: a known URI gives the stored status back)."""
    existing = await status_by_uri(session, note.uri)
    if existing is not None:
        return existing
    note = await _without_rejected_media(session, author, note)
    visibility = note.visibility if note.visibility in VISIBILITIES else "direct"
    parent = await status_by_uri(session, note.in_reply_to_uri)
    quoted = await status_by_uri(session, note.quote_uri)
    if quoted is not None and quoted.visibility not in ("public", "unlisted"):
        quoted = None
    created = when(note.published)
    status = Status(
        id=new_id(created),
        account_id=author.id,
        uri=note.uri,
        url=note.url,
        text="",
        content=note.content,
        spoiler_text=note.spoiler_text,
        sensitive=bool(note.sensitive or note.spoiler_text),
        visibility=visibility,
        language=note.language,
        local=False,
        in_reply_to_id=parent.id if parent else None,
        in_reply_to_account_id=parent.account_id if parent else None,
        thread_root_id=(parent.thread_root_id or parent.id) if parent else None,
        quote_id=quoted.id if quoted else None,
        has_media=bool(note.media),
        has_poll=note.poll is not None,
        created_at=created,
        edited_at=note.updated if note.updated and note.updated > created else None,
    )
    session.add(status)
    await session.flush()
    mentioned = await _mentioned(session, note, author)
    await replace_mentions_and_tags(session, status.id, mentioned, note.tags)
    await replace_media(session, status, note.media)
    if note.poll is not None:
        await replace_poll(session, status, note.poll)
    await count_new_status(session, status, parent, quoted)
    await session.flush()
    await _after_post(session, status, mentioned, note.card_url)
    return status


async def _after_post(
    session: AsyncSession, status: Status, mentioned: set[int], card_url: str | None
) -> None:
    await index_status(session, status.id)
    if card_url:
        await enqueue(
            session,
            CARD_JOB,
            {"status_id": status.id, "url": card_url[:2048]},
            dedupe_key=f"card:{status.id}",
            max_attempts=3,
        )
    await feeds.fan_out(session, status)
    for account_id in sorted(mentioned):
        await enqueue_notification(session, "mention", account_id, status.account_id, status.id)
    await notify_subscribers(session, status)
    if status.visibility == "direct":
        await enqueue_conversation_update(session, status.id)
    streaming_events.status_created(session, status.id)


def _changed(status: Status, note: RemoteNote, media_urls: list[str | None]) -> bool:
    return (
        status.content != note.content
        or status.spoiler_text != note.spoiler_text
        or status.sensitive != bool(note.sensitive or note.spoiler_text)
        or media_urls != [m.url for m in note.media]
    )


async def _without_rejected_media(
    session: AsyncSession, author: Account, note: RemoteNote
) -> RemoteNote:
    """An admin's domain block may reject the domain's media: the post comes without."""
    if note.media and await rejects_media(session, author.domain):
        return replace(note, media=[])
    return note


async def update_remote_status(session: AsyncSession, status: Status, note: RemoteNote) -> Status:
    """Apply its server's new version. A change of text, warning, media or poll options is
    an edit (kept in the history, rebloggers told); new poll tallies alone are not.
    Visibility never changes, as in Mastodon."""
    author = await session.get(Account, status.account_id)
    assert author is not None
    note = await _without_rejected_media(session, author, note)
    current = (await media_of_statuses(session, [status.id])).get(status.id, [])
    poll_changed = False
    if note.poll is not None or status.has_poll:
        poll = await poll_of(session, status.id)
        poll_changed = (poll.options if poll else None) != (
            note.poll.options if note.poll else None
        )
    if not _changed(status, note, [m.remote_url for m in current]) and not poll_changed:
        if note.poll is not None:
            await replace_poll(session, status, note.poll)
        return status
    await record_version(session, status, first=True)
    status.content = note.content
    status.spoiler_text = note.spoiler_text
    status.sensitive = bool(note.sensitive or note.spoiler_text)
    status.language = note.language or status.language
    status.edited_at = when(note.updated)
    status.has_media = bool(note.media)
    status.has_poll = note.poll is not None
    await replace_media(session, status, note.media)
    await replace_poll(session, status, note.poll)
    await session.flush()
    mentioned = await _mentioned(session, note, author)
    newly = await replace_mentions_and_tags(session, status.id, mentioned, note.tags)
    await after_edit(session, status, newly)
    return status


async def link_reply(session: AsyncSession, child: Status, parent: Status) -> None:
    """A reply stored before its parent was known now joins the parent's thread (and so
    do the replies below it)."""
    if child.in_reply_to_id is not None or child.id == parent.id:
        return
    root = parent.thread_root_id or parent.id
    child.in_reply_to_id = parent.id
    child.in_reply_to_account_id = parent.account_id
    child.thread_root_id = root
    await session.execute(
        update(Status).where(Status.thread_root_id == child.id).values(thread_root_id=root)
    )
    await session.execute(
        update(Status).where(Status.id == parent.id).values(replies_count=Status.replies_count + 1)
    )
    await session.flush()
