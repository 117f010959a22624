"""Enqueueing durable jobs: a row in the caller's transaction (the outbox), and a wake-up of
the workers once that transaction commits."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.db import after_commit, insert_ignore
from gazouille.core.ids import new_id
from gazouille.models.jobs import Job

log = logging.getLogger(__name__)
DEFAULT_MAX_ATTEMPTS = 8
_wakers: list[Callable[[], Awaitable[None]]] = []


def add_waker(waker: Callable[[], Awaitable[None]]) -> None:
    """Called after a commit that enqueued jobs (the composition root wires pub/sub here)."""
    if waker not in _wakers:
        _wakers.append(waker)


def remove_waker(waker: Callable[[], Awaitable[None]]) -> None:
    if waker in _wakers:
        _wakers.remove(waker)


async def _wake() -> None:
    for waker in list(_wakers):
        try:
            await waker()
        except Exception:  # polling picks the job up anyway
            log.warning("waking the workers failed", exc_info=True)


async def enqueue(
    session: AsyncSession,
    kind: str,
    payload: dict[str, Any],
    *,
    run_at: datetime | None = None,
    dedupe_key: str | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> None:
    """Add a job to the current transaction. With ``dedupe_key``, a second job with the same
    key is silently dropped (the work is already queued or done)."""
    now = clock.now()
    values = {
        "id": new_id(),
        "kind": kind,
        "payload": payload,
        "state": "pending",
        "attempts": 0,
        "max_attempts": max_attempts,
        "run_at": run_at or now,
        "created_at": now,
        "dedupe_key": dedupe_key,
    }
    await insert_ignore(session, Job, values, ["dedupe_key"])
    if not session.info.get("jobs_wake_registered"):
        session.info["jobs_wake_registered"] = True
        after_commit(session, _wake)
