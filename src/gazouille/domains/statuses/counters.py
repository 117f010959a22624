"""The counters a new status moves, whether posted here or stored from another server: its
author's statuses (and last post date), its parent's replies, the quoted post's quotes (whose
author is notified)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.domains.notifications.tasks import enqueue_notification
from gazouille.models import Account, Status


async def count_new_status(
    session: AsyncSession, status: Status, parent: Status | None, quoted: Status | None
) -> None:
    await session.execute(
        update(Account)
        .where(Account.id == status.account_id)
        .values(statuses_count=Account.statuses_count + 1, last_status_at=status.created_at)
    )
    if parent is not None:
        await session.execute(
            update(Status)
            .where(Status.id == parent.id)
            .values(replies_count=Status.replies_count + 1)
        )
    if quoted is not None:
        await session.execute(
            update(Status)
            .where(Status.id == quoted.id)
            .values(quotes_count=Status.quotes_count + 1)
        )
        await enqueue_notification(
            session, "quote", quoted.account_id, status.account_id, status.id
        )
