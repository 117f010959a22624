"""Mastodon's id-cursor pagination (max_id, since_id, min_id, limit) applied to a query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import BigInteger, Integer, bindparam

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


@dataclass(frozen=True)
class PageShape:
    """Which cursors a page has: a statement built once per shape takes the page's values
    as parameters (``paginate_bound``, ``PageShape.values``)."""

    max_id: bool
    since_id: bool
    min_id: bool

    @classmethod
    def of(cls, page: PageParams) -> PageShape:
        return cls(page.max_id is not None, page.since_id is not None, page.min_id is not None)

    @staticmethod
    def values(page: PageParams) -> dict[str, Any]:
        return {
            "max_id": page.max_id,
            "since_id": page.since_id,
            "min_id": page.min_id,
            "limit": page.limit,
        }


def paginate_bound(query: Q, column: Any, shape: PageShape) -> Q:
    """``paginate`` with the cursors and the limit as parameters (see ``PageShape``)."""

    def cursor(name: str) -> Any:
        return bindparam(name, type_=BigInteger())

    stmt: Any = query
    if shape.max_id:
        stmt = stmt.where(column < cursor("max_id"))
    if shape.since_id:
        stmt = stmt.where(column > cursor("since_id"))
    limit = bindparam("limit", type_=Integer())
    if shape.min_id:
        return stmt.where(column > cursor("min_id")).order_by(column.asc()).limit(limit)
    return stmt.order_by(column.desc()).limit(limit)
