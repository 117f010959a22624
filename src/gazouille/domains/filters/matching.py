"""Applying a viewer's filters to a page of statuses: one query for the active filters and
their keywords (plus one for the filtered statuses, only when the viewer has filters), then
matching in Python.

Keywords match the status's content warning, text, poll options and media descriptions,
ignoring case; a whole-word keyword only matches between word boundaries (Unicode-aware),
and only on the sides where the keyword itself starts or ends with a word character, as in
Mastodon.

With a ``context`` (home, notifications, public, thread, account), only the filters of that
context apply, and a status matched by a ``hide`` filter is removed from the page (unless
the viewer wrote it). Without one (a single status, an action's answer), every active
filter is reported and nothing is removed: clients compare each filter's context with
where they show the status.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.models import Filter, FilterKeyword, FilterStatus

if TYPE_CHECKING:
    from gazouille.domains.statuses.presenters import StatusView

CONTEXTS = ("home", "notifications", "public", "thread", "account")
_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<br\s*/?>|</p>", re.IGNORECASE)


@dataclass
class FilterMatch:
    filter: Filter
    keyword_matches: list[str] | None = None
    status_matches: list[int] | None = None


@dataclass
class _Rules:
    filter: Filter
    keywords: list[tuple[str, bool]] = field(default_factory=list)
    status_ids: set[int] = field(default_factory=set)


def keyword_pattern(keyword: str, whole_word: bool) -> str:
    escaped = re.escape(keyword)
    if not whole_word:
        return escaped
    start = r"\b" if re.match(r"\w", keyword[:1]) else ""
    end = r"\b" if re.match(r"\w", keyword[-1:]) else ""
    return f"{start}{escaped}{end}"


@lru_cache(maxsize=256)
def _compiled(keywords: tuple[tuple[str, bool], ...]) -> re.Pattern[str]:
    return re.compile(
        "|".join(f"(?:{keyword_pattern(k, w)})" for k, w in keywords), re.IGNORECASE | re.DOTALL
    )


def searchable_text(view: StatusView) -> str:
    """What keywords are matched against, as Mastodon: the content warning, the text, the
    poll's options and the media descriptions."""
    status = view.status
    body = unescape(_TAG.sub("", _BREAK.sub("\n", status.content or ""))) or status.text
    parts = [status.spoiler_text, body]
    if view.poll is not None:
        parts.append("\n\n".join(str(o) for o in view.poll.poll.options or []))
    parts.extend(m.description or "" for m in view.media)
    return "\n\n".join(t for t in parts if t)


def match(rules: _Rules, view: StatusView, wrapper_id: int | None) -> FilterMatch | None:
    """``view`` is the original; ``wrapper_id`` the reblog that carried it, if any."""
    status = view.status
    keyword_matches = None
    if rules.keywords:
        found = _compiled(tuple(rules.keywords)).search(searchable_text(view))
        if found is not None:
            keyword_matches = [found.group(0)]
    status_matches = [
        i for i in (wrapper_id, status.id) if i is not None and i in rules.status_ids
    ] or None
    if keyword_matches is None and status_matches is None:
        return None
    return FilterMatch(rules.filter, keyword_matches, status_matches)


async def _load_rules(
    session: AsyncSession, viewer_id: int, status_ids: set[int], context: str | None
) -> list[_Rules]:
    rows = await session.execute(
        select(Filter, FilterKeyword.keyword, FilterKeyword.whole_word)
        .outerjoin(FilterKeyword, FilterKeyword.filter_id == Filter.id)
        .where(
            Filter.account_id == viewer_id,
            or_(Filter.expires_at.is_(None), Filter.expires_at > clock.now()),
        )
        .order_by(Filter.id, FilterKeyword.id)
    )
    rules: dict[int, _Rules] = {}
    for row, keyword, whole_word in rows.all():
        if context is not None and context not in (row.context or []):
            continue
        entry = rules.setdefault(row.id, _Rules(row))
        if keyword:
            entry.keywords.append((keyword, bool(whole_word)))
    if rules and status_ids:
        pairs = await session.execute(
            select(FilterStatus.filter_id, FilterStatus.status_id).where(
                FilterStatus.filter_id.in_(list(rules)), FilterStatus.status_id.in_(status_ids)
            )
        )
        by_filter: dict[int, set[int]] = defaultdict(set)
        for filter_id, status_id in pairs.all():
            by_filter[filter_id].add(status_id)
        for filter_id, ids in by_filter.items():
            rules[filter_id].status_ids = ids
    return list(rules.values())


async def apply_filters(
    session: AsyncSession,
    viewer_id: int,
    views: Sequence[StatusView],
    context: str | None = None,
    *,
    has_filters: bool = True,
) -> list[StatusView]:
    """Set ``filtered`` on each view (and its reblogged original); with a context, leave out
    the statuses that one of its ``hide`` filters matches. ``has_filters=False``: the caller
    already knows the viewer has no active filter, which saves the query."""
    for view in views:
        view.filtered = []
        if view.reblog is not None:
            view.reblog.filtered = []
    ids = {v.status.id for v in views} | {v.reblog.status.id for v in views if v.reblog}
    all_rules = await _load_rules(session, viewer_id, ids, context) if views and has_filters else []
    if not all_rules:
        return list(views)
    kept = []
    for view in views:
        proper = view.reblog or view
        wrapper_id = view.status.id if view.reblog is not None else None
        matches = [m for m in (match(r, proper, wrapper_id) for r in all_rules) if m is not None]
        hides = any(m.filter.action == "hide" for m in matches)
        # One's own statuses are never hidden from oneself (still reported in ``filtered``).
        if context is not None and hides and proper.status.account_id != viewer_id:
            continue
        view.filtered = matches
        if view.reblog is not None:
            view.reblog.filtered = matches
        kept.append(view)
    return kept
