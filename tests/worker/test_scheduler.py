"""Periodic jobs: each tick queues the next bucket's run once, however many workers tick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from gazouille.core import clock
from gazouille.main import build_registry
from gazouille.models import Job
from gazouille.worker.runtime import JobContext, run_pending
from gazouille.worker.scheduler import Ticker, bucket_of, enqueue_due

EVERY = timedelta(minutes=10)


async def jobs(db: Any, kind: str) -> list[Job]:
    async with db.read() as session:
        return list((await session.execute(select(Job).where(Job.kind == kind))).scalars())


async def test_one_job_per_bucket(db: Any, app: Any) -> None:
    start = datetime(2030, 1, 1, 12, 3, tzinfo=UTC)
    clock.set_clock(lambda: start)
    try:
        periodic = {"trends.refresh": EVERY}
        for _ in range(3):  # three workers ticking in the same bucket
            await enqueue_due(db, periodic)
        queued = await jobs(db, "trends.refresh")
        assert len(queued) == 1
        assert queued[0].run_at == datetime(2030, 1, 1, 12, 10, tzinfo=UTC)
        state = app.state.gazouille
        ctx = JobContext(state.db, state.pubsub)
        assert await run_pending(ctx, build_registry()) == 0  # not due yet
        clock.set_clock(lambda: start + timedelta(minutes=8))
        await run_pending(ctx, build_registry())
        assert [j.state for j in await jobs(db, "trends.refresh")] == ["done"]
        # Ticks later in the same bucket queue the following one, once.
        await enqueue_due(db, periodic)
        await enqueue_due(db, periodic)
        states = sorted(j.state for j in await jobs(db, "trends.refresh"))
        assert states == ["done", "pending"]
    finally:
        clock.set_clock(None)


async def test_the_registry_declares_the_discovery_jobs(db: Any) -> None:
    periodic = build_registry().periodic
    assert periodic["trends.refresh"] == EVERY
    assert "search.sweep" in periodic
    ticker = Ticker(db, periodic)
    await ticker.maybe_tick()
    await ticker.maybe_tick()  # within a minute: no second tick
    assert len(await jobs(db, "trends.refresh")) == 1


def test_buckets() -> None:
    at = datetime(2030, 1, 1, 0, 9, 59, tzinfo=UTC)
    assert bucket_of(at, EVERY) == bucket_of(at - timedelta(minutes=9), EVERY)
    assert bucket_of(at + timedelta(seconds=1), EVERY) == bucket_of(at, EVERY) + 1
