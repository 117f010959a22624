"""The durable job queue: outbox semantics, retries, dead jobs, leases, dedupe."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from gazouille.core import clock
from gazouille.core.db import Database
from gazouille.models import Job
from gazouille.worker.queue import enqueue
from gazouille.worker.runtime import JobContext, Registry, Worker, claim, run_job, run_pending


class Boom(Exception):
    pass


@pytest.fixture
def calls() -> list[dict[str, Any]]:
    return []


@pytest.fixture
def registry(calls: list[dict[str, Any]]) -> Registry:
    registry = Registry()

    async def record(_ctx: JobContext, payload: dict[str, Any]) -> None:
        calls.append(payload)

    async def fail(_ctx: JobContext, payload: dict[str, Any]) -> None:
        calls.append(payload)
        raise Boom("remote said no")

    registry.register("test.record", record)
    registry.register("test.fail", fail)
    return registry


@pytest.fixture
def ctx(app: Any) -> JobContext:
    state = app.state.gazouille
    return JobContext(state.db, state.pubsub)


async def _jobs(db: Database) -> list[Job]:
    async with db.read() as session:
        return list((await session.execute(select(Job).order_by(Job.id))).scalars())


@pytest.fixture
def frozen() -> Any:
    now = [datetime(2026, 11, 27, 12, 0, tzinfo=UTC)]
    clock.set_clock(lambda: now[0])
    yield now
    clock.set_clock(None)


async def test_a_job_enqueued_in_a_rolled_back_transaction_never_runs(
    db: Database, ctx: JobContext, registry: Registry, calls: list[Any]
) -> None:
    with pytest.raises(Boom):
        async with db.write() as session:
            await enqueue(session, "test.record", {"n": 1})
            raise Boom("the use case failed after enqueueing")
    async with db.write() as session:
        await enqueue(session, "test.record", {"n": 2})
    assert await run_pending(ctx, registry) == 1
    assert calls == [{"n": 2}]
    assert [j.state for j in await _jobs(db)] == ["done"]


async def test_failures_back_off_then_die(
    db: Database, ctx: JobContext, registry: Registry, calls: list[Any], frozen: Any
) -> None:
    async with db.write() as session:
        await enqueue(session, "test.fail", {"n": 1}, max_attempts=3)
    delays = []
    for attempt in range(1, 4):
        (job,) = await claim(db, 10)
        assert job.attempts == attempt
        assert not await run_job(ctx, registry, job)
        (row,) = await _jobs(db)
        if attempt < 3:
            assert row.state == "pending"
            assert "remote said no" in (row.last_error or "")
            delays.append(row.run_at - frozen[0])
            assert await claim(db, 10) == []  # not due yet
            frozen[0] = row.run_at
        else:
            assert row.state == "dead"
    assert delays[0] >= timedelta(seconds=15)
    assert delays[1] > delays[0]
    assert len(calls) == 3


async def test_a_job_whose_worker_died_is_claimed_again_after_its_lease(
    db: Database, ctx: JobContext, registry: Registry, calls: list[Any], frozen: Any
) -> None:
    async with db.write() as session:
        await enqueue(session, "test.record", {"n": 1})
    (first,) = await claim(db, 10)  # the worker that claimed it is killed -9 here
    assert await claim(db, 10) == []  # leased: nobody else takes it meanwhile
    frozen[0] += timedelta(minutes=6)
    (again,) = await claim(db, 10)
    assert again.id == first.id and again.attempts == 2
    assert await run_job(ctx, registry, again)
    assert calls == [{"n": 1}]


async def test_dedupe_key_and_unknown_kind(
    db: Database, ctx: JobContext, registry: Registry, calls: list[Any]
) -> None:
    async with db.write() as session:
        await enqueue(session, "test.record", {"n": 1}, dedupe_key="same")
        await enqueue(session, "test.record", {"n": 2}, dedupe_key="same")
        await enqueue(session, "test.nobody", {}, max_attempts=1)
    await run_pending(ctx, registry)
    assert calls == [{"n": 1}]
    states = {j.kind: j.state for j in await _jobs(db)}
    assert states == {"test.record": "done", "test.nobody": "dead"}


async def test_worker_wakes_on_commit(
    db: Database, ctx: JobContext, registry: Registry, calls: list[Any]
) -> None:
    import asyncio

    from gazouille.main import wire_job_wakeups
    from gazouille.worker import queue

    worker = Worker(ctx, registry, poll=30)  # polling alone would take 30 s
    wire_job_wakeups(_State(ctx))
    task = asyncio.create_task(worker.run())
    try:
        await asyncio.sleep(0.2)  # the worker is idle and subscribed
        async with db.write() as session:
            await enqueue(session, "test.record", {"n": 7})
        for _ in range(100):
            if calls:
                break
            await asyncio.sleep(0.05)
        assert calls == [{"n": 7}]
    finally:
        worker.stop()
        await asyncio.wait_for(task, 10)
        queue._wakers.clear()


class _State:
    def __init__(self, ctx: JobContext):
        self.pubsub = ctx.pubsub
        self.db = ctx.db


async def test_jobs_that_wait_on_other_servers_never_hold_up_local_work(
    db: Database, ctx: JobContext, registry: Registry, calls: list[dict[str, Any]]
) -> None:
    """A backlog of deliveries to a dead server fills the remote lane; local jobs still run."""
    import asyncio

    stuck = asyncio.Event()

    async def slow_delivery(_ctx: JobContext, _payload: dict[str, Any]) -> None:
        await stuck.wait()

    registry.register("test.deliver", slow_delivery, remote=True)
    async with db.write() as session:
        for n in range(10):  # older than the local job, and more than the lane's slots
            await enqueue(session, "test.deliver", {"n": n})
    async with db.write() as session:
        await enqueue(session, "test.record", {"local": True})
    worker = Worker(ctx, registry, concurrency=2, poll=0.05)
    task = asyncio.create_task(worker.run())
    try:
        for _ in range(200):
            if calls:
                break
            await asyncio.sleep(0.05)
        assert calls == [{"local": True}]
    finally:
        stuck.set()
        worker.stop()
        await asyncio.wait_for(task, 10)
