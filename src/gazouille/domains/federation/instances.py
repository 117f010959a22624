"""Delivery health of remote instances. Every delivery reports its outcome here; a domain
that keeps failing for more than a day is marked unavailable: its deliveries then wait (one
probe now and then) instead of hammering a dead server, and it comes back as soon as one
delivery succeeds or it sends us anything (``mark_alive``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.db import insert_ignore
from gazouille.models import Instance

# Consecutive failed deliveries (all jobs together) before a domain may be marked unavailable…
FAILURE_THRESHOLD = 10
# …and for how long it must have been failing: a failing delivery queued longer ago than
# this, and no success within it either.
UNAVAILABLE_AFTER = timedelta(days=1)
# While unavailable, one delivery at most tries this often; the others wait.
PROBE_EVERY = timedelta(hours=1)


def normalize(domain: str) -> str:
    return domain.strip().lower().rstrip(".")


async def _ensure(session: AsyncSession, domain: str) -> None:
    await insert_ignore(
        session,
        Instance,
        {"domain": domain, "first_seen_at": clock.now(), "failures": 0},
        ["domain"],
    )


async def record_success(session: AsyncSession, domain: str) -> None:
    """A delivery to ``domain`` was accepted (or refused for good: the server is up)."""
    domain = normalize(domain)
    await _ensure(session, domain)
    await session.execute(
        update(Instance)
        .where(Instance.domain == domain)
        .values(last_success_at=clock.now(), failures=0, unavailable_since=None, last_error=None)
    )


async def record_failure(
    session: AsyncSession, domain: str, error: str, *, failing_since: datetime | None = None
) -> bool:
    """A delivery to ``domain`` failed. ``failing_since``: when that delivery was first
    queued. Returns True when this failure made the domain unavailable."""
    domain = normalize(domain)
    await _ensure(session, domain)
    now = clock.now()
    await session.execute(
        update(Instance)
        .where(Instance.domain == domain)
        .values(failures=Instance.failures + 1, last_failure_at=now, last_error=error[:1000])
    )
    if failing_since is None or now - failing_since < UNAVAILABLE_AFTER:
        return False
    marked = await session.execute(
        update(Instance)
        .where(
            Instance.domain == domain,
            Instance.unavailable_since.is_(None),
            Instance.failures >= FAILURE_THRESHOLD,
            or_(
                Instance.last_success_at.is_(None),
                Instance.last_success_at < now - UNAVAILABLE_AFTER,
            ),
        )
        .values(unavailable_since=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(marked, "rowcount", 0))


async def mark_alive(session: AsyncSession, domain: str) -> None:
    """``domain`` showed signs of life (it sent us an activity): its deliveries resume."""
    domain = normalize(domain)
    await session.execute(
        update(Instance)
        .where(
            Instance.domain == domain,
            or_(Instance.unavailable_since.is_not(None), Instance.failures > 0),
        )
        .values(failures=0, unavailable_since=None)
        .execution_options(synchronize_session=False)
    )


async def is_available(session: AsyncSession, domain: str) -> bool:
    since = await session.scalar(
        select(Instance.unavailable_since).where(Instance.domain == normalize(domain))
    )
    return since is None


async def claim_probe(session: AsyncSession, domain: str) -> bool:
    """For a delivery to an unavailable domain: True if it may try now (it becomes the probe
    of this period), False if it must wait. Marking the attempt as a failure time keeps other
    deliveries from probing at the same moment."""
    now = clock.now()
    claimed = await session.execute(
        update(Instance)
        .where(
            Instance.domain == normalize(domain),
            Instance.unavailable_since.is_not(None),
            or_(Instance.last_failure_at.is_(None), Instance.last_failure_at <= now - PROBE_EVERY),
        )
        .values(last_failure_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(claimed, "rowcount", 0))


async def next_probe_at(session: AsyncSession, domain: str) -> datetime:
    last = await session.scalar(
        select(Instance.last_failure_at).where(Instance.domain == normalize(domain))
    )
    return (last or clock.now()) + PROBE_EVERY
