"""Reading and dismissing one's notifications."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.errors import NotFound
from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.domains.statuses.policy import visible_to
from gazouille.domains.statuses.presenters import StatusView, present_statuses
from gazouille.models import Account, Notification, Status


async def list_notifications(
    session: AsyncSession,
    account_id: int,
    page: PageParams,
    *,
    types: Sequence[str] = (),
    exclude_types: Sequence[str] = (),
    from_account_id: int | None = None,
) -> list[Notification]:
    stmt = select(Notification).where(Notification.account_id == account_id)
    if types:
        stmt = stmt.where(Notification.type.in_(list(types)))
    if exclude_types:
        stmt = stmt.where(Notification.type.not_in(list(exclude_types)))
    if from_account_id is not None:
        stmt = stmt.where(Notification.from_account_id == from_account_id)
    rows = list((await session.execute(paginate(stmt, Notification.id, page))).scalars())
    return newest_first(rows, page)


@dataclass
class NotificationView:
    notification: Notification
    account: Account
    status: StatusView | None


async def present(
    session: AsyncSession, viewer_id: int, rows: Sequence[Notification]
) -> list[NotificationView]:
    """A page of notifications in a fixed number of queries; those whose status is gone
    or hidden are left out."""
    accounts = {
        a.id: a
        for a in (
            await session.execute(
                select(Account).where(Account.id.in_({n.from_account_id for n in rows}))
            )
        ).scalars()
    }
    status_ids = {n.status_id for n in rows if n.status_id}
    statuses: list[Status] = []
    if status_ids:
        statuses = list(
            (
                await session.execute(
                    select(Status).where(Status.id.in_(status_ids), visible_to(viewer_id))
                )
            ).scalars()
        )
    views = {v.status.id: v for v in await present_statuses(session, viewer_id, statuses)}
    result = []
    for row in rows:
        account = accounts.get(row.from_account_id)
        status = views.get(row.status_id) if row.status_id else None
        if account is None or (row.status_id and status is None):
            continue
        result.append(NotificationView(row, account, status))
    return result


async def unread_count(session: AsyncSession, account_id: int, limit: int = 1000) -> int:
    ids = select(Notification.id).where(Notification.account_id == account_id).limit(limit)
    count = await session.scalar(select(func.count()).select_from(ids.subquery()))
    return int(count or 0)


async def access_notification(
    session: AsyncSession, account_id: int, notification_id: int
) -> Notification:
    row = await session.get(Notification, notification_id)
    if row is None or row.account_id != account_id:
        raise NotFound()
    return row


async def dismiss(session: AsyncSession, account_id: int, notification_id: int) -> None:
    row = await access_notification(session, account_id, notification_id)
    await session.delete(row)
    await session.flush()


async def clear(session: AsyncSession, account_id: int) -> None:
    await session.execute(delete(Notification).where(Notification.account_id == account_id))
