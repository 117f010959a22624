"""Periodic clean-up of what federation keeps only for a while: processed inbox activities
(kept a week for debugging and to recognise a replay, then deleted)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete

from gazouille.core import clock
from gazouille.models import InboxActivity
from gazouille.worker.runtime import JobContext

PURGE_JOB = "federation.purge_inbox"
EVERY = timedelta(hours=1)
KEEP = timedelta(days=7)


async def purge_inbox(ctx: JobContext, _payload: dict[str, Any]) -> None:
    """Delete processed activities older than ``KEEP``; pending ones wait for their job."""
    async with ctx.db.write() as session:
        await session.execute(
            delete(InboxActivity).where(
                InboxActivity.state != "pending", InboxActivity.created_at < clock.now() - KEEP
            )
        )
