"""Grouped notifications (Mastodon 4.3, ``/api/v2/notifications``).

A notification's group is its stored ``group_key`` when its type is one of the grouped
types asked for, else ``ungrouped-<id>``. A page holds the ``limit`` groups met first
when walking the notifications from the cursor: newest first, that is the groups ordered
by their newest notification in range (oldest first with ``min_id``). Each group then
reports its totals up to the page's newest notification, as Mastodon does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, case, cast, delete, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.errors import NotFound
from gazouille.core.ids import parse_id
from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.domains.markers import service as markers
from gazouille.domains.notifications.service import NotificationFilter
from gazouille.domains.notifications.tasks import GROUPABLE_TYPES
from gazouille.models import Account, Notification

SAMPLE_ACCOUNTS_SIZE = 8
UNGROUPED = "ungrouped-"


@dataclass
class NotificationGroup:
    group_key: str
    type: str
    status_id: int | None
    most_recent_notification_id: int
    notifications_count: int
    sample_account_ids: list[int]
    page_min_id: int
    page_max_id: int
    latest_page_notification_at: datetime
    representative_id: int = 0  # the notification that placed the group on the page


@dataclass
class GroupPage:
    groups: list[NotificationGroup] = field(default_factory=list)
    cursors: list[int] = field(default_factory=list)


def grouped_types_of(requested: Sequence[str]) -> tuple[str, ...]:
    """Mastodon groups favourites, reblogs and follows unless ``grouped_types[]`` says
    otherwise (types it cannot group are ignored)."""
    if not requested:
        return GROUPABLE_TYPES
    return tuple(t for t in GROUPABLE_TYPES if t in requested)


def _key_expression(grouped: tuple[str, ...]) -> Any:
    ungrouped = literal(UNGROUPED) + cast(Notification.id, String)
    if not grouped:
        return ungrouped
    return case(
        (
            and_(Notification.type.in_(grouped), Notification.group_key.is_not(None)),
            Notification.group_key,
        ),
        else_=ungrouped,
    )


def _key_of(row: Notification, grouped: tuple[str, ...]) -> str:
    if row.group_key and row.type in grouped:
        return row.group_key
    return f"{UNGROUPED}{row.id}"


async def list_groups(
    session: AsyncSession,
    account_id: int,
    page: PageParams,
    flt: NotificationFilter,
    grouped: tuple[str, ...],
) -> GroupPage:
    key = _key_expression(grouped).label("key")
    ascending = page.min_id is not None
    edge = (func.min if ascending else func.max)(Notification.id)
    stmt = flt.apply(select(key, edge.label("rep")).where(Notification.account_id == account_id))
    if page.max_id is not None:
        stmt = stmt.where(Notification.id < page.max_id)
    lower = page.min_id if ascending else page.since_id
    if lower is not None:
        stmt = stmt.where(Notification.id > lower)
    stmt = stmt.group_by(key).order_by(edge.asc() if ascending else edge.desc()).limit(page.limit)
    picked = [(k, int(rep)) for k, rep in (await session.execute(stmt)).all()]
    if not picked:
        return GroupPage()
    reps = [rep for _, rep in picked]
    full = len(picked) >= page.limit
    if ascending:
        begin = min(reps)
        end = max(reps) if full else None
    else:
        begin = min(reps) if full else (lower or 0) + 1
        end = max(reps)
    rows = {
        n.id: n
        for n in (
            await session.execute(select(Notification).where(Notification.id.in_(reps)))
        ).scalars()
    }
    groups = await _describe(
        session, account_id, [rows[r] for r in reps if r in rows], grouped, begin, end
    )
    groups.sort(key=lambda g: g.page_max_id, reverse=True)
    return GroupPage(groups, reps)


async def _describe(
    session: AsyncSession,
    account_id: int,
    representatives: list[Notification],
    grouped: tuple[str, ...],
    begin: int,
    end: int | None,
) -> list[NotificationGroup]:
    """Totals, sample accounts and page bounds of the groups of ``representatives``, in two
    queries whatever their number."""
    keys = [_key_of(r, grouped) for r in representatives]
    stored = [k for k in keys if not k.startswith(UNGROUPED)]
    singles = [r.id for r in representatives if _key_of(r, grouped).startswith(UNGROUPED)]
    key = _key_expression(grouped).label("key")
    members = and_(
        Notification.account_id == account_id,
        or_(Notification.group_key.in_(stored), Notification.id.in_(singles)),
        Notification.id <= end if end is not None else literal(True),
    )
    in_page = case((Notification.id >= begin, Notification.id))
    totals = {
        k: (int(count), int(newest), int(oldest) if oldest else int(newest), at)
        for k, count, newest, oldest, at in (
            await session.execute(
                select(
                    key,
                    func.count(),
                    func.max(Notification.id),
                    func.min(in_page),
                    func.max(Notification.created_at),
                )
                .where(members)
                .group_by(key)
            )
        ).all()
    }
    ranked = (
        select(
            key,
            Notification.from_account_id,
            func.row_number().over(partition_by=key, order_by=Notification.id.desc()).label("rank"),
        )
        .where(members)
        .subquery()
    )
    samples: dict[str, list[int]] = {}
    for k, from_id, _rank in (
        await session.execute(
            select(ranked.c.key, ranked.c.from_account_id, ranked.c.rank)
            .where(ranked.c.rank <= SAMPLE_ACCOUNTS_SIZE)
            .order_by(ranked.c.key, ranked.c.rank)
        )
    ).all():
        samples.setdefault(k, []).append(int(from_id))
    groups = []
    for rep, k in zip(representatives, keys, strict=True):
        count, newest, oldest, at = totals.get(k, (1, rep.id, rep.id, rep.created_at))
        groups.append(
            NotificationGroup(
                group_key=k,
                type=rep.type,
                status_id=rep.status_id,
                most_recent_notification_id=newest,
                notifications_count=count,
                sample_account_ids=list(dict.fromkeys(samples.get(k, [rep.from_account_id]))),
                page_min_id=oldest,
                page_max_id=newest,
                latest_page_notification_at=at if isinstance(at, datetime) else rep.created_at,
                representative_id=rep.id,
            )
        )
    return groups


def _group_condition(account_id: int, group_key: str) -> Any:
    if group_key.startswith(UNGROUPED):
        notification_id = parse_id(group_key[len(UNGROUPED) :])
        if notification_id is None:
            raise NotFound()
        return and_(Notification.account_id == account_id, Notification.id == notification_id)
    return and_(Notification.account_id == account_id, Notification.group_key == group_key)


async def get_group(session: AsyncSession, account_id: int, group_key: str) -> NotificationGroup:
    newest = (
        await session.execute(
            select(Notification)
            .where(_group_condition(account_id, group_key))
            .order_by(Notification.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if newest is None:
        raise NotFound()
    grouped = GROUPABLE_TYPES if not group_key.startswith(UNGROUPED) else ()
    (group,) = await _describe(session, account_id, [newest], grouped, 0, None)
    return group


async def dismiss_group(session: AsyncSession, account_id: int, group_key: str) -> None:
    condition = _group_condition(account_id, group_key)
    found = await session.execute(select(Notification.id).where(condition).limit(1))
    if found.first() is None:
        raise NotFound()
    await session.execute(delete(Notification).where(condition))


async def group_accounts(
    session: AsyncSession, account_id: int, group_key: str, page: PageParams
) -> list[tuple[int, Account]]:
    """The accounts behind a group's notifications, newest first, with the notification id
    as the pagination cursor."""
    stmt = (
        select(Notification.id, Account)
        .join(Account, Account.id == Notification.from_account_id)
        .where(_group_condition(account_id, group_key))
    )
    rows = (await session.execute(paginate(stmt, Notification.id, page))).all()
    if not rows and page == PageParams(limit=page.limit):
        await get_group(session, account_id, group_key)  # 404 for an unknown group
    return newest_first([(int(r[0]), r[1]) for r in rows], page)


async def unread_group_count(
    session: AsyncSession,
    account_id: int,
    limit: int,
    flt: NotificationFilter,
    grouped: tuple[str, ...],
) -> int:
    """Groups with notifications newer than the notifications marker, up to ``limit``."""
    key = _key_expression(grouped).label("key")
    stmt = flt.apply(select(key).where(Notification.account_id == account_id))
    read = await markers.last_read_id(session, account_id, "notifications")
    if read:
        stmt = stmt.where(Notification.id > read)
    stmt = stmt.group_by(key).limit(limit)
    count = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    return int(count or 0)
