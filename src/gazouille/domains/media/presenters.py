"""Media attachments of a page of statuses (or of edit revisions), in one query."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.models import MediaAttachment


async def media_of_statuses(
    session: AsyncSession, status_ids: Collection[int]
) -> dict[int, list[MediaAttachment]]:
    """The shown attachments of each status, in order."""
    found: dict[int, list[MediaAttachment]] = defaultdict(list)
    if not status_ids:
        return found
    rows = await session.execute(
        select(MediaAttachment)
        .where(MediaAttachment.status_id.in_(status_ids), MediaAttachment.position >= 0)
        .order_by(MediaAttachment.status_id, MediaAttachment.position)
    )
    for row in rows.scalars():
        assert row.status_id is not None
        found[row.status_id].append(row)
    return found


async def media_by_ids(
    session: AsyncSession, media_ids: Collection[int]
) -> dict[int, MediaAttachment]:
    if not media_ids:
        return {}
    rows = await session.execute(
        select(MediaAttachment)
        .where(MediaAttachment.id.in_(media_ids))
        .execution_options(populate_existing=True)
    )
    return {m.id: m for m in rows.scalars()}
