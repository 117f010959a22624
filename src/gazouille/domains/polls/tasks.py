"""The job run when a poll ends: a ``poll`` notification to each voter and to the author."""

from __future__ import annotations

from typing import Any

from gazouille.domains.notifications.tasks import enqueue_notification
from gazouille.domains.polls.service import EXPIRE_JOB, is_expired, voter_ids
from gazouille.models import Poll
from gazouille.worker.runtime import JobContext

__all__ = ["EXPIRE_JOB", "close_poll"]


async def close_poll(ctx: JobContext, payload: dict[str, Any]) -> None:
    async with ctx.db.write() as session:
        poll = await session.get(Poll, int(payload["poll_id"]))
        # Gone, or its end was moved by an edit (a later job covers the new end).
        if poll is None or not is_expired(poll):
            return
        for account_id in [*await voter_ids(session, poll.id), poll.account_id]:
            await enqueue_notification(session, "poll", account_id, poll.account_id, poll.status_id)
