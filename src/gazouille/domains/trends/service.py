"""Reading the latest trends snapshot, a page at a time (offset and limit, as Mastodon)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.domains.relationships.exclusions import status_author_hidden
from gazouille.domains.statuses.policy import visible_to
from gazouille.models import PreviewCard, Status, Tag, TrendSnapshot


@dataclass
class LinkTrend:
    url: str
    history: list[dict[str, Any]] = field(default_factory=list)
    card: PreviewCard | None = None  # None until the link's card was fetched


async def _keys(session: AsyncSession, kind: str, limit: int, offset: int) -> list[TrendSnapshot]:
    rows = await session.execute(
        select(TrendSnapshot)
        .where(TrendSnapshot.kind == kind)
        .order_by(TrendSnapshot.rank)
        .limit(limit)
        .offset(offset)
    )
    return list(rows.scalars())


def _ids(rows: list[TrendSnapshot]) -> list[int]:
    return [int(r.key) for r in rows if r.key.isdigit()]


async def trending_tags(session: AsyncSession, limit: int, offset: int = 0) -> list[Tag]:
    ids = _ids(await _keys(session, "tag", limit, offset))
    if not ids:
        return []
    tags = {t.id: t for t in (await session.execute(select(Tag).where(Tag.id.in_(ids)))).scalars()}
    return [tags[i] for i in ids if i in tags]


async def trending_statuses(
    session: AsyncSession, viewer_id: int | None, limit: int, offset: int = 0
) -> list[Status]:
    """Trending statuses still there and visible to the viewer (they were public)."""
    ids = _ids(await _keys(session, "status", limit, offset))
    if not ids:
        return []
    stmt = select(Status).where(Status.id.in_(ids), visible_to(viewer_id))
    if viewer_id is not None:
        stmt = stmt.where(~status_author_hidden(viewer_id))
    found = await session.execute(stmt)
    statuses = {s.id: s for s in found.scalars()}
    return [statuses[i] for i in ids if i in statuses]


async def trending_links(session: AsyncSession, limit: int, offset: int = 0) -> list[LinkTrend]:
    rows = await _keys(session, "link", limit, offset)
    if not rows:
        return []
    cards = {
        c.url: c
        for c in (
            await session.execute(
                select(PreviewCard).where(
                    PreviewCard.url.in_([r.key for r in rows]), PreviewCard.state == "done"
                )
            )
        ).scalars()
    }
    return [LinkTrend(r.key, list(r.data.get("history", [])), cards.get(r.key)) for r in rows]
