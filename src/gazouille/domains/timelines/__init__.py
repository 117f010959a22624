"""Home and public timelines. The home timeline reads the materialized feed
(domains/feeds) and checks it against the rule of ``rules.home_rule``; see
docs/performance.md for the design and its figures."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from sqlalchemy import BigInteger, Integer, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.db import core_rows
from gazouille.core.pagination import PageParams, PageShape, newest_first, paginate, paginate_bound
from gazouille.core.sql import in_ids
from gazouille.domains.accounts.limits import author_limited
from gazouille.domains.feeds import service as feeds
from gazouille.domains.relationships import exclusions
from gazouille.domains.relationships.exclusions import status_author_hidden
from gazouille.domains.timelines.rules import home_rule
from gazouille.models import Status


async def home_read_time(session: AsyncSession, viewer_id: int, page: PageParams) -> list[Status]:
    """The home timeline computed from the rule alone (no materialized feed)."""
    stmt = select(Status).where(home_rule(viewer_id))
    rows = list((await session.execute(paginate(stmt, Status.id, page))).scalars())
    return newest_first(rows, page)


async def home(session: AsyncSession, viewer_id: int, page: PageParams) -> list[Status]:
    """The home timeline: candidates from the viewer's materialized feed (plus the
    celebrities merged at read time), re-checked against the live rule; the rule alone when
    the feed cannot answer (not built yet, or a page older than the feed keeps)."""
    candidates = await feeds.candidate_ids(session, viewer_id, page)
    if candidates is None:
        return await home_read_time(session, viewer_id, page)
    if not candidates.ids:
        return []
    stmt = _rule_check(ascending=page.min_id is not None, kinds=candidates.kinds)
    params = {"viewer": viewer_id, "candidates": candidates.ids, "limit": page.limit}
    rows: list[Any] = list(await core_rows(session, stmt, params))
    return newest_first(rows, page)


@cache
def _rule_check(*, ascending: bool, kinds: exclusions.Kinds) -> Any:
    """The rule applied to a feed's candidates, built once per shape and kinds of
    exclusion (at most 64 statements): building the clause costs more than running it, so
    the hot path reuses this statement with the viewer as a parameter. It reads rows, not
    ORM objects (the presenter only reads their columns): building a ``Status`` object per
    row cost more than the query."""
    viewer = bindparam("viewer", type_=BigInteger())
    order = Status.id.asc() if ascending else Status.id.desc()
    return (
        select(Status.__table__)
        .where(in_ids(Status.id, "candidates"), home_rule(viewer, kinds))
        .order_by(order)
        .limit(bindparam("limit", type_=Integer()))
    )


async def public(
    session: AsyncSession,
    page: PageParams,
    *,
    local: bool = False,
    remote: bool = False,
    only_media: bool = False,
    viewer_id: int | None = None,
) -> list[Any]:
    """The public timeline's rows (the presenter only reads their columns)."""
    origin = "local" if local else "remote" if remote else None
    stmt = _public_statement(origin, only_media, viewer_id is not None, PageShape.of(page))
    params = {**PageShape.values(page), "viewer": viewer_id}
    return newest_first(list(await core_rows(session, stmt, params)), page)


@lru_cache(maxsize=64)
def _public_statement(
    origin: str | None, only_media: bool, with_viewer: bool, shape: PageShape
) -> Any:
    """Built once per shape (building the visibility clauses cost more than running them),
    run with the viewer and the page as parameters."""
    viewer = bindparam("viewer", type_=BigInteger()) if with_viewer else None
    stmt = select(Status.__table__).where(
        Status.visibility == "public",
        Status.reblog_of_id.is_(None),
        ~author_limited(viewer),
    )
    if only_media:
        stmt = stmt.where(Status.has_media.is_(True))
    if origin is not None:
        stmt = stmt.where(Status.local.is_(origin == "local"))
    if viewer is not None:
        stmt = stmt.where(~status_author_hidden(viewer))
    return paginate_bound(stmt, Status.id, shape)
