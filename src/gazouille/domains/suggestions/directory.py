"""The profile directory: discoverable accounts, most recently active or newest first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.domains.relationships.exclusions import account_hidden
from gazouille.models import Account, User


@dataclass
class DirectoryQuery:
    order: str = "active"  # active | new
    local: bool = False
    limit: int = 40
    offset: int = 0


async def directory(
    session: AsyncSession, viewer_id: int | None, query: DirectoryQuery
) -> list[Account]:
    approved = exists().where(User.account_id == Account.id, User.approved.is_(True))
    stmt = select(Account).where(
        Account.discoverable.is_(True),
        Account.suspended_at.is_(None),
        or_(Account.domain.is_not(None), approved),
    )
    if query.local:
        stmt = stmt.where(Account.domain.is_(None))
    if viewer_id is not None:
        stmt = stmt.where(~account_hidden(viewer_id, Account.id))
    if query.order == "new":
        stmt = stmt.order_by(Account.id.desc())
    else:
        # Accounts that never posted come last (NULLs sort differently across backends).
        stmt = stmt.order_by(
            Account.last_status_at.is_(None), Account.last_status_at.desc(), Account.id.desc()
        )
    rows = await session.execute(stmt.limit(query.limit).offset(query.offset))
    return list(rows.scalars())
