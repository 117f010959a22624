"""Posting, deleting, favouriting, reblogging and bookmarking statuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock, urls
from gazouille.core.db import insert_ignore
from gazouille.core.errors import Forbidden, NotFound, ValidationFailed
from gazouille.core.ids import new_id
from gazouille.core.text import (
    MentionRef,
    ResolvedMention,
    extract_mentions,
    normalize_tag,
    plain_text_length,
    render_plain_text,
)
from gazouille.domains.accounts import service as accounts
from gazouille.domains.notifications.tasks import enqueue_notification
from gazouille.domains.statuses.policy import access_status
from gazouille.models import (
    Account,
    Bookmark,
    Favourite,
    IdempotencyKey,
    Mention,
    Status,
    StatusTag,
    Tag,
)
from gazouille.models.statuses import VISIBILITIES

IDEMPOTENCY_WINDOW = timedelta(hours=24)


@dataclass
class NewStatus:
    text: str
    visibility: str | None = None
    spoiler_text: str = ""
    sensitive: bool = False
    in_reply_to_id: int | None = None
    language: str | None = None
    idempotency_key: str | None = None
    application_id: int | None = None


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(f"Validation failed: {message}")


async def _resolve_mentions(session: AsyncSession, text: str) -> dict[MentionRef, Account]:
    found: dict[MentionRef, Account] = {}
    for ref in extract_mentions(text):
        acct = ref.username if ref.domain is None else f"{ref.username}@{ref.domain}"
        account = await accounts.find_by_acct(session, acct)
        if account is not None:
            found[ref] = account
    return found


async def _upsert_tags(session: AsyncSession, names: list[str]) -> list[int]:
    ids = []
    for name in names:
        key = normalize_tag(name)
        await insert_ignore(
            session,
            Tag,
            {"id": new_id(), "name": name, "name_key": key, "created_at": clock.now()},
            ["name_key"],
        )
        tag_id = (await session.execute(select(Tag.id).where(Tag.name_key == key))).scalar_one()
        ids.append(tag_id)
    return ids


async def create_status(
    session: AsyncSession,
    author: Account,
    command: NewStatus,
    *,
    max_characters: int,
    default_visibility: str = "public",
) -> Status:
    text = command.text or ""
    if command.idempotency_key:
        earlier = (
            await session.execute(
                select(IdempotencyKey.status_id).where(
                    IdempotencyKey.account_id == author.id,
                    IdempotencyKey.key == command.idempotency_key[:200],
                    IdempotencyKey.created_at > clock.now() - IDEMPOTENCY_WINDOW,
                )
            )
        ).scalar_one_or_none()
        if earlier is not None and (status := await session.get(Status, earlier)) is not None:
            return status
    if not text.strip():
        raise _invalid("Text can't be blank")
    if plain_text_length(text) + len(command.spoiler_text or "") > max_characters:
        raise _invalid(f"Text character limit of {max_characters} exceeded")
    visibility = command.visibility or default_visibility
    if visibility not in VISIBILITIES:
        raise _invalid("Visibility is not included in the list")
    language = (command.language or "").strip() or None
    if language is not None and (len(language) > 16 or not language.replace("-", "").isalpha()):
        raise _invalid("Language is not a valid language code")

    parent: Status | None = None
    if command.in_reply_to_id is not None:
        parent = await access_status(session, author.id, command.in_reply_to_id)
        if parent.reblog_of_id is not None:
            raise NotFound()

    mentioned = await _resolve_mentions(session, text)

    def resolve(ref: MentionRef) -> ResolvedMention | None:
        account = mentioned.get(ref)
        return ResolvedMention(account.url or account.uri, account.username) if account else None

    rendered = render_plain_text(text, resolve_mention=resolve, tag_url=urls.tag_url)
    now = clock.now()
    status_id = new_id()
    status = Status(
        id=status_id,
        account_id=author.id,
        uri=urls.status_uri(author.username, status_id),
        url=urls.status_url(author.username, status_id),
        text=text,
        content=rendered.html,
        spoiler_text=(command.spoiler_text or "").strip(),
        sensitive=bool(command.sensitive or command.spoiler_text),
        visibility=visibility,
        language=language,
        local=True,
        in_reply_to_id=parent.id if parent else None,
        in_reply_to_account_id=parent.account_id if parent else None,
        thread_root_id=(parent.thread_root_id or parent.id) if parent else None,
        application_id=command.application_id,
        created_at=now,
    )
    session.add(status)
    await session.flush()
    mention_targets = {a.id for a in mentioned.values()}
    for account_id in mention_targets:
        session.add(Mention(status_id=status.id, account_id=account_id))
    for tag_id in await _upsert_tags(session, rendered.tags):
        session.add(StatusTag(status_id=status.id, tag_id=tag_id))
    if command.idempotency_key:
        session.add(
            IdempotencyKey(
                account_id=author.id, key=command.idempotency_key[:200], status_id=status.id
            )
        )
    await session.execute(
        update(Account)
        .where(Account.id == author.id)
        .values(statuses_count=Account.statuses_count + 1, last_status_at=now)
    )
    if parent is not None:
        await session.execute(
            update(Status)
            .where(Status.id == parent.id)
            .values(replies_count=Status.replies_count + 1)
        )
    await session.flush()
    for account_id in mention_targets:
        await enqueue_notification(session, "mention", account_id, author.id, status.id)
    return status


async def access_own_status(
    session: AsyncSession, author: Account, status_id: int | None
) -> Status:
    status = await access_status(session, author.id, status_id)
    if status.account_id != author.id:
        raise NotFound()
    return status


async def delete_status(session: AsyncSession, author: Account, status_id: int | None) -> Status:
    """Delete one of the author's statuses (and the reblogs of it); returns the row as it was."""
    status = await access_own_status(session, author, status_id)
    if status.reblog_of_id is not None:
        raise NotFound()
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
    await session.execute(delete(Status).where(Status.id == status.id))
    return status


