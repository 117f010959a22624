"""Who to follow: friends of friends (accounts followed by the accounts you follow, most
shared first), then recently active local accounts. Never yourself, accounts you follow or
asked to follow, accounts you dismissed, blocked or muted, nor accounts that are not
discoverable, suspended or awaiting approval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from gazouille.core import clock
from gazouille.core.db import insert_ignore
from gazouille.core.ids import new_id
from gazouille.domains.relationships.exclusions import account_hidden
from gazouille.models import Account, Follow, FollowRequest, SuggestionDismissal, User

FRIENDS_OF_FRIENDS = "friends_of_friends"
ACTIVE = "most_interactions"
ACTIVE_WINDOW = timedelta(days=30)


@dataclass
class Suggestion:
    account: Account
    source: str


def suggestible(viewer_id: int) -> Any:
    """A WHERE clause on Account: may be suggested to ``viewer_id``."""
    approved = exists().where(User.account_id == Account.id, User.approved.is_(True))
    return and_(
        Account.id != viewer_id,
        Account.discoverable.is_(True),
        Account.suspended_at.is_(None),
        or_(Account.domain.is_not(None), approved),
        ~exists().where(Follow.account_id == viewer_id, Follow.target_account_id == Account.id),
        ~exists().where(
            FollowRequest.account_id == viewer_id, FollowRequest.target_account_id == Account.id
        ),
        ~exists().where(
            SuggestionDismissal.account_id == viewer_id,
            SuggestionDismissal.target_account_id == Account.id,
        ),
        ~account_hidden(viewer_id, Account.id),
    )


async def suggestions(session: AsyncSession, viewer_id: int, limit: int) -> list[Suggestion]:
    found: list[Suggestion] = []
    friends = select(Follow.target_account_id).where(Follow.account_id == viewer_id)
    # An alias, so that suggestible()'s own subqueries on follows stay uncorrelated.
    their_follow = aliased(Follow)
    shared = func.count(their_follow.id).label("shared")
    rows = await session.execute(
        select(Account, shared)
        .join(their_follow, their_follow.target_account_id == Account.id)
        .where(their_follow.account_id.in_(friends), suggestible(viewer_id))
        .group_by(Account.id)
        .order_by(shared.desc(), Account.followers_count.desc(), Account.id)
        .limit(limit)
    )
    found.extend(Suggestion(account, FRIENDS_OF_FRIENDS) for account, _ in rows.all())
    if len(found) < limit:
        rows = await session.execute(
            select(Account)
            .where(
                Account.domain.is_(None),
                Account.last_status_at >= clock.now() - ACTIVE_WINDOW,
                Account.id.not_in([s.account.id for s in found] or [0]),
                suggestible(viewer_id),
            )
            .order_by(Account.last_status_at.desc(), Account.id)
            .limit(limit - len(found))
        )
        found.extend(Suggestion(account, ACTIVE) for account in rows.scalars())
    return found


async def dismiss(session: AsyncSession, viewer_id: int, account_id: int) -> None:
    await insert_ignore(
        session,
        SuggestionDismissal,
        {
            "id": new_id(),
            "account_id": viewer_id,
            "target_account_id": account_id,
            "created_at": clock.now(),
        },
        ["account_id", "target_account_id"],
    )
