"""What the Tag and FeaturedTag entities need, for a whole list in a fixed number of
queries: a week of daily use (history), and the viewer's following/featuring flags."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.ids import id_floor
from gazouille.models import Account, FeaturedTag, Status, StatusTag, Tag, TagFollow

HISTORY_DAYS = 7
OPEN = ("public", "unlisted")


@dataclass(frozen=True)
class DayUse:
    day: int  # the Unix time of the day's midnight, UTC
    uses: int
    accounts: int


@dataclass
class TagView:
    tag: Tag
    history: list[DayUse] = field(default_factory=list)
    following: bool | None = None  # None without a viewer
    featuring: bool | None = None


@dataclass
class FeaturedTagView:
    featured: FeaturedTag
    tag: Tag
    account: Account
    statuses_count: int
    last_status_at: datetime | None


def history_days(now: datetime | None = None) -> list[datetime]:
    """Midnights (UTC) of today and the six days before, newest first."""
    today = (now or clock.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    return [today - timedelta(days=i) for i in range(HISTORY_DAYS)]


async def tag_histories(session: AsyncSession, tag_ids: Sequence[int]) -> dict[int, list[DayUse]]:
    """Daily statuses and distinct authors per tag over the last week (public and unlisted
    statuses, as Mastodon counts them), in one query."""
    days = history_days()
    wanted = [i for i in tag_ids if i]
    counts: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    if wanted:
        bucket = case(
            *[(Status.created_at >= start, index) for index, start in enumerate(days)]
        ).label("bucket")
        rows = await session.execute(
            select(
                StatusTag.tag_id,
                bucket,
                func.count(Status.id),
                func.count(Status.account_id.distinct()),
            )
            .join(Status, Status.id == StatusTag.status_id)
            .where(
                StatusTag.tag_id.in_(wanted),
                StatusTag.status_id >= id_floor(days[-1]),
                Status.visibility.in_(OPEN),
            )
            .group_by(StatusTag.tag_id, literal_column("bucket"))
        )
        for tag_id, index, uses, accounts in rows.all():
            if index is not None:
                counts[tag_id][int(index)] = (int(uses), int(accounts))
    return {
        tag_id: [
            DayUse(int(start.timestamp()), *counts[tag_id].get(index, (0, 0)))
            for index, start in enumerate(days)
        ]
        for tag_id in tag_ids
    }


async def present_tags(
    session: AsyncSession, viewer_id: int | None, tags: Sequence[Tag]
) -> list[TagView]:
    ids = [t.id for t in tags if t.id]
    histories = await tag_histories(session, [t.id for t in tags])
    following: set[int] = set()
    featuring: set[int] = set()
    if viewer_id is not None and ids:
        following = set(
            (
                await session.execute(
                    select(TagFollow.tag_id).where(
                        TagFollow.account_id == viewer_id, TagFollow.tag_id.in_(ids)
                    )
                )
            ).scalars()
        )
        featuring = set(
            (
                await session.execute(
                    select(FeaturedTag.tag_id).where(
                        FeaturedTag.account_id == viewer_id, FeaturedTag.tag_id.in_(ids)
                    )
                )
            ).scalars()
        )
    flag = viewer_id is not None
    return [
        TagView(
            tag=t,
            history=histories.get(t.id) or [],
            following=(t.id in following) if flag else None,
            featuring=(t.id in featuring) if flag else None,
        )
        for t in tags
    ]


async def present_featured_tags(
    session: AsyncSession, account: Account, rows: Sequence[tuple[FeaturedTag, Tag]]
) -> list[FeaturedTagView]:
    """Each featured tag with how many public or unlisted statuses of the account carry it,
    and when the last one was posted (one query for the whole list)."""
    tag_ids = [t.id for _, t in rows]
    stats: dict[int, tuple[int, datetime | None]] = {}
    if tag_ids:
        result = await session.execute(
            select(StatusTag.tag_id, func.count(Status.id), func.max(Status.created_at))
            .join(Status, Status.id == StatusTag.status_id)
            .where(
                StatusTag.tag_id.in_(tag_ids),
                Status.account_id == account.id,
                Status.visibility.in_(OPEN),
            )
            .group_by(StatusTag.tag_id)
        )
        for tag_id, count, last in result.all():
            stats[tag_id] = (int(count), clock.as_utc(last) if last else None)
    return [FeaturedTagView(f, t, account, *stats.get(t.id, (0, None))) for f, t in rows]
