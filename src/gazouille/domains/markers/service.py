"""Reading positions (markers) in the home timeline and the notifications, shared by a
user's clients: each save bumps a version, as Mastodon's optimistic lock does."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.db import insert_ignore
from gazouille.core.ids import new_id
from gazouille.models import Marker

TIMELINES = ("home", "notifications")


async def get_markers(
    session: AsyncSession, account_id: int, timelines: Sequence[str]
) -> dict[str, Marker]:
    wanted = [t for t in TIMELINES if t in timelines]
    if not wanted:
        return {}
    rows = await session.execute(
        select(Marker).where(Marker.account_id == account_id, Marker.timeline.in_(wanted))
    )
    return {m.timeline: m for m in rows.scalars()}


async def last_read_id(session: AsyncSession, account_id: int, timeline: str) -> int | None:
    found = await session.execute(
        select(Marker.last_read_id).where(
            Marker.account_id == account_id, Marker.timeline == timeline
        )
    )
    return found.scalar()


async def save_markers(
    session: AsyncSession, account_id: int, positions: Mapping[str, int]
) -> dict[str, Marker]:
    """Set the last read id of each timeline given; a new marker starts at version 0 and
    each change adds one (saving the same position again changes nothing)."""
    saved: dict[str, Marker] = {}
    for timeline in TIMELINES:
        if timeline not in positions:
            continue
        position = positions[timeline]
        await insert_ignore(
            session,
            Marker,
            {
                "id": new_id(),
                "account_id": account_id,
                "timeline": timeline,
                "last_read_id": position,
                "version": 0,
                "updated_at": clock.now(),
            },
            ["account_id", "timeline"],
        )
        marker = (
            await session.execute(
                select(Marker)
                .where(Marker.account_id == account_id, Marker.timeline == timeline)
                .with_for_update()
            )
        ).scalar_one()
        if marker.last_read_id != position:
            marker.last_read_id = position
            marker.version += 1
            marker.updated_at = clock.now()
        saved[timeline] = marker
    await session.flush()
    return saved
