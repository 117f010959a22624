"""Full-text search of statuses: SQLite FTS5 or a PostgreSQL GIN index over the same
Python-computed terms (docs/search.md). Newest first, by id: the engines walk their
matches in id order and stop at the page's end, so a common word is never ranked whole."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, and_, column, exists, or_, select, table, text
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.domains.relationships.exclusions import status_author_hidden
from gazouille.domains.search.analysis import fts5_query, query_groups, tsquery
from gazouille.domains.statuses.policy import visible_to
from gazouille.models import (
    Account,
    Bookmark,
    Favourite,
    Mention,
    Status,
    StatusSearch,
    StatusTag,
)

FTS = table("fts_status_search", column("rowid", BigInteger))


@dataclass
class StatusQuery:
    text: str
    account_id: int | None = None
    limit: int = 20
    offset: int = 0
    max_id: int | None = None
    min_id: int | None = None


def _searchable_by(viewer_id: int | None) -> Any:
    """Who may find a status: what they may see (anonymous: public only), and for authors
    who opted out of search (``indexable`` false), only themselves, the accounts they
    mentioned and those who favourited or bookmarked it — as Mastodon does."""
    if viewer_id is None:
        return and_(Status.visibility == "public", Account.indexable.is_(True))
    return and_(
        visible_to(viewer_id),
        ~status_author_hidden(viewer_id),
        or_(
            Account.indexable.is_(True),
            Status.account_id == viewer_id,
            exists().where(Mention.status_id == Status.id, Mention.account_id == viewer_id),
            exists().where(Favourite.status_id == Status.id, Favourite.account_id == viewer_id),
            exists().where(Bookmark.status_id == Status.id, Bookmark.account_id == viewer_id),
        ),
    )


async def search_statuses(
    session: AsyncSession, viewer_id: int | None, query: StatusQuery
) -> list[Status]:
    groups = query_groups(query.text)
    if not groups or query.limit < 1:
        return []
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    if dialect == "postgresql":
        match = text(
            "to_tsvector('simple'::regconfig, status_search.terms) "
            "@@ to_tsquery('simple'::regconfig, :search_query)"
        ).bindparams(search_query=tsquery(groups))
        stmt = select(Status).join(StatusSearch, StatusSearch.status_id == Status.id)
        key: Any = StatusSearch.status_id
    else:
        match = text("fts_status_search MATCH :search_query").bindparams(
            search_query=fts5_query(groups)
        )
        stmt = select(Status).select_from(FTS).join(Status, Status.id == FTS.c.rowid)
        key = FTS.c.rowid
    stmt = (
        stmt.join(Account, Account.id == Status.account_id)
        .where(match, Account.suspended_at.is_(None), _searchable_by(viewer_id))
        .offset(query.offset)
    )
    if query.account_id is not None:
        stmt = stmt.where(Status.account_id == query.account_id)
    page = PageParams(limit=query.limit, max_id=query.max_id, min_id=query.min_id)
    rows = list((await session.execute(paginate(stmt, key, page))).scalars())
    return newest_first(rows, page)


async def tagged_statuses(
    session: AsyncSession, viewer_id: int | None, tag_ids: list[int], query: StatusQuery
) -> list[Status]:
    """The statuses carrying one of the tags that the viewer may find, newest first."""
    if not tag_ids or query.limit < 1:
        return []
    stmt = (
        select(Status)
        .join(Account, Account.id == Status.account_id)
        .where(
            Status.id.in_(select(StatusTag.status_id).where(StatusTag.tag_id.in_(tag_ids))),
            Account.suspended_at.is_(None),
            _searchable_by(viewer_id),
        )
        .offset(query.offset)
    )
    if query.account_id is not None:
        stmt = stmt.where(Status.account_id == query.account_id)
    page = PageParams(limit=query.limit, max_id=query.max_id, min_id=query.min_id)
    rows = list((await session.execute(paginate(stmt, Status.id, page))).scalars())
    return newest_first(rows, page)
