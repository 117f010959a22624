"""Relationships as remote servers name them: follows and blocks found by the ActivityPub
id of the activity that made them (an Accept, Reject or Undo may give only that id)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.models import Account, Block, Follow, FollowRequest


async def follow_by_uri(
    session: AsyncSession, uri: str | None, target_id: int | None
) -> tuple[FollowRequest | None, Follow | None]:
    """The pending request and the follow whose Follow activity had id ``uri`` (and, when
    given, whose target is ``target_id``)."""
    if not uri:
        return None, None
    request_stmt = select(FollowRequest).where(FollowRequest.uri == uri)
    follow_stmt = select(Follow).where(Follow.uri == uri)
    if target_id is not None:
        request_stmt = request_stmt.where(FollowRequest.target_account_id == target_id)
        follow_stmt = follow_stmt.where(Follow.target_account_id == target_id)
    request = (await session.execute(request_stmt.limit(1))).scalar()
    follow = (await session.execute(follow_stmt.limit(1))).scalar()
    return request, follow


async def set_block_uri(
    session: AsyncSession, actor: Account, target: Account, uri: str | None
) -> None:
    if uri:
        await session.execute(
            update(Block)
            .where(Block.account_id == actor.id, Block.target_account_id == target.id)
            .values(uri=uri[:2048])
        )


async def blocked_by_uri(session: AsyncSession, actor: Account, uri: str | None) -> Account | None:
    """The account ``actor`` blocked with the Block activity ``uri``."""
    if not uri:
        return None
    target_id = (
        await session.execute(
            select(Block.target_account_id).where(Block.account_id == actor.id, Block.uri == uri)
        )
    ).scalar()
    return await session.get(Account, target_id) if target_id is not None else None
