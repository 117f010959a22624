"""Direct conversations as each participant sees them: the thread, the other participants,
the last status and whether it is unread. A job updates them after a direct status is
posted (tasks.py); this module reads and changes them for their owner."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.db import insert_ignore
from gazouille.core.errors import NotFound
from gazouille.core.ids import new_id
from gazouille.core.pagination import PageParams, newest_first, paginate
from gazouille.domains.relationships.exclusions import notifications_suppressed
from gazouille.domains.statuses.policy import visible_to
from gazouille.domains.statuses.presenters import StatusView, present_statuses
from gazouille.domains.streaming import events as streaming_events
from gazouille.models import Account, AccountConversation, Mention, Status, User


async def add_status(session: AsyncSession, status_id: int) -> None:
    """Put a direct status in the conversation of its author and of each local account it
    mentions, unless that account would not be notified of it (a block, a mute). Running
    it twice changes nothing: a conversation only moves forward to a newer status."""
    status = await session.get(Status, status_id)
    if status is None or status.visibility != "direct" or status.reblog_of_id is not None:
        return
    mentioned = set(
        (await session.execute(select(Mention.account_id).where(Mention.status_id == status.id)))
        .scalars()
        .all()
    )
    participants = mentioned | {status.account_id}
    local = set(
        (await session.execute(select(User.account_id).where(User.account_id.in_(participants))))
        .scalars()
        .all()
    )
    root = status.thread_root_id or status.id
    for account_id in sorted(local):
        if account_id != status.account_id and await notifications_suppressed(
            session, account_id, status.account_id
        ):
            continue
        others = sorted(participants - {account_id})
        unread = account_id != status.account_id
        inserted = await insert_ignore(
            session,
            AccountConversation,
            {
                "id": new_id(),
                "account_id": account_id,
                "thread_root_id": root,
                "participant_ids": others,
                "last_status_id": status.id,
                "unread": unread,
            },
            ["account_id", "thread_root_id"],
        )
        if inserted:
            continue
        row = (
            await session.execute(
                select(AccountConversation).where(
                    AccountConversation.account_id == account_id,
                    AccountConversation.thread_root_id == root,
                )
            )
        ).scalar_one()
        row.participant_ids = sorted(set(row.participant_ids or []) | set(others))
        if row.last_status_id is None or status.id > row.last_status_id:
            row.last_status_id = status.id
            row.unread = unread
    await session.flush()
    touched = await session.execute(
        select(AccountConversation.id, AccountConversation.account_id).where(
            AccountConversation.thread_root_id == root,
            AccountConversation.account_id.in_(local),
            AccountConversation.last_status_id == status.id,
        )
    )
    for conversation_id, owner_id in touched.all():
        streaming_events.conversation_updated(session, owner_id, conversation_id)


async def forget_status(session: AsyncSession, status: Status) -> None:
    """Before a direct status is deleted: each conversation that ends with it falls back to
    the newest other direct status of the thread its owner may see, or goes if none is
    left, as Mastodon does."""
    if status.visibility != "direct":
        return
    root = status.thread_root_id or status.id
    rows = (
        await session.execute(
            select(AccountConversation).where(
                AccountConversation.thread_root_id == root,
                AccountConversation.last_status_id == status.id,
            )
        )
    ).scalars()
    for row in list(rows):
        latest = await session.scalar(
            select(func.max(Status.id)).where(
                or_(Status.thread_root_id == root, Status.id == root),
                Status.id != status.id,
                Status.visibility == "direct",
                visible_to(row.account_id),
            )
        )
        if latest is None:
            await session.execute(
                delete(AccountConversation).where(AccountConversation.id == row.id)
            )
        else:
            row.last_status_id = latest
    await session.flush()


async def list_conversations(
    session: AsyncSession, account_id: int, page: PageParams
) -> list[AccountConversation]:
    """Newest last status first; paginated by the last status's id, as Mastodon does."""
    stmt = select(AccountConversation).where(
        AccountConversation.account_id == account_id,
        AccountConversation.last_status_id.is_not(None),
    )
    column = AccountConversation.last_status_id
    rows = list((await session.execute(paginate(stmt, column, page))).scalars())
    return newest_first(rows, page)


async def access_conversation(
    session: AsyncSession, account_id: int, conversation_id: int | None
) -> AccountConversation:
    row = await session.get(AccountConversation, conversation_id) if conversation_id else None
    if row is None or row.account_id != account_id:
        raise NotFound()
    return row


async def mark_read(session: AsyncSession, row: AccountConversation) -> AccountConversation:
    row.unread = False
    await session.flush()
    return row


async def remove(session: AsyncSession, row: AccountConversation) -> None:
    await session.execute(delete(AccountConversation).where(AccountConversation.id == row.id))


@dataclass
class ConversationView:
    conversation: AccountConversation
    accounts: list[Account]
    last_status: StatusView | None


async def present(
    session: AsyncSession, viewer: Account, rows: Sequence[AccountConversation]
) -> list[ConversationView]:
    """A page of conversations in a fixed number of queries. With no one else in it, the
    viewer is shown as the participant, as Mastodon does."""
    account_ids = {i for r in rows for i in r.participant_ids or []}
    accounts = {}
    if account_ids:
        accounts = {
            a.id: a
            for a in (
                await session.execute(
                    select(Account).where(
                        Account.id.in_(account_ids), Account.suspended_at.is_(None)
                    )
                )
            ).scalars()
        }
    status_ids = {r.last_status_id for r in rows if r.last_status_id}
    statuses: list[Status] = []
    if status_ids:
        statuses = list(
            (
                await session.execute(
                    select(Status).where(Status.id.in_(status_ids), visible_to(viewer.id))
                )
            ).scalars()
        )
    views = {v.status.id: v for v in await present_statuses(session, viewer.id, statuses)}
    result = []
    for row in rows:
        people = [accounts[i] for i in row.participant_ids or [] if i in accounts] or [viewer]
        last = views.get(row.last_status_id) if row.last_status_id else None
        result.append(ConversationView(row, people, last))
    return result
