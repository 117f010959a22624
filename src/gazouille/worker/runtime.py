"""Claiming and running durable jobs.

A claim is an ``UPDATE … RETURNING`` of due rows (with ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL) that sets a lease; a job whose lease ran out (its worker was killed) is claimed
again. Handlers take ids, reload what they need and must be idempotent: a job can run twice
if its process dies between the work and the ``done`` mark.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import traceback
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select, update

from gazouille.core import clock
from gazouille.core.db import Database
from gazouille.core.pubsub import PubSub
from gazouille.models.jobs import Job
from gazouille.worker.scheduler import Ticker

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
JOBS_CHANNEL = "jobs"


@dataclass
class JobContext:
    """What a handler gets: the database and the instance's services."""

    db: Database
    pubsub: PubSub


Handler = Callable[[JobContext, dict[str, Any]], Awaitable[None]]


LOCAL_LANE = "local"
# Jobs that wait on other servers (deliveries, fetches) run in a lane of their own, so a
# backlog of slow or dead remote servers never delays local work (fan-out, notifications).
REMOTE_LANE = "remote"


class Registry:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self.periodic: dict[str, timedelta] = {}  # kind → period (worker/scheduler.py)
        self.remote_kinds: set[str] = set()

    def register(
        self, kind: str, handler: Handler, *, every: timedelta | None = None, remote: bool = False
    ) -> None:
        """``remote``: the handler talks to other servers (it runs in the remote lane)."""
        self._handlers[kind] = handler
        if every is not None:
            self.periodic[kind] = every
        if remote:
            self.remote_kinds.add(kind)

    def get(self, kind: str) -> Handler | None:
        return self._handlers.get(kind)

    @property
    def kinds(self) -> list[str]:
        return sorted(self._handlers)


def backoff(attempts: int) -> timedelta:
    """Sidekiq-like polynomial backoff: about 16 s, 32 s, 1.5 min, 4.5 min, 10.5 min, 22 min,
    40 min after tries 1 to 7; a job allowed 16 tries keeps trying for about 3 days."""
    return timedelta(seconds=attempts**4 + 15 + random.uniform(0, 10) * attempts)


@dataclass
class ClaimedJob:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int


