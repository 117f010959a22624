"""Notifications are created by a durable job, after the action that causes them commits.
The job checks that its cause still exists (an undone favourite notifies nobody) and inserts
at most one notification per cause, so running it twice is harmless."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.db import insert_ignore
from gazouille.core.ids import new_id
from gazouille.models import Favourite, Follow, FollowRequest, Mention, Notification, Status, User
from gazouille.worker.queue import enqueue
from gazouille.worker.runtime import JobContext

JOB_KIND = "notifications.create"


def _dedupe_key(kind: str, from_account_id: int, status_id: int | None) -> str:
    return f"{kind}:{from_account_id}:{status_id or ''}"


async def enqueue_notification(
    session: AsyncSession,
    kind: str,
    recipient_id: int,
    from_account_id: int,
    status_id: int | None = None,
) -> None:
    if recipient_id == from_account_id:
        return
    key = _dedupe_key(kind, from_account_id, status_id)
    await enqueue(
        session,
        JOB_KIND,
        {
            "type": kind,
            "account_id": recipient_id,
            "from_account_id": from_account_id,
            "status_id": status_id,
        },
        dedupe_key=f"notify:{recipient_id}:{key}",
    )


def _cause_exists(kind: str, recipient: int, sender: int, status_id: int | None) -> Any:
    if kind == "follow":
        return exists().where(Follow.account_id == sender, Follow.target_account_id == recipient)
    if kind == "follow_request":
        return exists().where(
            FollowRequest.account_id == sender, FollowRequest.target_account_id == recipient
        )
    if kind == "favourite":
        return exists().where(Favourite.account_id == sender, Favourite.status_id == status_id)
    if kind == "reblog":
        return exists().where(Status.account_id == sender, Status.reblog_of_id == status_id)
    if kind == "mention":
        return exists().where(Mention.status_id == status_id, Mention.account_id == recipient)
    return exists().where(Status.id == status_id)


async def create_notification(ctx: JobContext, payload: dict[str, Any]) -> None:
    kind = payload["type"]
    recipient = int(payload["account_id"])
    sender = int(payload["from_account_id"])
    status_id = payload.get("status_id")
    async with ctx.db.write() as session:
        is_local = (
            await session.execute(select(User.id).where(User.account_id == recipient))
        ).first() is not None
        cause = (
            await session.execute(select(_cause_exists(kind, recipient, sender, status_id)))
        ).scalar()
        if not is_local or not cause:
            return
        await insert_ignore(
            session,
            Notification,
            {
                "id": new_id(),
                "account_id": recipient,
                "from_account_id": sender,
                "type": kind,
                "status_id": status_id,
                "dedupe_key": _dedupe_key(kind, sender, status_id),
                "created_at": clock.now(),
            },
            ["account_id", "dedupe_key"],
        )
