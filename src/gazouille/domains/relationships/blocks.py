"""Blocking accounts and, for one's own reading, whole domains."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.core.db import insert_ignore
from gazouille.core.errors import ValidationFailed
from gazouille.core.ids import new_id
from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.core.urls import local_domain
from gazouille.domains.federation import events as federation
from gazouille.domains.notifications import service as notifications
from gazouille.domains.relationships.service import remove_from_followers, sever_both_ways
from gazouille.models import Account, Block, Follow, UserDomainBlock

MAX_DOMAIN = 255


async def block(session: AsyncSession, actor: Account, target: Account) -> None:
    """Block ``target``: follows and requests go both ways, and so do the notifications it
    caused the actor. Blocking oneself does nothing, as in Mastodon."""
    if actor.id == target.id:
        return
    await sever_both_ways(session, actor, target)
    block_id = new_id()
    inserted = await insert_ignore(
        session,
        Block,
        {
            "id": block_id,
            "account_id": actor.id,
            "target_account_id": target.id,
            "created_at": clock.now(),
        },
        ["account_id", "target_account_id"],
    )
    await notifications.clear_from(session, actor.id, target.id)
    if inserted and target.domain is not None:
        payload = {"account_id": actor.id, "target_id": target.id, "block_id": block_id}
        await federation.emit_as(session, actor, "account.blocked", payload)


async def unblock(session: AsyncSession, actor: Account, target: Account) -> None:
    mine = (Block.account_id == actor.id, Block.target_account_id == target.id)
    block_id = None
    if target.domain is not None and federation.federates(actor):
        block_id = await session.scalar(select(Block.id).where(*mine))
    await session.execute(delete(Block).where(*mine))
    if block_id is not None:
        payload = {"account_id": actor.id, "target_id": target.id, "block_id": block_id}
        await federation.emit(session, "account.unblocked", payload)


async def blocked_accounts(
    session: AsyncSession, account_id: int, page: PageParams
) -> list[tuple[int, Account]]:
    """(cursor, account) pairs, newest block first."""
    stmt = (
        select(Block.id, Account)
        .join(Account, Account.id == Block.target_account_id)
        .where(Block.account_id == account_id, Account.suspended_at.is_(None))
    )
    rows = (await session.execute(paginate(stmt, Block.id, page))).all()
    return newest_first([(r[0], r[1]) for r in rows], page)


def normalize_domain(raw: str) -> str:
    """``Example.COM``, ``https://example.com/`` or ``bücher.example`` → the stored form
    (lower-case, punycode); 422 when it cannot be a domain."""
    value = raw.strip().lower()
    if "://" in value:
        value = value.split("://", 1)[1]
    value = value.split("/", 1)[0].strip(".")
    if not value:
        raise ValidationFailed("Validation failed: Domain can't be blank")
    try:
        value = value.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationFailed("Validation failed: Domain is not a valid domain name") from None
    labels = value.split(".")
    if len(value) > MAX_DOMAIN or any(
        not label or len(label) > 63 or not all(c.isalnum() or c in "-:" for c in label)
        for label in labels
    ):
        raise ValidationFailed("Validation failed: Domain is not a valid domain name")
    return value


async def block_domain(session: AsyncSession, actor: Account, raw_domain: str) -> None:
    """Hide a remote domain; its accounts that follow the actor stop following, as Mastodon
    does (the actor's own follows of them stay)."""
    domain = normalize_domain(raw_domain)
    if domain == local_domain().lower():
        raise ValidationFailed("Validation failed: Domain can't be the local domain")
    await insert_ignore(
        session,
        UserDomainBlock,
        {"id": new_id(), "account_id": actor.id, "domain": domain, "created_at": clock.now()},
        ["account_id", "domain"],
    )
    followers = await session.execute(
        select(Follow.account_id)
        .join(Account, Account.id == Follow.account_id)
        .where(Follow.target_account_id == actor.id, Account.domain == domain)
    )
    for follower_id in list(followers.scalars()):
        await remove_from_followers(session, actor, follower_id)


async def unblock_domain(session: AsyncSession, actor: Account, raw_domain: str) -> None:
    domain = normalize_domain(raw_domain)
    await session.execute(
        delete(UserDomainBlock).where(
            UserDomainBlock.account_id == actor.id, UserDomainBlock.domain == domain
        )
    )


async def blocked_domains(
    session: AsyncSession, account_id: int, page: PageParams
) -> list[tuple[int, str]]:
    stmt = select(UserDomainBlock.id, UserDomainBlock.domain).where(
        UserDomainBlock.account_id == account_id
    )
    rows = (await session.execute(paginate(stmt, UserDomainBlock.id, page))).all()
    return newest_first([(r[0], r[1]) for r in rows], page)
