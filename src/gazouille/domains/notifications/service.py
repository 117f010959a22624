"""Reading and dismissing one's notifications."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.errors import NotFound
from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.domains.markers import service as markers
from gazouille.domains.statuses.policy import visible_to
from gazouille.domains.statuses.presenters import StatusView, present_statuses
from gazouille.models import Account, Notification, Status
from gazouille.models.notifications import NOTIFICATION_TYPES


@dataclass(frozen=True)
class NotificationFilter:
    """``types[]``, ``exclude_types[]`` and ``account_id`` of the notification lists."""

    types: Sequence[str] = ()
    exclude_types: Sequence[str] = ()
    from_account_id: int | None = None

    def apply(self, stmt: Any) -> Any:
        if self.types:
            stmt = stmt.where(Notification.type.in_(list(self.types)))
        if self.exclude_types:
            stmt = stmt.where(Notification.type.not_in(list(self.exclude_types)))
        if self.from_account_id is not None:
            stmt = stmt.where(Notification.from_account_id == self.from_account_id)
        return stmt


def known_types(types: Sequence[str]) -> list[str]:
    return [t for t in types if t in NOTIFICATION_TYPES]


async def list_notifications(
    session: AsyncSession,
    account_id: int,
    page: PageParams,
    *,
    types: Sequence[str] = (),
    exclude_types: Sequence[str] = (),
    from_account_id: int | None = None,
) -> list[Notification]:
    flt = NotificationFilter(types, exclude_types, from_account_id)
    stmt = flt.apply(select(Notification).where(Notification.account_id == account_id))
    rows = list((await session.execute(paginate(stmt, Notification.id, page))).scalars())
    return newest_first(rows, page)


@dataclass
class NotificationView:
    notification: Notification
    account: Account
    status: StatusView | None


@dataclass
class PresentedPage:
    """Everything a page of notifications refers to, each loaded once."""

    accounts: dict[int, Account] = field(default_factory=dict)
    statuses: dict[int, StatusView] = field(default_factory=dict)


async def load_references(
    session: AsyncSession, viewer_id: int, account_ids: set[int], status_ids: set[int]
) -> PresentedPage:
    """The accounts and the statuses (as the viewer sees them) of a page, in a fixed number
    of queries; statuses that are gone or hidden from the viewer are left out."""
    page = PresentedPage()
    if account_ids:
        page.accounts = {
            a.id: a
            for a in (
                await session.execute(select(Account).where(Account.id.in_(account_ids)))
            ).scalars()
        }
    if status_ids:
        rows = (
            await session.execute(
                select(Status).where(Status.id.in_(status_ids), visible_to(viewer_id))
            )
        ).scalars()
        views = await present_statuses(session, viewer_id, list(rows), context="notifications")
        page.statuses = {v.status.id: v for v in views}
    return page


async def present(
    session: AsyncSession, viewer_id: int, rows: Sequence[Notification]
) -> list[NotificationView]:
    """A page of notifications in a fixed number of queries; those whose status is gone
    or hidden are left out."""
    refs = await load_references(
        session,
        viewer_id,
        {n.from_account_id for n in rows},
        {n.status_id for n in rows if n.status_id},
    )
    result = []
    for row in rows:
        account = refs.accounts.get(row.from_account_id)
        status = refs.statuses.get(row.status_id) if row.status_id else None
        if account is None or (row.status_id and status is None):
            continue
        result.append(NotificationView(row, account, status))
    return result


async def unread_count(
    session: AsyncSession,
    account_id: int,
    limit: int = 100,
    flt: NotificationFilter | None = None,
) -> int:
    """Notifications newer than the notifications marker, counted up to ``limit``."""
    stmt = select(Notification.id).where(Notification.account_id == account_id)
    read = await markers.last_read_id(session, account_id, "notifications")
    if read:
        stmt = stmt.where(Notification.id > read)
    stmt = (flt or NotificationFilter()).apply(stmt).limit(limit)
    count = await session.scalar(select(func.count()).select_from(stmt.subquery()))
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


async def clear_from(session: AsyncSession, account_id: int, from_account_id: int) -> None:
    """Forget what ``from_account_id`` caused (after a block, or a mute of notifications)."""
    await session.execute(
        delete(Notification).where(
            Notification.account_id == account_id,
            Notification.from_account_id == from_account_id,
        )
    )
