"""The periodic job that computes trends into ``trend_snapshots`` (replacing the previous
snapshot). Only public, original statuses by discoverable authors neither suspended nor
silenced count.

- Tags: how many distinct accounts used the tag in the last 24 hours, against the daily
  average of the six days before (at least 1): a tag trends when at least
  ``MIN_ACCOUNTS`` accounts used it and more than expected; score (observed − expected)² /
  expected, as Mastodon scores them.
- Statuses: local, recent (two days), not replies: favourites + reblogs, halved every
  ``STATUS_HALF_LIFE`` of age.
- Links: URLs in the last week's statuses, scored like tags on the distinct accounts that
  shared them; each keeps its daily history.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.ids import id_floor, new_id
from gazouille.core.text import URL_RE
from gazouille.domains.tags.presenters import history_days
from gazouille.models import Account, Status, StatusTag, TrendSnapshot
from gazouille.worker.runtime import JobContext

JOB_KIND = "trends.refresh"
EVERY = timedelta(minutes=10)
MIN_ACCOUNTS = 2
WINDOW = timedelta(days=7)
RECENT = timedelta(hours=24)
STATUS_WINDOW = timedelta(days=2)
STATUS_HALF_LIFE = timedelta(hours=6)
KEEP = {"tag": 50, "status": 50, "link": 30}
MAX_LINK_STATUSES = 5000


@dataclass(frozen=True)
class Scored:
    key: str
    score: float
    data: dict[str, Any]


def rising_score(observed: int, earlier: int) -> float:
    expected = max(1.0, earlier / 6)
    if observed < MIN_ACCOUNTS or observed <= expected:
        return 0.0
    return (observed - expected) ** 2 / expected


def _eligible(since: datetime) -> Any:
    return and_(
        Status.id >= id_floor(since),
        Status.visibility == "public",
        Status.reblog_of_id.is_(None),
        Account.discoverable.is_(True),
        Account.suspended_at.is_(None),
        Account.silenced_at.is_(None),
    )


async def score_tags(session: AsyncSession, now: datetime) -> list[Scored]:
    recent_start = now - RECENT
    recent = func.count(case((Status.created_at >= recent_start, Status.account_id)).distinct())
    earlier = func.count(case((Status.created_at < recent_start, Status.account_id)).distinct())
    rows = await session.execute(
        select(StatusTag.tag_id, recent, earlier)
        .join(Status, Status.id == StatusTag.status_id)
        .join(Account, Account.id == Status.account_id)
        .where(_eligible(now - WINDOW), Status.created_at >= now - WINDOW)
        .group_by(StatusTag.tag_id)
    )
    scored = [Scored(str(tag_id), rising_score(int(r), int(e)), {}) for tag_id, r, e in rows.all()]
    return [s for s in scored if s.score > 0]


async def score_statuses(session: AsyncSession, now: datetime) -> list[Scored]:
    interactions = Status.favourites_count + Status.reblogs_count
    rows = await session.execute(
        select(Status.id, Status.created_at, interactions)
        .join(Account, Account.id == Status.account_id)
        .where(
            _eligible(now - STATUS_WINDOW),
            Status.local.is_(True),
            Status.in_reply_to_id.is_(None),
            Status.sensitive.is_(False),
            interactions > 0,
        )
        .order_by(interactions.desc())
        .limit(1000)
    )
    scored = []
    for status_id, created_at, count in rows.all():
        age = max(now - clock.as_utc(created_at), timedelta(0))
        decay = 0.5 ** (age / STATUS_HALF_LIFE)
        scored.append(Scored(str(status_id), int(count) * decay, {}))
    return scored


def _links(status_text: str, content: str) -> set[str]:
    found = set(re.findall(URL_RE, status_text)) if status_text else set()
    if not status_text:
        found = set(re.findall(r'href="(https?://[^"]+)"', content))
    return {url.split("#", 1)[0] for url in found if len(url) <= 2048}


async def score_links(session: AsyncSession, now: datetime) -> list[Scored]:
    rows = await session.execute(
        select(Status.account_id, Status.created_at, Status.text, Status.content)
        .join(Account, Account.id == Status.account_id)
        .where(
            _eligible(now - WINDOW),
            or_(Status.text.contains("://"), Status.content.contains("://")),
        )
        .order_by(Status.id.desc())
        .limit(MAX_LINK_STATUSES)
    )
    days = history_days(now)
    per_day: dict[str, list[dict[int, None]]] = defaultdict(lambda: [{} for _ in days])
    uses: dict[str, list[int]] = defaultdict(lambda: [0 for _ in days])
    recent: dict[str, set[int]] = defaultdict(set)
    earlier: dict[str, set[int]] = defaultdict(set)
    for account_id, created_at, text, content in rows.all():
        created = clock.as_utc(created_at)
        index = next((i for i, start in enumerate(days) if created >= start), None)
        for url in _links(text or "", content or ""):
            (recent if created >= now - RECENT else earlier)[url].add(account_id)
            if index is not None:
                per_day[url][index][account_id] = None
                uses[url][index] += 1
    scored = []
    for url, accounts in recent.items():
        score = rising_score(len(accounts), len(earlier.get(url, set())))
        if score > 0:
            history = [
                {
                    "day": int(start.timestamp()),
                    "uses": uses[url][i],
                    "accounts": len(per_day[url][i]),
                }
                for i, start in enumerate(days)
            ]
            scored.append(Scored(url, score, {"history": history}))
    return scored


async def replace_snapshot(
    session: AsyncSession, kind: str, scored: list[Scored], now: datetime
) -> None:
    best = sorted(scored, key=lambda s: (-s.score, s.key))[: KEEP[kind]]
    await session.execute(delete(TrendSnapshot).where(TrendSnapshot.kind == kind))
    if best:
        await session.execute(
            insert(TrendSnapshot),
            [
                {
                    "id": new_id(),
                    "kind": kind,
                    "key": s.key,
                    "score": s.score,
                    "rank": rank,
                    "data": s.data,
                    "computed_at": now,
                }
                for rank, s in enumerate(best, start=1)
            ],
        )


async def compute_trends(session: AsyncSession, now: datetime | None = None) -> None:
    now = now or clock.now()
    await replace_snapshot(session, "tag", await score_tags(session, now), now)
    await replace_snapshot(session, "status", await score_statuses(session, now), now)
    await replace_snapshot(session, "link", await score_links(session, now), now)


async def refresh_trends(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Job handler: recompute every kind of trend. Idempotent (it replaces the snapshot)."""
    async with ctx.db.write() as session:
        await compute_trends(session)
