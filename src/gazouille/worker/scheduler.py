"""Periodic jobs (trends every 10 minutes, the search sweep…) without a separate scheduler
process: each worker's loop calls ``enqueue_due`` now and then.

For each periodic kind, time is cut into buckets of its period. A tick enqueues the run of
the *next* bucket, due at that bucket's start, with the dedupe key
``periodic:<kind>:<bucket>``. That key stays taken while the job waits for its time, so
however many workers tick, one job per bucket is queued; once the job ran and freed its key,
ticks have moved on to the following bucket. The first run after a fresh start therefore
comes at the next bucket boundary (at most one period later).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from gazouille.core import clock
from gazouille.core.db import Database
from gazouille.worker.queue import enqueue

log = logging.getLogger(__name__)
TICK = timedelta(seconds=60)


def bucket_of(at: datetime, every: timedelta) -> int:
    return int(at.timestamp() // every.total_seconds())


def bucket_start(bucket: int, every: timedelta) -> datetime:
    return datetime.fromtimestamp(bucket * every.total_seconds(), UTC)


def dedupe_key(kind: str, bucket: int) -> str:
    return f"periodic:{kind}:{bucket}"


async def enqueue_due(
    db: Database, periodic: Mapping[str, timedelta], now: datetime | None = None
) -> None:
    """Queue the next run of every periodic kind (a no-op when it is already queued)."""
    if not periodic:
        return
    now = now or clock.now()
    async with db.write() as session:
        for kind, every in periodic.items():
            following = bucket_of(now, every) + 1
            await enqueue(
                session,
                kind,
                {},
                run_at=bucket_start(following, every),
                dedupe_key=dedupe_key(kind, following),
            )


class Ticker:
    """Calls ``enqueue_due`` at most once per ``TICK`` from the worker loop."""

    def __init__(self, db: Database, periodic: Mapping[str, timedelta]):
        self.db = db
        self.periodic = periodic
        self._last: datetime | None = None

    async def maybe_tick(self) -> None:
        now = clock.now()
        if not self.periodic or (self._last is not None and now - self._last < TICK):
            return
        self._last = now
        try:
            await enqueue_due(self.db, self.periodic, now)
        except Exception:  # the next tick tries again
            log.exception("scheduling periodic jobs failed")
