"""The job that files a direct status into its participants' conversations."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.domains.conversations import service
from gazouille.worker.queue import enqueue
from gazouille.worker.runtime import JobContext

JOB_KIND = "conversations.add_status"


async def enqueue_conversation_update(session: AsyncSession, status_id: int) -> None:
    await enqueue(
        session, JOB_KIND, {"status_id": status_id}, dedupe_key=f"conversation:{status_id}"
    )


async def add_status(ctx: JobContext, payload: dict[str, Any]) -> None:
    async with ctx.db.write() as session:
        await service.add_status(session, int(payload["status_id"]))
