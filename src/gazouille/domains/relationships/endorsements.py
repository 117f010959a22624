"""Endorsements (accounts featured on one's profile) and familiar followers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from gazouille.core import clock
from gazouille.core.db import insert_ignore
from gazouille.core.errors import ValidationFailed
from gazouille.core.ids import new_id
from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.domains.relationships.graph import is_following
from gazouille.models import Account, Endorsement, Follow


async def endorse(session: AsyncSession, actor: Account, target: Account) -> None:
    """Feature ``target`` on the actor's profile; only an account one follows, as Mastodon."""
    if not await is_following(session, actor.id, target.id):
        raise ValidationFailed(
            "Validation failed: You must be already following the person you want to endorse"
        )
    await insert_ignore(
        session,
        Endorsement,
        {
            "id": new_id(),
            "account_id": actor.id,
            "target_account_id": target.id,
            "created_at": clock.now(),
        },
        ["account_id", "target_account_id"],
    )


async def unendorse(session: AsyncSession, actor: Account, target: Account) -> None:
    await session.execute(
        delete(Endorsement).where(
            Endorsement.account_id == actor.id, Endorsement.target_account_id == target.id
        )
    )


async def endorsed_accounts(
    session: AsyncSession, account_id: int, page: PageParams
) -> list[tuple[int, Account]]:
    """(cursor, account) pairs, newest endorsement first."""
    stmt = (
        select(Endorsement.id, Account)
        .join(Account, Account.id == Endorsement.target_account_id)
        .where(Endorsement.account_id == account_id, Account.suspended_at.is_(None))
    )
    rows = (await session.execute(paginate(stmt, Endorsement.id, page))).all()
    return newest_first([(r[0], r[1]) for r in rows], page)


async def familiar_followers(
    session: AsyncSession, viewer_id: int, account_ids: Sequence[int]
) -> dict[int, list[Account]]:
    """For each account, those of its followers that the viewer follows (in one query).
    Followers who hide their collections are left out, as in Mastodon."""
    if not account_ids:
        return {}
    theirs = aliased(Follow)
    mine = select(Follow.target_account_id).where(Follow.account_id == viewer_id)
    rows = await session.execute(
        select(theirs.target_account_id, Account)
        .join(Account, Account.id == theirs.account_id)
        .where(
            theirs.target_account_id.in_(set(account_ids)),
            theirs.account_id.in_(mine),
            theirs.account_id != viewer_id,
            Account.hide_collections.is_(False),
            Account.suspended_at.is_(None),
        )
        .order_by(theirs.id.desc())
    )
    result: dict[int, list[Account]] = defaultdict(list)
    for target_id, account in rows.all():
        result[target_id].append(account)
    return result
