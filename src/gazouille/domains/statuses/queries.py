"""Read paths over statuses: threads, an account's statuses, who favourited or reblogged."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import BigInteger, and_, bindparam, literal, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.db import core_rows
from gazouille.core.pagination import PageParams, PageShape, newest_first, paginate, paginate_bound
from gazouille.domains.relationships.exclusions import status_author_hidden
from gazouille.domains.relationships.service import AccountPageQuery

__all__ = [
    "AccountPageQuery",
    "account_statuses",
    "context",
    "favourited_by",
    "get_many",
    "reblogged_by",
]
from gazouille.domains.statuses.policy import visible_to
from gazouille.models import Account, Favourite, Status, StatusPin

MAX_ANCESTORS = 40
MAX_DEPTH = 60
MAX_DESCENDANTS = 4096


@dataclass
class Context:
    ancestors: list[Status]
    descendants: list[Status]


def _not_hidden(viewer_id: int | None) -> Any:
    """Replies and ancestors by accounts the viewer blocks, mutes or is blocked by go."""
    return true() if viewer_id is None else ~status_author_hidden(viewer_id)


async def context(session: AsyncSession, viewer_id: int | None, status: Status) -> Context:
    """The thread around ``status``: visible ancestors oldest first, visible descendants in
    reading order (depth first), each in one recursive query."""
    up = (
        select(Status.id, Status.in_reply_to_id, literal(0).label("depth"))
        .where(Status.id == status.in_reply_to_id)
        .cte("ancestors", recursive=True)
    )
    up = up.union_all(
        select(Status.id, Status.in_reply_to_id, (up.c.depth + 1).label("depth"))
        .join(up, Status.id == up.c.in_reply_to_id)
        .where(up.c.depth < MAX_ANCESTORS)
    )
    ancestors = list(
        (
            await session.execute(
                select(Status)
                .join(up, Status.id == up.c.id)
                .where(visible_to(viewer_id), _not_hidden(viewer_id))
                .order_by(Status.id)
            )
        ).scalars()
    )

    down = (
        select(Status.id, literal(0).label("depth"))
        .where(Status.in_reply_to_id == status.id)
        .cte("descendants", recursive=True)
    )
    down = down.union_all(
        select(Status.id, (down.c.depth + 1).label("depth"))
        .join(down, Status.in_reply_to_id == down.c.id)
        .where(down.c.depth < MAX_DEPTH)
    )
    rows = list(
        (
            await session.execute(
                select(Status)
                .join(down, Status.id == down.c.id)
                .where(visible_to(viewer_id), _not_hidden(viewer_id))
                .order_by(Status.id)
                .limit(MAX_DESCENDANTS)
            )
        ).scalars()
    )
    children: dict[int | None, list[Status]] = defaultdict(list)
    for row in rows:
        children[row.in_reply_to_id].append(row)
    ordered: list[Status] = []
    stack = list(reversed(children.get(status.id, [])))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children.get(node.id, [])))
    return Context(ancestors, ordered)


async def get_many(session: AsyncSession, viewer_id: int | None, ids: list[int]) -> list[Status]:
    """The visible statuses among ``ids``, in the order asked."""
    rows = list(
        (
            await session.execute(select(Status).where(Status.id.in_(ids), visible_to(viewer_id)))
        ).scalars()
    )
    order = {i: n for n, i in enumerate(ids)}
    return sorted(rows, key=lambda s: order[s.id])


@dataclass
class AccountStatusesFilter:
    exclude_replies: bool = False
    exclude_reblogs: bool = False
    only_media: bool = False
    pinned: bool = False


async def account_statuses(
    session: AsyncSession,
    viewer_id: int | None,
    account: Account,
    page: PageParams,
    flt: AccountStatusesFilter,
) -> list[Any]:
    """The account's statuses the viewer may see, as rows (the presenter only reads their
    columns)."""
    key = (flt.pinned, flt.only_media, flt.exclude_replies, flt.exclude_reblogs)
    stmt = _account_statuses_statement(*key, viewer_id is not None, PageShape.of(page))
    params = {**PageShape.values(page), "viewer": viewer_id, "account": account.id}
    return newest_first(list(await core_rows(session, stmt, params)), page)


@lru_cache(maxsize=128)
def _account_statuses_statement(
    pinned: bool,
    only_media: bool,
    exclude_replies: bool,
    exclude_reblogs: bool,
    with_viewer: bool,
    shape: PageShape,
) -> Any:
    """Built once per shape (building the visibility rule cost more than running it), run
    with the account, the viewer and the page as parameters."""
    account = bindparam("account", type_=BigInteger())
    viewer = bindparam("viewer", type_=BigInteger()) if with_viewer else None
    stmt = select(Status.__table__).where(Status.account_id == account, visible_to(viewer))
    if pinned:
        pins = select(StatusPin.status_id).where(StatusPin.account_id == account)
        stmt = stmt.where(Status.id.in_(pins))
    if only_media:
        stmt = stmt.where(Status.has_media.is_(True))
    if exclude_replies:
        stmt = stmt.where(
            or_(Status.in_reply_to_id.is_(None), Status.in_reply_to_account_id == account)
        )
    if exclude_reblogs:
        stmt = stmt.where(Status.reblog_of_id.is_(None))
    return paginate_bound(stmt, Status.id, shape)


async def favourited_by(
    session: AsyncSession, status_id: int, page: PageParams
) -> list[tuple[int, Account]]:
    stmt = (
        select(Favourite.id, Account)
        .join(Account, Account.id == Favourite.account_id)
        .where(Favourite.status_id == status_id)
    )
    rows = (await session.execute(paginate(stmt, Favourite.id, page))).all()
    return newest_first([(r[0], r[1]) for r in rows], page)


async def reblogged_by(
    session: AsyncSession, status_id: int, page: PageParams
) -> list[tuple[int, Account]]:
    stmt = (
        select(Status.id, Account)
        .join(Account, Account.id == Status.account_id)
        .where(
            and_(Status.reblog_of_id == status_id, Status.visibility.in_(("public", "unlisted")))
        )
    )
    rows = (await session.execute(paginate(stmt, Status.id, page))).all()
    return newest_first([(r[0], r[1]) for r in rows], page)
