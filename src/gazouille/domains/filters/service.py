"""Filters (Mastodon's v2): a title, the contexts where it applies, an action (warn, hide,
blur), an optional end, and what it matches: keywords and particular statuses."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.errors import NotFound, ValidationFailed
from gazouille.core.ids import new_id
from gazouille.domains.filters.matching import CONTEXTS
from gazouille.domains.statuses.policy import access_status
from gazouille.domains.streaming import events as streaming_events
from gazouille.models import Filter, FilterKeyword, FilterStatus

ACTIONS = ("warn", "hide", "blur")
TITLE_MAX = 200
KEYWORD_MAX = 200
MAX_EXPIRES_IN = 10 * 365 * 24 * 3600


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(f"Validation failed: {message}")


@dataclass
class KeywordChange:
    keyword: str | None = None
    whole_word: bool | None = None
    id: int | None = None
    destroy: bool = False


@dataclass
class FilterChange:
    title: str | None = None
    context: list[str] | None = None
    action: str | None = None
    expires_given: bool = False
    expires_in: int | None = None  # seconds; None (when given) for no end
    keywords: list[KeywordChange] = field(default_factory=list)


@dataclass
class FilterView:
    filter: Filter
    keywords: list[FilterKeyword]
    statuses: list[FilterStatus]


def check_keyword(keyword: str | None, label: str = "Keyword") -> str:
    if keyword is None or not keyword.strip():
        raise _invalid(f"{label} can't be blank")
    if len(keyword) > KEYWORD_MAX:
        raise _invalid(f"{label} is too long (maximum is {KEYWORD_MAX} characters)")
    return keyword


def _apply(row: Filter, change: FilterChange) -> None:
    if change.title is not None:
        title = change.title.strip()
        if not title:
            raise _invalid("Title can't be blank")
        if len(title) > TITLE_MAX:
            raise _invalid(f"Title is too long (maximum is {TITLE_MAX} characters)")
        row.title = title
    if change.context is not None:
        context = list(dict.fromkeys(c.strip() for c in change.context if c.strip()))
        if not context or any(c not in CONTEXTS for c in context):
            raise _invalid("Context None or invalid context supplied")
        row.context = context
    if change.action is not None:
        if change.action not in ACTIONS:
            raise _invalid("Filter action is not included in the list")
        row.action = change.action
    if change.expires_given:
        seconds = change.expires_in
        if seconds is not None and not 0 < seconds <= MAX_EXPIRES_IN:
            raise _invalid("Expires in must be a positive number of seconds")
        row.expires_at = clock.now() + timedelta(seconds=seconds) if seconds else None


async def access_filter(session: AsyncSession, owner_id: int, filter_id: int | None) -> Filter:
    row = await session.get(Filter, filter_id) if filter_id else None
    if row is None or row.account_id != owner_id:
        raise NotFound()
    return row


async def views(session: AsyncSession, rows: list[Filter]) -> list[FilterView]:
    """The filters with their keywords and statuses, in two more queries."""
    ids = [r.id for r in rows]
    keywords: dict[int, list[FilterKeyword]] = defaultdict(list)
    statuses: dict[int, list[FilterStatus]] = defaultdict(list)
    if ids:
        for keyword in (
            await session.execute(
                select(FilterKeyword)
                .where(FilterKeyword.filter_id.in_(ids))
                .order_by(FilterKeyword.id)
            )
        ).scalars():
            keywords[keyword.filter_id].append(keyword)
        for item in (
            await session.execute(
                select(FilterStatus)
                .where(FilterStatus.filter_id.in_(ids))
                .order_by(FilterStatus.id)
            )
        ).scalars():
            statuses[item.filter_id].append(item)
    return [FilterView(r, keywords[r.id], statuses[r.id]) for r in rows]


async def list_filters(session: AsyncSession, owner_id: int) -> list[Filter]:
    stmt = select(Filter).where(Filter.account_id == owner_id).order_by(Filter.id)
    return list((await session.execute(stmt)).scalars())


async def _apply_keywords(session: AsyncSession, row: Filter, changes: list[KeywordChange]) -> None:
    """Mastodon's ``keywords_attributes``: an id updates (or, with ``_destroy``, removes) that
    keyword of this filter; no id adds one; an entry with nothing in it is ignored."""
    for change in changes:
        if change.id is None:
            if change.destroy or (change.keyword in (None, "") and change.whole_word is None):
                continue
            await add_keyword(session, row, change.keyword, change.whole_word, "Keywords keyword")
            continue
        keyword = await session.get(FilterKeyword, change.id)
        if keyword is None or keyword.filter_id != row.id:
            raise NotFound()
        if change.destroy:
            await session.delete(keyword)
        else:
            _update_keyword(keyword, change.keyword, change.whole_word, "Keywords keyword")
    await session.flush()


async def create_filter(session: AsyncSession, owner_id: int, change: FilterChange) -> Filter:
    if change.title is None:
        raise _invalid("Title can't be blank")
    if change.context is None:
        raise _invalid("Context None or invalid context supplied")
    row = Filter(
        id=new_id(),
        account_id=owner_id,
        title="",
        context=[],
        action="warn",
        created_at=clock.now(),
    )
    _apply(row, change)
    session.add(row)
    await session.flush()
    await _apply_keywords(session, row, change.keywords)
    streaming_events.filters_changed(session, owner_id)
    return row


async def update_filter(session: AsyncSession, row: Filter, change: FilterChange) -> Filter:
    _apply(row, change)
    await session.flush()
    await _apply_keywords(session, row, change.keywords)
    streaming_events.filters_changed(session, row.account_id)
    return row


async def delete_filter(session: AsyncSession, row: Filter) -> None:
    await session.execute(delete(Filter).where(Filter.id == row.id))
    streaming_events.filters_changed(session, row.account_id)


# Keywords


async def list_keywords(session: AsyncSession, row: Filter) -> list[FilterKeyword]:
    stmt = select(FilterKeyword).where(FilterKeyword.filter_id == row.id).order_by(FilterKeyword.id)
    return list((await session.execute(stmt)).scalars())


async def add_keyword(
    session: AsyncSession,
    row: Filter,
    keyword: str | None,
    whole_word: bool | None,
    label: str = "Keyword",
) -> FilterKeyword:
    item = FilterKeyword(
        id=new_id(),
        filter_id=row.id,
        keyword=check_keyword(keyword, label),
        whole_word=True if whole_word is None else whole_word,
    )
    session.add(item)
    await session.flush()
    streaming_events.filters_changed(session, row.account_id)
    return item


def _update_keyword(
    item: FilterKeyword, keyword: str | None, whole_word: bool | None, label: str = "Keyword"
) -> None:
    if keyword is not None:
        item.keyword = check_keyword(keyword, label)
    if whole_word is not None:
        item.whole_word = whole_word


async def access_keyword(
    session: AsyncSession, owner_id: int, keyword_id: int | None
) -> tuple[FilterKeyword, Filter]:
    item = await session.get(FilterKeyword, keyword_id) if keyword_id else None
    if item is None:
        raise NotFound()
    return item, await access_filter(session, owner_id, item.filter_id)


async def update_keyword(
    session: AsyncSession,
    row: Filter,
    item: FilterKeyword,
    keyword: str | None,
    whole_word: bool | None,
) -> FilterKeyword:
    _update_keyword(item, keyword, whole_word)
    await session.flush()
    streaming_events.filters_changed(session, row.account_id)
    return item


async def delete_keyword(session: AsyncSession, row: Filter, item: FilterKeyword) -> None:
    await session.execute(delete(FilterKeyword).where(FilterKeyword.id == item.id))
    streaming_events.filters_changed(session, row.account_id)


# Statuses


async def list_filter_statuses(session: AsyncSession, row: Filter) -> list[FilterStatus]:
    stmt = select(FilterStatus).where(FilterStatus.filter_id == row.id).order_by(FilterStatus.id)
    return list((await session.execute(stmt)).scalars())


async def add_status(session: AsyncSession, row: Filter, status_id: int | None) -> FilterStatus:
    """Filter one status; the owner must be able to see it (404 otherwise)."""
    status = await access_status(session, row.account_id, status_id)
    taken = (
        await session.execute(
            select(FilterStatus.id).where(
                FilterStatus.filter_id == row.id, FilterStatus.status_id == status.id
            )
        )
    ).first()
    if taken is not None:
        raise _invalid("Status has already been taken")
    item = FilterStatus(id=new_id(), filter_id=row.id, status_id=status.id)
    session.add(item)
    await session.flush()
    streaming_events.filters_changed(session, row.account_id)
    return item


async def access_filter_status(
    session: AsyncSession, owner_id: int, item_id: int | None
) -> tuple[FilterStatus, Filter]:
    item = await session.get(FilterStatus, item_id) if item_id else None
    if item is None:
        raise NotFound()
    return item, await access_filter(session, owner_id, item.filter_id)


async def delete_filter_status(session: AsyncSession, row: Filter, item: FilterStatus) -> None:
    await session.execute(delete(FilterStatus).where(FilterStatus.id == item.id))
    streaming_events.filters_changed(session, row.account_id)
