"""Mastodon's id-cursor pagination (max_id, since_id, min_id, limit) applied to a query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

Q = TypeVar("Q")


@dataclass(frozen=True)
class PageParams:
    limit: int = 20
    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None


def paginate(query: Q, column: Any, page: PageParams) -> Q:
    """Newest first, except with ``min_id``: then the page right after it, oldest first
    (the caller reverses the rows to give them newest first)."""
    stmt: Any = query
    if page.max_id is not None:
        stmt = stmt.where(column < page.max_id)
    if page.since_id is not None:
        stmt = stmt.where(column > page.since_id)
    if page.min_id is not None:
        stmt = stmt.where(column > page.min_id)
        return stmt.order_by(column.asc()).limit(page.limit)
    return stmt.order_by(column.desc()).limit(page.limit)


def newest_first(rows: list[Any], page: PageParams) -> list[Any]:
    return list(reversed(rows)) if page.min_id is not None else rows
