"""Reading and dismissing one's notifications."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.errors import NotFound
from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.models import Notification


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
