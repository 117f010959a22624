"""The job that publishes a scheduled status when its time comes. The status is posted and
the scheduled row deleted in one transaction, so a second run finds nothing to do."""

from __future__ import annotations

import logging
from typing import Any

from gazouille.core import clock
from gazouille.core.errors import NotFound, ValidationFailed
from gazouille.domains import instance
from gazouille.domains.scheduled.service import PUBLISH_JOB, command_of
from gazouille.domains.statuses import service as statuses
from gazouille.domains.statuses.composition import check_draft
from gazouille.domains.statuses.policy import access_status
from gazouille.models import Account, ScheduledStatus
from gazouille.worker.runtime import JobContext

__all__ = ["PUBLISH_JOB", "publish_scheduled"]
log = logging.getLogger(__name__)


async def publish_scheduled(ctx: JobContext, payload: dict[str, Any]) -> None:
    async with ctx.db.write() as session:
        row = await session.get(ScheduledStatus, int(payload["scheduled_status_id"]))
        # Already published or cancelled, or moved to a later time (a later job covers it).
        if row is None or row.scheduled_at > clock.now():
            return
        author = await session.get(Account, row.account_id)
        command = command_of(row)
        await session.delete(row)
        await session.flush()
        if author is None or author.suspended_at is not None:
            return
        if command.in_reply_to_id is not None:
            try:
                await access_status(session, author.id, command.in_reply_to_id)
            except NotFound:
                command.in_reply_to_id = None  # the parent is gone: post it on its own
        settings = await instance.load_settings(session)
        try:
            draft = await check_draft(
                session,
                author,
                command,
                max_characters=settings.max_characters,
                default_visibility=command.visibility or "public",
            )
        except (ValidationFailed, NotFound) as exc:
            # It cannot be posted any more (its media or quoted post went away): drop it.
            log.warning("scheduled status %s dropped: %s", payload, exc)
            return
        await statuses.post_draft(session, author, draft, command)
