"""Public facts about the instance: its weekly activity (the remote domains it knows are
in domains/federation/known_instances.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.ids import id_floor
from gazouille.models import Status, User


@dataclass(frozen=True)
class Week:
    start: datetime
    statuses: int
    logins: int
    registrations: int


async def weekly_activity(session: AsyncSession, weeks: int = 12) -> list[Week]:
    """The last ``weeks`` weeks, newest first: local statuses posted, local accounts that
    posted (Mastodon counts sign-ins; we count the accounts active enough to post), and
    sign-ups. Statuses are counted by id range, so each week is an index range."""
    today = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    monday = today - timedelta(days=today.weekday())
    result = []
    for n in range(weeks):
        start = monday - timedelta(weeks=n)
        end = start + timedelta(weeks=1)
        in_week = (Status.id >= id_floor(start), Status.id < id_floor(end), Status.local.is_(True))
        statuses = await session.scalar(select(func.count()).select_from(Status).where(*in_week))
        posters = await session.scalar(
            select(func.count(func.distinct(Status.account_id))).where(*in_week)
        )
        signups = await session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.created_at >= start, User.created_at < end)
        )
        result.append(Week(start, int(statuses or 0), int(posters or 0), int(signups or 0)))
    return result
