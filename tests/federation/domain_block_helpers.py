"""Helpers of the domain block tests: an admin's token with the admin scopes, remote
accounts and their statuses inserted as rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from gazouille.core.ids import new_id
from gazouille.models import Account, Status, User
from tests.conftest import Api

ADMIN_SCOPES = "read write follow admin:read admin:write"


async def make_admin(db: Any, username: str) -> None:
    async with db.write() as session:
        account_id = select(Account.id).where(Account.username == username).scalar_subquery()
        await session.execute(
            update(User).where(User.account_id == account_id).values(role="admin")
        )


async def scoped_token(api: Api, username: str, scope: str = ADMIN_SCOPES) -> str:
    """A password-grant token of ``username`` with ``scope``, from an app allowed the admin
    scopes."""
    r = await api.post(
        "/api/v1/apps",
        json={
            "client_name": "admin tests",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": ADMIN_SCOPES,
        },
    )
    assert r.status_code == 200, r.text
    r = await api.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": r.json()["client_id"],
            "client_secret": r.json()["client_secret"],
            "username": f"{username}@example.com",
            "password": "correct horse",
            "scope": scope,
        },
    )
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


async def admin_token(api: Api, db: Any, username: str = "moderna") -> str:
    await api.register(username)
    await make_admin(db, username)
    return await scoped_token(api, username)


async def remote_account(db: Any, username: str, domain: str, **extra: Any) -> Account:
    async with db.write() as session:
        account = Account(
            id=new_id(),
            username=username,
            domain=domain,
            acct_key=f"{username}@{domain}".lower(),
            uri=f"https://{domain}/users/{username}",
            url=f"https://{domain}/@{username}",
            **extra,
        )
        session.add(account)
    return account


async def remote_status(db: Any, author: Account, text: str, **extra: Any) -> Status:
    async with db.write() as session:
        status_id = new_id()
        status = Status(
            id=status_id,
            account_id=author.id,
            uri=f"{author.uri}/statuses/{status_id}",
            content=f"<p>{text}</p>",
            text=text,
            visibility="public",
            local=False,
            **extra,
        )
        session.add(status)
    return status


async def reload(db: Any, account: Account) -> Account:
    async with db.read() as session:
        found = await session.get(Account, account.id)
    assert found is not None
    return found