async def claim(
    db: Database,
    limit: int,
    *,
    only: Collection[str] | None = None,
    exclude: Collection[str] | None = None,
) -> list[ClaimedJob]:
    """Claim up to ``limit`` due jobs, oldest first; of the kinds in ``only``, or of any kind
    but those in ``exclude``."""
    now = clock.now()
    due = or_(
        and_(Job.state == "pending", Job.run_at <= now),
        and_(Job.state == "running", Job.locked_until < now),
    )
    if only is not None:
        due = and_(due, Job.kind.in_(list(only)))
    if exclude:
        due = and_(due, Job.kind.not_in(list(exclude)))
    candidates = (
        select(Job.id)
        .where(due)
        .order_by(Job.run_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        update(Job)
        .where(Job.id.in_(candidates.scalar_subquery()))
        .where(due)
        .values(state="running", attempts=Job.attempts + 1, locked_until=now + LEASE)
        .returning(Job.id, Job.kind, Job.payload, Job.attempts, Job.max_attempts)
        .execution_options(synchronize_session=False)
    )
    async with db.write() as session:
        rows = (await session.execute(stmt)).all()
    return [ClaimedJob(r.id, r.kind, r.payload, r.attempts, r.max_attempts) for r in rows]


async def _finish(db: Database, job: ClaimedJob, error: str | None) -> None:
    now = clock.now()
    # A finished job frees its dedupe key: the same work may be asked for again later.
    if error is None:
        values: dict[str, Any] = {
            "state": "done",
            "finished_at": now,
            "locked_until": None,
            "dedupe_key": None,
        }
    elif job.attempts >= job.max_attempts:
        values = {
            "state": "dead",
            "finished_at": now,
            "last_error": error,
            "locked_until": None,
            "dedupe_key": None,
        }
    else:
        values = {
            "state": "pending",
            "run_at": now + backoff(job.attempts),
            "last_error": error,
            "locked_until": None,
        }
    async with db.write() as session:
        await session.execute(update(Job).where(Job.id == job.id).values(**values))


async def run_job(ctx: JobContext, registry: Registry, job: ClaimedJob) -> bool:
    """Run one claimed job; True when it succeeded."""
    handler = registry.get(job.kind)
    error: str | None
    if handler is None:
        error = f"no handler for job kind {job.kind!r}"
    elif job.attempts > job.max_attempts:
        error = "too many attempts (lease expired repeatedly)"
    else:
        try:
            await asyncio.wait_for(handler(ctx, job.payload), LEASE.total_seconds() - 30)
            error = None
        except Exception as exc:
            log.warning("job %s (%s) failed: %s", job.id, job.kind, exc)
            error = "".join(traceback.format_exception_only(exc)).strip()[:4000]
    await _finish(ctx.db, job, error)
    return error is None


async def run_pending(ctx: JobContext, registry: Registry, *, max_rounds: int = 100) -> int:
    """Run every due job (and those they enqueue) until none is left; for tests and the CLI."""
    count = 0
    for _ in range(max_rounds):
        jobs = await claim(ctx.db, 50)
        if not jobs:
            break
        for job in jobs:
            await run_job(ctx, registry, job)
            count += 1
    return count


async def purge_finished(db: Database, older_than: timedelta = timedelta(days=7)) -> None:
    cutoff = clock.now() - older_than
    async with db.write() as session:
        await session.execute(
            delete(Job).where(Job.state == "done").where(Job.finished_at < cutoff)
        )


class Worker:
    """Runs jobs with bounded concurrency per lane (local work, and work that waits on other
    servers); wakes on pub/sub or polls every ``poll`` seconds."""

    def __init__(
        self, ctx: JobContext, registry: Registry, *, concurrency: int = 4, poll: float = 2.0
    ):
        self.ctx = ctx
        self.registry = registry
        self.concurrency = concurrency
        self.poll = poll
        self._wake = asyncio.Event()
        self._stopping = False
        self._running: dict[str, set[asyncio.Task[bool]]] = {LOCAL_LANE: set(), REMOTE_LANE: set()}

    async def _listen(self) -> None:
        async for _ in self.ctx.pubsub.subscribe(JOBS_CHANNEL):
            self._wake.set()

    async def _claim(self, lane: str) -> tuple[list[ClaimedJob], bool]:
        """Claim for ``lane``'s free slots; also whether every slot was filled."""
        free = self.concurrency - len(self._running[lane])
        if free <= 0:
            return [], False
        remote = self.registry.remote_kinds
        if lane == REMOTE_LANE and not remote:
            return [], False
        try:
            if lane == REMOTE_LANE:
                claimed = await claim(self.ctx.db, free, only=remote)
            else:
                claimed = await claim(self.ctx.db, free, exclude=remote)
        except Exception:
            log.exception("claiming jobs failed")
            return [], False
        for job in claimed:
            task = asyncio.create_task(run_job(self.ctx, self.registry, job))
            self._running[lane].add(task)
            task.add_done_callback(self._task_done)
        return claimed, len(claimed) == free

    async def run(self) -> None:
        listener = asyncio.create_task(self._listen())
        purged_at = clock.now() - timedelta(days=1)
        ticker = Ticker(self.ctx.db, self.registry.periodic)
        try:
            while not self._stopping:
                # Cleared before claiming: a wake-up that arrives during the claim is kept.
                self._wake.clear()
                _, local_full = await self._claim(LOCAL_LANE)
                _, remote_full = await self._claim(REMOTE_LANE)
                await ticker.maybe_tick()
                if clock.now() - purged_at > timedelta(hours=1):
                    purged_at = clock.now()
                    with contextlib.suppress(Exception):
                        await purge_finished(self.ctx.db)
                if local_full or remote_full:
                    await asyncio.sleep(0)
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll)
        finally:
            listener.cancel()
            running = [t for lane in self._running.values() for t in lane]
            if running:
                await asyncio.gather(*running, return_exceptions=True)

    def _task_done(self, task: asyncio.Task[bool]) -> None:
        for lane in self._running.values():
            lane.discard(task)
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
