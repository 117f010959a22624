"""Checking what an author composed (text, visibility, language, reply, media, poll, quote)
before anything is written, and deriving a status's mentions and tags from its text. Shared
by posting, scheduling and editing."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock, urls
from gazouille.core.db import insert_ignore
from gazouille.core.errors import NotFound, ValidationFailed
from gazouille.core.ids import new_id
from gazouille.core.text import (
    MentionRef,
    Rendered,
    ResolvedMention,
    extract_mentions,
    normalize_tag,
    plain_text_length,
    render_plain_text,
)
from gazouille.domains.accounts import service as accounts
from gazouille.domains.media import service as media_service
from gazouille.domains.polls.service import PollSpec
from gazouille.domains.statuses.policy import access_status
from gazouille.models import Account, MediaAttachment, Mention, Status, StatusTag, Tag
from gazouille.models.statuses import VISIBILITIES

QUOTABLE = ("public", "unlisted")


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
    media_ids: list[int] = field(default_factory=list)
    poll: PollSpec | None = None
    quoted_status_id: int | None = None


@dataclass
class Draft:
    """A composed status that passed every check."""

    text: str
    spoiler_text: str
    sensitive: bool
    visibility: str
    language: str | None
    parent: Status | None
    media: list[MediaAttachment]
    poll: PollSpec | None
    quoted: Status | None


def invalid(message: str) -> ValidationFailed:
    return ValidationFailed(f"Validation failed: {message}")


def check_language(value: str | None) -> str | None:
    language = (value or "").strip() or None
    if language is not None and (len(language) > 16 or not language.replace("-", "").isalpha()):
        raise invalid("Language is not a valid language code")
    return language


def check_length(text: str, spoiler_text: str, max_characters: int) -> None:
    if plain_text_length(text) + len(spoiler_text or "") > max_characters:
        raise invalid(f"Text character limit of {max_characters} exceeded")


async def quotable(session: AsyncSession, author: Account, status_id: int | None) -> Status:
    """The status to quote: one the author can see, public or unlisted (a reblog stands for
    its original)."""
    quoted = await access_status(session, author.id, status_id)
    if quoted.reblog_of_id is not None:
        quoted = await access_status(session, author.id, quoted.reblog_of_id)
    if quoted.visibility not in QUOTABLE:
        raise invalid("Only public and unlisted posts can be quoted")
    return quoted


async def check_draft(
    session: AsyncSession,
    author: Account,
    command: NewStatus,
    *,
    max_characters: int,
    default_visibility: str = "public",
) -> Draft:
    text = command.text or ""
    spoiler_text = (command.spoiler_text or "").strip()
    if command.poll is not None and command.media_ids:
        raise invalid("A post cannot have both media attachments and a poll")
    if not text.strip() and not command.media_ids:
        raise invalid("Text can't be blank")
    check_length(text, spoiler_text, max_characters)
    visibility = command.visibility or default_visibility
    if visibility not in VISIBILITIES:
        raise invalid("Visibility is not included in the list")
    language = check_language(command.language)
    parent: Status | None = None
    if command.in_reply_to_id is not None:
        parent = await access_status(session, author.id, command.in_reply_to_id)
        if parent.reblog_of_id is not None:
            raise NotFound()
    quoted = None
    if command.quoted_status_id is not None:
        quoted = await quotable(session, author, command.quoted_status_id)
    media = await media_service.usable_for_status(session, author, command.media_ids)
    return Draft(
        text=text,
        spoiler_text=spoiler_text,
        sensitive=bool(command.sensitive or spoiler_text),
        visibility=visibility,
        language=language,
        parent=parent,
        media=media,
        poll=command.poll,
        quoted=quoted,
    )


async def render_text(session: AsyncSession, text: str) -> tuple[Rendered, set[int]]:
    """The HTML of ``text`` and the ids of the local or known accounts it mentions."""
    found: dict[MentionRef, Account] = {}
    for ref in extract_mentions(text):
        acct = ref.username if ref.domain is None else f"{ref.username}@{ref.domain}"
        account = await accounts.find_by_acct(session, acct)
        if account is not None:
            found[ref] = account

    def resolve(ref: MentionRef) -> ResolvedMention | None:
        account = found.get(ref)
        return ResolvedMention(account.url or account.uri, account.username) if account else None

    rendered = render_plain_text(text, resolve_mention=resolve, tag_url=urls.tag_url)
    return rendered, {a.id for a in found.values()}


async def upsert_tags(session: AsyncSession, names: list[str]) -> list[int]:
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
        if tag_id not in ids:
            ids.append(tag_id)
    return ids


async def replace_mentions_and_tags(
    session: AsyncSession, status_id: int, mentioned: set[int], tag_names: list[str]
) -> set[int]:
    """Set the status's mentions and tags; returns the accounts newly mentioned."""
    before = set(
        (
            await session.execute(select(Mention.account_id).where(Mention.status_id == status_id))
        ).scalars()
    )
    await session.execute(
        delete(Mention).where(Mention.status_id == status_id, Mention.account_id.not_in(mentioned))
    )
    for account_id in mentioned - before:
        session.add(Mention(id=new_id(), status_id=status_id, account_id=account_id))
    await session.execute(delete(StatusTag).where(StatusTag.status_id == status_id))
    for tag_id in await upsert_tags(session, tag_names):
        session.add(StatusTag(status_id=status_id, tag_id=tag_id))
    await session.flush()
    return mentioned - before
