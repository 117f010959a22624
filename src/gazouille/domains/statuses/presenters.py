"""Everything a page of statuses needs, loaded in a fixed number of queries whatever its
size: the statuses with their reblogged and quoted originals, authors and mentioned
accounts, tags, media, polls, applications and the viewer's flags (favourited, reblogged,
bookmarked, pinned, muted). Media, polls and quotes cost a query only when the page has
some."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.domains.cards.service import cards_of
from gazouille.domains.filters.matching import FilterMatch, apply_filters
from gazouille.domains.media.presenters import media_of_statuses
from gazouille.domains.polls.presenters import PollView, present_polls
from gazouille.domains.statuses.policy import visible_to
from gazouille.models import (
    Account,
    Bookmark,
    ConversationMute,
    Favourite,
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
    by_id: dict[int, Status] = {s.id: s for s in statuses}
    missing = {s.reblog_of_id for s in statuses if s.reblog_of_id and s.reblog_of_id not in by_id}
    if missing:
        for original in (
            await session.execute(select(Status).where(Status.id.in_(missing)))
        ).scalars():
            by_id[original.id] = original
    quote_ids = {s.quote_id for s in by_id.values() if s.quote_id}
    if quote_ids - set(by_id):
        quoted = select(Status).where(Status.id.in_(quote_ids - set(by_id)), visible_to(viewer_id))
        for row in (await session.execute(quoted)).scalars():
            by_id[row.id] = row
    ids = list(by_id)

    mention_rows = (
        await session.execute(
            select(Mention.status_id, Mention.account_id).where(Mention.status_id.in_(ids))
        )
    ).all()
    account_ids = {s.account_id for s in by_id.values()} | {r.account_id for r in mention_rows}
    accounts = {
        a.id: a
        for a in (
            await session.execute(select(Account).where(Account.id.in_(account_ids)))
        ).scalars()
    }
    tags: dict[int, list[Tag]] = defaultdict(list)
    tag_rows = await session.execute(
        select(StatusTag.status_id, Tag)
        .join(Tag, Tag.id == StatusTag.tag_id)
        .where(StatusTag.status_id.in_(ids))
        .order_by(Tag.id)
    )
    for status_id, tag in tag_rows.all():
        tags[status_id].append(tag)
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
    favourited: set[int] = set()
    reblogged: set[int] = set()
    bookmarked: set[int] = set()
    if viewer_id is not None:
        favourited = set(
            (
                await session.execute(
                    select(Favourite.status_id).where(
                        Favourite.account_id == viewer_id, Favourite.status_id.in_(ids)
                    )
                )
            ).scalars()
        )
        reblogged = {
            i
            for i in (
                await session.execute(
                    select(Status.reblog_of_id).where(
                        Status.account_id == viewer_id, Status.reblog_of_id.in_(ids)
                    )
                )
            ).scalars()
            if i is not None
        }
        bookmarked = set(
            (
                await session.execute(
                    select(Bookmark.status_id).where(
                        Bookmark.account_id == viewer_id, Bookmark.status_id.in_(ids)
                    )
                )
            ).scalars()
        )
    pinned: set[int] = set()
    muted_roots: set[int] = set()
    if viewer_id is not None:
        pinned, muted_roots = await _pins_and_mutes(session, viewer_id, list(by_id.values()))
    media = await media_of_statuses(session, [s.id for s in by_id.values() if s.has_media])
    polls = await present_polls(session, viewer_id, [s.id for s in by_id.values() if s.has_poll])
    cards = await cards_of(session, [s.card_id for s in by_id.values() if s.card_id])
    mentions: dict[int, list[Account]] = defaultdict(list)
    for mention in mention_rows:
        if mention.account_id in accounts:
            mentions[mention.status_id].append(accounts[mention.account_id])

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
        result = await apply_filters(session, viewer_id, result, context)
    return result


async def _pins_and_mutes(
    session: AsyncSession, viewer_id: int, statuses: Sequence[Status]
) -> tuple[set[int], set[int]]:
    """The viewer's pinned statuses and muted threads among ``statuses``, in one query."""
    own = [s.id for s in statuses if s.account_id == viewer_id]
    roots = {s.thread_root_id or s.id for s in statuses}
    rows = await session.execute(
        union_all(
            select(literal("pin").label("kind"), StatusPin.status_id.label("id")).where(
                StatusPin.account_id == viewer_id, StatusPin.status_id.in_(own)
            ),
            select(
                literal("mute").label("kind"), ConversationMute.thread_root_id.label("id")
            ).where(
                ConversationMute.account_id == viewer_id, ConversationMute.thread_root_id.in_(roots)
            ),
        )
    )
    pinned: set[int] = set()
    muted: set[int] = set()
    for kind, row_id in rows.all():
        (pinned if kind == "pin" else muted).add(row_id)
    return pinned, muted
