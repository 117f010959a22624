"""The statuses an account bookmarked or favourited, newest first, still visible to it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.domains.statuses.policy import visible_to
from gazouille.models import Bookmark, Favourite, Status


async def bookmarked(
    session: AsyncSession, viewer_id: int, page: PageParams
) -> list[tuple[int, Status]]:
    """(cursor, status) pairs; the cursor is the bookmark's id (Mastodon pages by it)."""
    stmt = (
        select(Bookmark.id, Status)
        .join(Status, Status.id == Bookmark.status_id)
        .where(Bookmark.account_id == viewer_id, visible_to(viewer_id))
    )
    rows = (await session.execute(paginate(stmt, Bookmark.id, page))).all()
    return newest_first([(r[0], r[1]) for r in rows], page)


async def favourited(
    session: AsyncSession, viewer_id: int, page: PageParams
) -> list[tuple[int, Status]]:
    """(cursor, status) pairs of the viewer's favourites, newest favourite first."""
    stmt = (
        select(Favourite.id, Status)
        .join(Status, Status.id == Favourite.status_id)
        .where(Favourite.account_id == viewer_id, visible_to(viewer_id))
    )
    rows = (await session.execute(paginate(stmt, Favourite.id, page))).all()
    return newest_first([(r[0], r[1]) for r in rows], page)
