"""Read-only questions about the follow graph, for other domains (lists, endorsements,
familiar followers). Kept apart from service.py so that those domains can ask them without
importing the use cases that, in turn, clean up after them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.models import Follow, FollowRequest


async def followed_or_requested(
    session: AsyncSession, account_id: int, target_ids: Iterable[int]
) -> set[int]:
    """The targets that ``account_id`` follows or has asked to follow."""
    wanted = set(target_ids)
    if not wanted:
        return set()
    follows = select(Follow.target_account_id).where(
        Follow.account_id == account_id, Follow.target_account_id.in_(wanted)
    )
    requests = select(FollowRequest.target_account_id).where(
        FollowRequest.account_id == account_id, FollowRequest.target_account_id.in_(wanted)
    )
    return set((await session.execute(follows.union(requests))).scalars())


async def is_following(session: AsyncSession, account_id: int, target_id: int) -> bool:
    row = await session.execute(
        select(Follow.id).where(
            Follow.account_id == account_id, Follow.target_account_id == target_id
        )
    )
    return row.first() is not None