async def favourite(session: AsyncSession, actor: Account, status_id: int | None) -> Status:
    status = await access_status(session, actor.id, status_id)
    if status.reblog_of_id is not None:
        status = await access_status(session, actor.id, status.reblog_of_id)
    inserted = await insert_ignore(
        session,
        Favourite,
        {"id": new_id(), "account_id": actor.id, "status_id": status.id, "created_at": clock.now()},
        ["account_id", "status_id"],
    )
    if inserted:
        await session.execute(
            update(Status)
            .where(Status.id == status.id)
            .values(favourites_count=Status.favourites_count + 1)
        )
        await enqueue_notification(session, "favourite", status.account_id, actor.id, status.id)
    await session.refresh(status)
    return status


async def unfavourite(session: AsyncSession, actor: Account, status_id: int | None) -> Status:
    status = await access_status(session, actor.id, status_id)
    removed = await session.execute(
        delete(Favourite).where(Favourite.account_id == actor.id, Favourite.status_id == status.id)
    )
    if getattr(removed, "rowcount", 0):
        await session.execute(
            update(Status)
            .where(Status.id == status.id)
            .values(favourites_count=Status.favourites_count - 1)
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
    now = clock.now()
    reblog_id = new_id()
    row = Status(
        id=reblog_id,
        account_id=actor.id,
        uri=f"{urls.status_uri(actor.username, reblog_id)}/activity",
        url=None,
        visibility=visibility,
        reblog_of_id=original.id,
        local=True,
        created_at=now,
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
        .values(statuses_count=Account.statuses_count + 1, last_status_at=now)
    )
    await enqueue_notification(session, "reblog", original.account_id, actor.id, original.id)
    return row


async def unreblog(session: AsyncSession, actor: Account, status_id: int | None) -> Status:
    """Undo the actor's reblog of a status; returns the original."""
    original = await access_status(session, actor.id, status_id)
    if original.reblog_of_id is not None:
        original = await access_status(session, actor.id, original.reblog_of_id)
    removed = await session.execute(
        delete(Status).where(Status.account_id == actor.id, Status.reblog_of_id == original.id)
    )
    if getattr(removed, "rowcount", 0):
        await session.execute(
            update(Status)
            .where(Status.id == original.id)
            .values(reblogs_count=Status.reblogs_count - 1)
        )
        await session.execute(
            update(Account)
            .where(Account.id == actor.id)
            .values(statuses_count=Account.statuses_count - 1)
        )
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
