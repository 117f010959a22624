"""All the SQL of the accounts domain."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import urls
from gazouille.models import Account, User


def acct_key(username: str, domain: str | None) -> str:
    return (username if domain is None else f"{username}@{domain}").lower()


async def get_account(session: AsyncSession, account_id: int) -> Account | None:
    return await session.get(Account, account_id)


async def get_accounts(session: AsyncSession, ids: Iterable[int]) -> dict[int, Account]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = (await session.execute(select(Account).where(Account.id.in_(wanted)))).scalars()
    return {a.id: a for a in rows}


async def find_by_acct(session: AsyncSession, acct: str) -> Account | None:
    """``user``, ``@user``, ``user@this.domain`` or ``user@remote.domain``."""
    acct = acct.strip().lstrip("@")
    username, _, domain = acct.partition("@")
    if not username:
        return None
    key = acct_key(
        username, None if not domain or domain.lower() == urls.local_domain().lower() else domain
    )
    return (
        await session.execute(select(Account).where(Account.acct_key == key))
    ).scalar_one_or_none()


async def user_for_account(session: AsyncSession, account_id: int) -> User | None:
    return (
        await session.execute(select(User).where(User.account_id == account_id))
    ).scalar_one_or_none()


async def find_user_by_login(session: AsyncSession, login: str) -> User | None:
    """A user by e-mail or by username (the password grant and the log-in form accept both)."""
    login = login.strip()
    if "@" in login.lstrip("@") and "." in login.split("@")[-1]:
        user = (
            await session.execute(select(User).where(User.email == login.lower()))
        ).scalar_one_or_none()
        if user is not None:
            return user
    account = await find_by_acct(session, login)
    if account is None or account.domain is not None:
        return None
    return await user_for_account(session, account.id)


async def email_taken(session: AsyncSession, email: str) -> bool:
    return (
        await session.execute(select(User.id).where(User.email == email.lower()))
    ).first() is not None


async def username_taken(session: AsyncSession, username: str) -> bool:
    key = acct_key(username, None)
    return (
        await session.execute(select(Account.id).where(Account.acct_key == key))
    ).first() is not None


async def list_local(session: AsyncSession) -> list[tuple[Account, User]]:
    stmt = select(Account, User).join(User, User.account_id == Account.id).order_by(Account.id)
    return [(a, u) for a, u in (await session.execute(stmt)).all()]
