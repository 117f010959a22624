"""What follows between a local and a remote account must tell the remote server: our Follow
(and its Undo), and our answer to theirs (Accept, Reject). Called by the relationships
service at the points where these happen; each is a no-op between two local accounts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.domains.federation.events import emit, federates
from gazouille.models import Account, Follow, FollowRequest


def follow_uri(actor: Account, row_id: int) -> str:
    return f"{actor.uri}#follows/{row_id}"


def asks_remote(actor: Account, target: Account) -> bool:
    """A local account following a remote one: a request until the remote server accepts,
    whatever the target's ``locked`` says (its server decides)."""
    return target.domain is not None and federates(actor)


async def request_sent(
    session: AsyncSession, actor: Account, target: Account, request: FollowRequest
) -> None:
    request.uri = request.uri or follow_uri(actor, request.id)
    await session.flush()
    await emit(
        session,
        "follow.requested",
        {"account_id": actor.id, "target_id": target.id, "uri": request.uri},
    )


async def _edge_uri(session: AsyncSession, follower_id: int, target_id: int) -> str | None:
    for model in (Follow, FollowRequest):
        row = (
            await session.execute(
                select(model.id, model.uri).where(
                    model.account_id == follower_id, model.target_account_id == target_id
                )
            )
        ).first()
        if row is not None:
            return row[1] or ""
    return None


async def undo_sent(session: AsyncSession, actor: Account, target: Account) -> None:
    """Before a local account's follow (or request) of a remote one goes."""
    if not asks_remote(actor, target):
        return
    uri = await _edge_uri(session, actor.id, target.id)
    if uri:
        await emit(
            session, "follow.undone", {"account_id": actor.id, "target_id": target.id, "uri": uri}
        )


async def _remote(session: AsyncSession, account_id: int) -> Account | None:
    account = await session.get(Account, account_id)
    return account if account is not None and account.domain is not None else None


async def accepted(
    session: AsyncSession, follower: Account | int, target: Account, follow: Follow
) -> None:
    """A remote account now follows a local one (unlocked, or its request authorized)."""
    if not federates(target):
        return
    if isinstance(follower, int):
        found = await _remote(session, follower)
        if found is None:
            return
        follower = found
    if follower.domain is None:
        return
    await emit(
        session,
        "follow.accepted",
        {
            "account_id": follower.id,
            "target_id": target.id,
            "uri": follow.uri,
            "follow_id": follow.id,
        },
    )


async def rejected(session: AsyncSession, follower_id: int, target: Account) -> None:
    """Before a remote account's request (or follow) of a local one is refused or removed."""
    if not federates(target) or await _remote(session, follower_id) is None:
        return
    uri = await _edge_uri(session, follower_id, target.id)
    if uri is not None:
        await emit(
            session,
            "follow.rejected",
            {"account_id": follower_id, "target_id": target.id, "uri": uri or None},
        )
