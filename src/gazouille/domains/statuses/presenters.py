"""Everything a page of statuses needs, loaded in a fixed number of queries whatever its
size: the statuses with their reblogged and quoted originals, authors and mentioned
accounts, tags, media, polls, applications and the viewer's flags (favourited, reblogged,
bookmarked, pinned, muted). Media, polls and quotes cost a query only when the page has
some."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, String, bindparam, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.db import core_rows
from gazouille.core.sql import in_ids
from gazouille.domains.cards.service import cards_of
from gazouille.domains.filters.matching import FilterMatch, apply_filters
from gazouille.domains.media.presenters import media_of_statuses
from gazouille.domains.polls.presenters import PollView, present_polls
from gazouille.domains.statuses import details_cache
from gazouille.domains.statuses.policy import visible_to
from gazouille.models import (
    Account,
    Bookmark,
    ConversationMute,
    Favourite,
    Filter,
    MediaAttachment,
    Mention,
    OAuthApplication,
    PreviewCard,
    Status,
    StatusPin,
    StatusTag,
    Tag,
)


@dataclass
class QuoteView:
    """Mastodon's Quote (with the quoted status) or, for a quote inside a quote, its
    ShallowQuote (the id only)."""

    state: str
    status: StatusView | None = None
    quoted_status_id: int | None = None
    shallow: bool = False


@dataclass
class StatusView:
    status: Status
    account: Account
    reblog: StatusView | None = None
    mentions: list[Account] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    application: OAuthApplication | None = None
    media: list[MediaAttachment] = field(default_factory=list)
    poll: PollView | None = None
    quote: QuoteView | None = None
    card: PreviewCard | None = None
    # Viewer flags; None when there is no viewer (the keys are then left out).
    favourited: bool | None = None
    reblogged: bool | None = None
    bookmarked: bool | None = None
    muted: bool | None = None
    pinned: bool | None = None
    # The viewer's filters that match (domains/filters); None when there is no viewer.
    filtered: list[FilterMatch] | None = None


async def present_statuses(
    session: AsyncSession,
    viewer_id: int | None,
    statuses: Sequence[Status],
    *,
    context: str | None = None,
) -> list[StatusView]:
    """``context`` (home, public, thread, account, notifications) is where the page is shown:
    the viewer's ``hide`` filters of that context leave statuses out of it."""
    if not statuses:
        return []
    # ORM statuses or Core rows of the statuses table (the same attributes).
    by_id: dict[int, Any] = {s.id: s for s in statuses}
    missing = {s.reblog_of_id for s in statuses if s.reblog_of_id and s.reblog_of_id not in by_id}
    if missing:
        for original in await core_rows(session, _STATUS_ROWS, {"ids": list(missing)}):
            by_id[original.id] = original
    quote_ids = {s.quote_id for s in by_id.values() if s.quote_id}
    if quote_ids - set(by_id):
        quoted = select(Status).where(Status.id.in_(quote_ids - set(by_id)), visible_to(viewer_id))
        for row in (await session.execute(quoted)).scalars():
            by_id[row.id] = row
    ids = list(by_id)

    known: dict[int, details_cache.Details] = {}
    for status in by_id.values():
        entry = details_cache.lookup(status)
        if entry is not None:
            known[status.id] = entry
    unknown = [i for i in ids if i not in known]
    mention_ids: dict[int, list[int]] = {i: list(d.mention_ids) for i, d in known.items()}
    tags: dict[int, list[Tag]] = {i: list(d.tags) for i, d in known.items()}
    if unknown:
        await _load_details(session, unknown, mention_ids, tags)
        for i in unknown:
            details_cache.store(by_id[i], mention_ids.get(i, ()), tags.get(i, ()))
    account_ids = {s.account_id for s in by_id.values()}
    for found in mention_ids.values():
        account_ids.update(found)
    accounts: dict[int, Any] = {
        a.id: a for a in await core_rows(session, _ACCOUNTS, {"ids": list(account_ids)})
    }
    app_ids = {
        s.application_id for s in by_id.values() if s.application_id and s.account_id == viewer_id
    }
    apps = {}
    if app_ids:
        apps = {
            a.id: a
            for a in (
                await session.execute(
                    select(OAuthApplication).where(OAuthApplication.id.in_(app_ids))
                )
            ).scalars()
        }
    flags = _Flags()
    if viewer_id is not None:
        flags = await _viewer_flags(session, viewer_id, list(by_id.values()))
    favourited, reblogged, bookmarked = flags.favourited, flags.reblogged, flags.bookmarked
    pinned, muted_roots = flags.pinned, flags.muted
    media = await media_of_statuses(session, [s.id for s in by_id.values() if s.has_media])
    polls = await present_polls(session, viewer_id, [s.id for s in by_id.values() if s.has_poll])
    cards = await cards_of(session, [s.card_id for s in by_id.values() if s.card_id])
    mentions: dict[int, list[Account]] = defaultdict(list)
    for status_id, mentioned in mention_ids.items():
        mentions[status_id] = [accounts[a] for a in mentioned if a in accounts]

    def quote_of(status: Status, nested: bool) -> QuoteView | None:
        if status.quote_id is None:
            return None
        if nested:
            return QuoteView("accepted", quoted_status_id=status.quote_id, shallow=True)
        if status.quote_id not in by_id:
            return QuoteView("unauthorized")
        return QuoteView("accepted", view(by_id[status.quote_id], nested=True))

    def view(status: Status, nested: bool = False) -> StatusView:
        flag = viewer_id is not None
        own = flag and status.account_id == viewer_id
        return StatusView(
            status=status,
            account=accounts[status.account_id],
            mentions=mentions.get(status.id, []),
            tags=tags.get(status.id, []),
            application=apps.get(status.application_id) if status.application_id else None,
            media=media.get(status.id, []),
            poll=polls.get(status.id),
            quote=quote_of(status, nested),
            card=cards.get(status.card_id) if status.card_id else None,
            favourited=(status.id in favourited) if flag else None,
            reblogged=(status.id in reblogged) if flag else None,
            bookmarked=(status.id in bookmarked) if flag else None,
            muted=((status.thread_root_id or status.id) in muted_roots) if flag else None,
            pinned=(status.id in pinned) if own and status.reblog_of_id is None else None,
        )

    result = []
    for status in statuses:
        item = view(status)
        if status.reblog_of_id is not None:
            target = by_id.get(status.reblog_of_id)
            if target is None:
                continue
            item.reblog = view(target)
            # A reblog carries the viewer's flags of the original, as Mastodon does.
            item.favourited, item.reblogged, item.bookmarked = (
                item.reblog.favourited,
                item.reblog.reblogged,
                item.reblog.bookmarked,
            )
        result.append(item)
    if viewer_id is not None:
        result = await apply_filters(
            session, viewer_id, result, context, has_filters=flags.has_filters
        )
    return result


