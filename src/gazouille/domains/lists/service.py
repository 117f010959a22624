"""Lists: named sets of accounts one follows, each with its own timeline. Only the owner sees
a list; anyone else is told it does not exist."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.errors import NotFound, ValidationFailed
from gazouille.core.ids import new_id
from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.domains.relationships.graph import followed_or_requested
from gazouille.models import Account, List, ListAccount

TITLE_MAX = 200
REPLIES_POLICIES = ("followed", "list", "none")
LISTS_PER_ACCOUNT = 50
MEMBERS_PER_REQUEST = 100


@dataclass
class ListChange:
    title: str | None = None
    replies_policy: str | None = None
    exclusive: bool | None = None


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(f"Validation failed: {message}")


def _apply(row: List, change: ListChange) -> None:
    if change.title is not None:
        title = change.title.strip()
        if not title:
            raise _invalid("Title can't be blank")
        if len(title) > TITLE_MAX:
            raise _invalid(f"Title is too long (maximum is {TITLE_MAX} characters)")
        row.title = title
    if change.replies_policy is not None:
        if change.replies_policy not in REPLIES_POLICIES:
            raise _invalid("Replies policy is not included in the list")
        row.replies_policy = change.replies_policy
    if change.exclusive is not None:
        row.exclusive = change.exclusive


async def owned_lists(session: AsyncSession, owner_id: int) -> list[List]:
    stmt = select(List).where(List.account_id == owner_id).order_by(List.id)
    return list((await session.execute(stmt)).scalars())


async def access_list(session: AsyncSession, owner_id: int, list_id: int | None) -> List:
    row = await session.get(List, list_id) if list_id else None
    if row is None or row.account_id != owner_id:
        raise NotFound()
    return row


async def create_list(session: AsyncSession, owner_id: int, change: ListChange) -> List:
    if change.title is None:
        raise _invalid("Title can't be blank")
    count = await session.scalar(
        select(func.count()).select_from(List).where(List.account_id == owner_id)
    )
    if int(count or 0) >= LISTS_PER_ACCOUNT:
        raise _invalid("You have reached the maximum number of lists")
    row = List(id=new_id(), account_id=owner_id, title="", created_at=clock.now())
    _apply(row, change)
    session.add(row)
    await session.flush()
    return row


async def update_list(session: AsyncSession, row: List, change: ListChange) -> List:
    _apply(row, change)
    await session.flush()
    return row


async def delete_list(session: AsyncSession, row: List) -> None:
    await session.execute(delete(List).where(List.id == row.id))


async def members(
    session: AsyncSession, row: List, page: PageParams | None
) -> list[tuple[int, Account]]:
    """(cursor, account) pairs, newest membership first; every member when ``page`` is None."""
    stmt = (
        select(ListAccount.id, Account)
        .join(Account, Account.id == ListAccount.account_id)
        .where(ListAccount.list_id == row.id, Account.suspended_at.is_(None))
    )
    if page is None:
        rows = (await session.execute(stmt.order_by(ListAccount.id.desc()))).all()
        return [(r[0], r[1]) for r in rows]
    rows = (await session.execute(paginate(stmt, ListAccount.id, page))).all()
    return newest_first([(r[0], r[1]) for r in rows], page)


def _acct(account: Account) -> str:
    return account.username if account.domain is None else f"{account.username}@{account.domain}"


async def add_members(session: AsyncSession, row: List, account_ids: Sequence[int]) -> None:
    """All or nothing, as Mastodon: every account must exist and be followed (or asked to
    be followed) by the owner, who may also add themselves."""
    wanted = list(dict.fromkeys(account_ids))[:MEMBERS_PER_REQUEST]
    if not wanted:
        return
    found = {
        a.id: a
        for a in (
            await session.execute(
                select(Account).where(Account.id.in_(wanted), Account.suspended_at.is_(None))
            )
        ).scalars()
    }
    if len(found) != len(wanted):
        raise NotFound()
    followed = await followed_or_requested(session, row.account_id, wanted)
    for account_id in wanted:
        if account_id != row.account_id and account_id not in followed:
            raise _invalid(
                f"You must follow @{_acct(found[account_id])} before adding this account to a list."
            )
    existing = set(
        (
            await session.execute(
                select(ListAccount.account_id).where(
                    ListAccount.list_id == row.id, ListAccount.account_id.in_(wanted)
                )
            )
        ).scalars()
    )
    if existing:
        raise _invalid("Account has already been taken")
    now = clock.now()
    for account_id in wanted:
        session.add(ListAccount(id=new_id(), list_id=row.id, account_id=account_id, created_at=now))
    await session.flush()


async def remove_members(session: AsyncSession, row: List, account_ids: Sequence[int]) -> None:
    if account_ids:
        await session.execute(
            delete(ListAccount).where(
                ListAccount.list_id == row.id, ListAccount.account_id.in_(set(account_ids))
            )
        )


async def lists_containing(session: AsyncSession, owner_id: int, account_id: int) -> list[List]:
    stmt = (
        select(List)
        .join(ListAccount, ListAccount.list_id == List.id)
        .where(List.account_id == owner_id, ListAccount.account_id == account_id)
        .order_by(List.id)
    )
    return list((await session.execute(stmt)).scalars())


async def forget_member(session: AsyncSession, owner_id: int, account_id: int) -> None:
    """Take ``account_id`` out of every list of ``owner_id`` (after an unfollow or a block)."""
    if owner_id == account_id:
        return
    owned = select(List.id).where(List.account_id == owner_id)
    await session.execute(
        delete(ListAccount).where(
            ListAccount.account_id == account_id, ListAccount.list_id.in_(owned)
        )
    )
