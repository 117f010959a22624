"""Who must receive an activity: the inboxes of remote accounts, each server's shared inbox
when it has one (one delivery per server instead of one per follower), deduplicated.

Visibility is the rule: a public or unlisted post goes to the servers of the author's
followers, of the mentioned accounts and of the replied-to author; a followers-only post to
the followers' servers and the mentioned accounts (they are addressed, and our visibility
rule lets them read it); a direct post to the mentioned accounts only. An account that
blocks the author, or that the author blocks, receives nothing."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.models import Account, Block, Follow, PollVote

PREFERRED_INBOX = func.coalesce(Account.shared_inbox_url, Account.inbox_url)


def inbox_of(account: Account) -> str | None:
    """A remote account's preferred inbox; None for a local one."""
    if account.domain is None:
        return None
    return account.shared_inbox_url or account.inbox_url


def personal_inbox(account: Account) -> str | None:
    return account.inbox_url if account.domain is not None else None


def _clean(inboxes: Iterable[str | None]) -> list[str]:
    return sorted({i for i in inboxes if i and i.startswith(("https://", "http://"))})


async def follower_inboxes(session: AsyncSession, account_id: int) -> set[str]:
    rows = await session.execute(
        select(PREFERRED_INBOX)
        .select_from(Follow)
        .join(Account, Account.id == Follow.account_id)
        .where(
            Follow.target_account_id == account_id,
            Account.domain.is_not(None),
            Account.suspended_at.is_(None),
        )
        .distinct()
    )
    return {r for r in rows.scalars() if r}


async def following_inboxes(session: AsyncSession, account_id: int) -> set[str]:
    rows = await session.execute(
        select(PREFERRED_INBOX)
        .select_from(Follow)
        .join(Account, Account.id == Follow.target_account_id)
        .where(Follow.account_id == account_id, Account.domain.is_not(None))
        .distinct()
    )
    return {r for r in rows.scalars() if r}


async def voter_inboxes(session: AsyncSession, poll_id: int) -> set[str]:
    rows = await session.execute(
        select(PREFERRED_INBOX)
        .select_from(PollVote)
        .join(Account, Account.id == PollVote.account_id)
        .where(PollVote.poll_id == poll_id, Account.domain.is_not(None))
        .distinct()
    )
    return {r for r in rows.scalars() if r}


async def _blocked_between(session: AsyncSession, author_id: int, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    rows = await session.execute(
        select(Block.account_id, Block.target_account_id).where(
            or_(
                (Block.account_id == author_id) & Block.target_account_id.in_(ids),
                (Block.target_account_id == author_id) & Block.account_id.in_(ids),
            )
        )
    )
    return {a if a != author_id else t for a, t in rows.all()}


async def direct_inboxes(session: AsyncSession, author_id: int, account_ids: set[int]) -> set[str]:
    """The preferred inboxes of these accounts (remote, not suspended, no block with the
    author either way)."""
    wanted = set(account_ids) - {author_id}
    wanted -= await _blocked_between(session, author_id, wanted)
    if not wanted:
        return set()
    rows = await session.execute(
        select(PREFERRED_INBOX).where(
            Account.id.in_(wanted), Account.domain.is_not(None), Account.suspended_at.is_(None)
        )
    )
    return {r for r in rows.scalars() if r}


async def status_inboxes(
    session: AsyncSession,
    author_id: int,
    visibility: str,
    mentioned: Iterable[int],
    reply_to_account_id: int | None,
) -> list[str]:
    """The inboxes a post (its Create, Update or Delete) goes to."""
    explicit = set(mentioned)
    if visibility in ("public", "unlisted") and reply_to_account_id is not None:
        explicit.add(reply_to_account_id)
    inboxes = await direct_inboxes(session, author_id, explicit)
    if visibility != "direct":
        inboxes |= await follower_inboxes(session, author_id)
    return _clean(inboxes)


async def account_inboxes(session: AsyncSession, account_id: int) -> list[str]:
    """Followers' servers: where profile changes and pins go."""
    return _clean(await follower_inboxes(session, account_id))


async def everyone_known(session: AsyncSession, account_id: int) -> list[str]:
    """Followers' and followed accounts' servers: where an account's deletion goes."""
    return _clean(
        await follower_inboxes(session, account_id) | await following_inboxes(session, account_id)
    )


def single(account: Account | None) -> list[str]:
    """One remote account's preferred inbox (or nothing)."""
    return _clean([inbox_of(account)] if account is not None else [])
