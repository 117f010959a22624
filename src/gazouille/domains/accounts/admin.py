"""The admin's view of local accounts: the list (pending sign-ups first) and approval."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.errors import NotFound
from gazouille.domains.accounts.service import approve
from gazouille.models import Account, User


async def local_accounts(
    session: AsyncSession, *, pending_only: bool = False, limit: int = 200
) -> list[tuple[Account, User]]:
    stmt = select(Account, User).join(User, User.account_id == Account.id)
    if pending_only:
        stmt = stmt.where(User.approved.is_(False))
    stmt = stmt.order_by(User.approved, Account.id.desc()).limit(limit)
    return [(a, u) for a, u in (await session.execute(stmt)).all()]


async def approve_account(session: AsyncSession, account_id: int | None) -> User:
    user = (
        await session.execute(select(User).where(User.account_id == account_id))
    ).scalar_one_or_none()
    if account_id is None or user is None:
        raise NotFound()
    await approve(session, user)
    return user


def can_moderate(user: User) -> bool:
    """Approve sign-ups and read the undelivered e-mail: moderators and admins."""
    return user.role in ("moderator", "admin")


def can_administer(user: User) -> bool:
    """Change the instance's settings: admins only."""
    return user.role == "admin"
