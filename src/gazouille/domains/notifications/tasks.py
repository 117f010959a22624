"""Notifications are created by durable jobs, after the action that causes them commits.
A job checks that its cause still exists (an undone favourite notifies nobody) and inserts
at most one notification per cause, so running it twice is harmless. A new notification
is published to the recipient's streams once its transaction commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.db import insert_ignore
from gazouille.core.ids import new_id
from gazouille.domains.relationships.exclusions import notifications_suppressed
from gazouille.domains.statuses.policy import visible_to
from gazouille.domains.streaming import events
from gazouille.models import (
    ConversationMute,
    Favourite,
    Follow,
    FollowRequest,
    Mention,
    Notification,
    Status,
    User,
)
from gazouille.worker.queue import enqueue
from gazouille.worker.runtime import JobContext

JOB_KIND = "notifications.create"
STATUS_JOB_KIND = "notifications.status_posted"
# Mastodon 4.3 groups these; a group spans at most 12 hours from its first notification.
GROUPABLE_TYPES = ("favourite", "reblog", "follow")
MAXIMUM_GROUP_SPAN_HOURS = 12
# Kinds that may notify the actor themself ("your poll has ended").
SELF_NOTIFYING = ("poll",)


def _dedupe_key(kind: str, from_account_id: int, status_id: int | None) -> str:
    return f"{kind}:{from_account_id}:{status_id or ''}"


async def enqueue_notification(
    session: AsyncSession,
    kind: str,
    recipient_id: int,
    from_account_id: int,
    status_id: int | None = None,
) -> None:
    if recipient_id == from_account_id and kind not in SELF_NOTIFYING:
        return
    key = _dedupe_key(kind, from_account_id, status_id)
    if kind == "update":
        # Every edit notifies again: the key names this edit, not just the status.
        key += f":{int(clock.now().timestamp() * 1000)}"
    await enqueue(
        session,
        JOB_KIND,
        {
            "type": kind,
            "account_id": recipient_id,
            "from_account_id": from_account_id,
            "status_id": status_id,
            "dedupe_key": key,
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
        return and_(
            exists().where(Mention.status_id == status_id, Mention.account_id == recipient),
            ~_thread_muted(recipient, status_id),
        )
    return exists().where(Status.id == status_id)


def _thread_muted(recipient: int, status_id: int | None) -> Any:
    """The recipient muted the conversation the status belongs to."""
    return exists().where(
        Status.id == status_id,
        ConversationMute.account_id == recipient,
        ConversationMute.thread_root_id == func.coalesce(Status.thread_root_id, Status.id),
    )


async def _group_key(
    session: AsyncSession, recipient: int, kind: str, status_id: int | None, at: datetime
) -> str | None:
    """``<type>[-<status id>]-<hour bucket>``, reusing the previous group's bucket while
    that group is younger than the maximum span (Mastodon keeps it in Redis; we read the
    latest notification of the same kind instead)."""
    if kind not in GROUPABLE_TYPES:
        return None
    prefix = f"{kind}-{status_id}" if kind in ("favourite", "reblog") else kind
    bucket = int(at.timestamp()) // 3600
    stmt = select(Notification.group_key).where(
        Notification.account_id == recipient,
        Notification.type == kind,
        Notification.group_key.is_not(None),
    )
    if kind in ("favourite", "reblog"):
        stmt = stmt.where(Notification.status_id == status_id)
    previous = (await session.execute(stmt.order_by(Notification.id.desc()).limit(1))).scalar()
    if previous:
        try:
            earlier = int(previous.rsplit("-", 1)[1])
        except (IndexError, ValueError):
            earlier = None
        if earlier is not None and bucket < earlier + MAXIMUM_GROUP_SPAN_HOURS:
            bucket = earlier
    return f"{prefix}-{bucket}"


async def insert_notification(
    session: AsyncSession,
    kind: str,
    recipient: int,
    sender: int,
    status_id: int | None,
    dedupe_key: str | None = None,
) -> int | None:
    """Insert one notification (once per dedupe key) and publish it after commit; the new
    id, or None when it already existed or the recipient blocks or mutes the sender."""
    if await notifications_suppressed(session, recipient, sender):
        return None
    now = clock.now()
    notification_id = new_id()
    inserted = await insert_ignore(
        session,
        Notification,
        {
            "id": notification_id,
            "account_id": recipient,
            "from_account_id": sender,
            "type": kind,
            "status_id": status_id,
            "dedupe_key": dedupe_key or _dedupe_key(kind, sender, status_id),
            "group_key": await _group_key(session, recipient, kind, status_id, now),
            "created_at": now,
        },
        ["account_id", "dedupe_key"],
    )
    if not inserted:
        return None
    events.notification_created(session, recipient, notification_id)
    return notification_id


async def _is_local(session: AsyncSession, account_id: int) -> bool:
    found = await session.execute(select(User.id).where(User.account_id == account_id))
    return found.first() is not None


async def create_notification(ctx: JobContext, payload: dict[str, Any]) -> None:
    kind = payload["type"]
    recipient = int(payload["account_id"])
    sender = int(payload["from_account_id"])
    status_id = payload.get("status_id")
    async with ctx.db.write() as session:
        cause = (
            await session.execute(select(_cause_exists(kind, recipient, sender, status_id)))
        ).scalar()
        if not cause or not await _is_local(session, recipient):
            return
        await insert_notification(
            session, kind, recipient, sender, status_id, payload.get("dedupe_key")
        )


def _notifies_subscribers(status: Status) -> bool:
    """Mastodon's rule: no ``status`` notification for reblogs or replies to others."""
    if status.reblog_of_id is not None:
        return False
    return status.in_reply_to_account_id in (None, status.account_id)


async def notify_subscribers(session: AsyncSession, status: Status) -> None:
    """After posting: a ``status`` notification for each follower who asked for one
    (Follow.notify), through one job, and only if there is someone to notify."""
    if not _notifies_subscribers(status):
        return
    wanted = await session.execute(
        select(
            exists().where(Follow.target_account_id == status.account_id, Follow.notify.is_(True))
        )
    )
    if wanted.scalar():
        await enqueue(
            session,
            STATUS_JOB_KIND,
            {"status_id": status.id},
            dedupe_key=f"notify-status:{status.id}",
        )


async def notify_status_posted(ctx: JobContext, payload: dict[str, Any]) -> None:
    status_id = int(payload["status_id"])
    async with ctx.db.write() as session:
        status = await session.get(Status, status_id)
        if status is None or not _notifies_subscribers(status):
            return
        followers = list(
            (
                await session.execute(
                    select(Follow.account_id)
                    .join(User, User.account_id == Follow.account_id)
                    .where(Follow.target_account_id == status.account_id, Follow.notify.is_(True))
                )
            ).scalars()
        )
        for follower in followers:
            visible = await session.execute(
                select(Status.id).where(Status.id == status_id, visible_to(follower))
            )
            if visible.first() is not None:
                await insert_notification(session, "status", follower, status.account_id, status_id)
