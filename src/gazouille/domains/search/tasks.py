"""The periodic sweep that indexes statuses and accounts written without going through the
statuses and accounts services (older rows, and later, federation)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from gazouille.domains.search.indexing import sweep
from gazouille.worker.runtime import JobContext

JOB_KIND = "search.sweep"
EVERY = timedelta(minutes=10)


async def sweep_index(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Job handler; idempotent (it only indexes what has no up-to-date document)."""
    async with ctx.db.write() as session:
        await sweep(session)