async def _load_details(
    session: AsyncSession,
    status_ids: list[int],
    mention_ids: dict[int, list[int]],
    tags: dict[int, list[Tag]],
) -> None:
    """Mentioned account ids and tags of ``status_ids``, in two queries."""
    for status_id, account_id in await core_rows(session, _MENTIONS, {"ids": status_ids}):
        mention_ids.setdefault(status_id, []).append(account_id)
    for status_id, tag in (await session.execute(_TAGS, {"ids": status_ids})).all():
        tags.setdefault(status_id, []).append(tag)


@dataclass
class _Flags:
    favourited: set[int] = field(default_factory=set)
    reblogged: set[int] = field(default_factory=set)
    bookmarked: set[int] = field(default_factory=set)
    pinned: set[int] = field(default_factory=set)
    muted: set[int] = field(default_factory=set)  # thread roots
    has_filters: bool = False


async def _viewer_flags(
    session: AsyncSession, viewer_id: int, statuses: Sequence[Status]
) -> _Flags:
    """The viewer's favourites, reblogs, bookmarks, pins and muted threads among
    ``statuses``, and whether the viewer has active filters: one query."""
    params = {
        "viewer": viewer_id,
        "ids": [s.id for s in statuses],
        "own": [s.id for s in statuses if s.account_id == viewer_id],
        "roots": list({s.thread_root_id or s.id for s in statuses}),
        "now": clock.now(),
    }
    flags = _Flags()
    sets = {
        "f": flags.favourited,
        "r": flags.reblogged,
        "b": flags.bookmarked,
        "p": flags.pinned,
        "m": flags.muted,
    }
    for kind, row_id in await core_rows(session, _viewer_flags_statement(), params):
        if kind == "x":
            flags.has_filters = True
        elif row_id is not None:
            sets[kind].add(row_id)
    return flags


@cache
def _viewer_flags_statement() -> Any:
    """Built once (building the clause costs more than running it), run with parameters."""
    viewer = bindparam("viewer", type_=BigInteger())

    def kind(letter: str) -> Any:
        return literal(letter, String()).label("kind")

    return union_all(
        select(kind("f"), Favourite.status_id.label("id")).where(
            Favourite.account_id == viewer, in_ids(Favourite.status_id, "ids")
        ),
        select(kind("r"), Status.reblog_of_id).where(
            Status.account_id == viewer, in_ids(Status.reblog_of_id, "ids")
        ),
        select(kind("b"), Bookmark.status_id).where(
            Bookmark.account_id == viewer, in_ids(Bookmark.status_id, "ids")
        ),
        select(kind("p"), StatusPin.status_id).where(
            StatusPin.account_id == viewer,
            in_ids(StatusPin.status_id, "own"),
        ),
        select(kind("m"), ConversationMute.thread_root_id).where(
            ConversationMute.account_id == viewer,
            in_ids(ConversationMute.thread_root_id, "roots"),
        ),
        select(kind("x"), Filter.id).where(
            Filter.account_id == viewer,
            or_(Filter.expires_at.is_(None), Filter.expires_at > bindparam("now")),
        ),
    )


# Rows rather than ORM objects (the serializers only read columns): building an ORM object
# per row cost more than the query on a page of 20.
_ACCOUNTS = select(Account.__table__).where(in_ids(Account.id, "ids"))
_STATUS_ROWS = select(Status.__table__).where(in_ids(Status.id, "ids"))
_MENTIONS = select(Mention.status_id, Mention.account_id).where(in_ids(Mention.status_id, "ids"))
_TAGS = (
    select(StatusTag.status_id, Tag)
    .join(Tag, Tag.id == StatusTag.tag_id)
    .where(in_ids(StatusTag.status_id, "ids"))
    .order_by(Tag.id)
)
