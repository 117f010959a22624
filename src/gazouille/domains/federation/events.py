"""Local events that other servers must hear about. A domain service that did something
federated calls ``emit`` inside its transaction: one ``federation.publish`` job row, nothing
more, so posting stays fast. The job (``gazouille.federation.publish``) turns the event into
an activity and its deliveries, after the commit.

Events and their payloads (ids are local database ids):

- ``status.created`` / ``status.updated``: ``status_id``
- ``status.deleted``: ``status_id``, ``account_id``, ``uri``, ``visibility``, ``mentioned``
  (account ids), ``reply_to_account_id`` (the row is gone when the job runs)
- ``status.favourited`` / ``status.unfavourited``: ``account_id``, ``status_id``, ``favourite_id``
- ``status.reblogged``: ``reblog_id``; ``status.unreblogged``: ``account_id``, ``status_id``,
  ``uri`` (of the reblog), ``visibility``
- ``status.pinned`` / ``status.unpinned``: ``account_id``, ``status_id``
- ``follow.requested`` / ``follow.undone``: ``account_id``, ``target_id``, ``uri``
- ``follow.accepted`` / ``follow.rejected``: ``account_id`` (remote follower), ``target_id``
  (local), ``uri`` (the follower's Follow id, may be None)
- ``account.blocked`` / ``account.unblocked``: ``account_id``, ``target_id``, ``block_id``
- ``account.updated``: ``account_id``
- ``account.deleted``: ``account_id``, ``uri``, ``key_id``, ``private_key``, ``inboxes``
- ``poll.voted``: ``account_id``, ``poll_id``, ``vote_ids``
- ``poll.updated``: ``status_id`` (a local poll's tallies changed after remote votes)
- ``report.forwarded``: ``report_id``
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.config import get_settings
from gazouille.core import clock
from gazouille.models import Account, Follow
from gazouille.worker.queue import enqueue

PUBLISH_JOB = "federation.publish"


def enabled() -> bool:
    return get_settings().federation


def federates(account: Account) -> bool:
    """Whether an action by ``account`` must be published: federation is on and it is ours."""
    return account.domain is None and enabled()


async def emit(
    session: AsyncSession,
    event: str,
    payload: dict[str, Any],
    *,
    dedupe_key: str | None = None,
    delay: timedelta | None = None,
) -> None:
    """Queue the publication of ``event`` in the caller's transaction (no-op when federation
    is off). ``dedupe_key`` collapses repeated events still waiting (profile saves, poll
    tallies); ``delay`` lets such bursts gather first."""
    if not enabled():
        return
    await enqueue(
        session,
        PUBLISH_JOB,
        {"event": event, **payload},
        run_at=clock.now() + delay if delay else None,
        dedupe_key=f"{PUBLISH_JOB}:{dedupe_key}" if dedupe_key else None,
        max_attempts=5,
    )


async def emit_as(
    session: AsyncSession, actor: Account, event: str, payload: dict[str, Any], **kwargs: Any
) -> None:
    """``emit`` when the acting account is local."""
    if federates(actor):
        await emit(session, event, payload, **kwargs)


async def account_deleted(session: AsyncSession, account: Account) -> None:
    """Before a local account is deleted: its Delete must reach the servers of its followers
    and of those it follows, signed with its key; both are gone when the job runs, so the
    payload carries them. An account that never federated (no key) tells nobody."""
    if not federates(account) or not account.private_key:
        return
    linked = union(
        select(Follow.account_id.label("id")).where(Follow.target_account_id == account.id),
        select(Follow.target_account_id.label("id")).where(Follow.account_id == account.id),
    ).subquery()
    rows = await session.execute(
        select(func.coalesce(Account.shared_inbox_url, Account.inbox_url))
        .where(Account.id.in_(select(linked.c.id)), Account.domain.is_not(None))
        .distinct()
    )
    inboxes = sorted({r for r in rows.scalars() if r})
    if not inboxes:
        return
    await emit(
        session,
        "account.deleted",
        {
            "account_id": account.id,
            "uri": account.uri,
            "key_id": account.key_id or f"{account.uri}#main-key",
            "private_key": account.private_key,
            "inboxes": inboxes,
        },
    )
