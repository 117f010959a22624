"""Keeping the search documents up to date.

Statuses are indexed in the transaction that creates (or edits) them, so a new post is
searchable as soon as it is committed; a status's document goes with it (foreign-key
cascade, and on SQLite the FTS triggers). Accounts are indexed when created or updated.
``sweep`` (run by the periodic discovery job) indexes whatever was written some other way.

This module imports no other domain, so the statuses and accounts domains can call it.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import clock
from gazouille.domains.search.analysis import document_terms, fold, plain_text, words
from gazouille.models import (
    Account,
    AccountSearch,
    MediaAttachment,
    Poll,
    Status,
    StatusSearch,
)

SWEEP_BATCH = 500


async def index_status(session: AsyncSession, status_id: int) -> None:
    """(Re)build the search document of a status: its text, content warning, poll options
    and media descriptions. Reblogs have no text of their own and get no document."""
    status = await session.get(Status, status_id)
    if status is None or status.reblog_of_id is not None:
        return
    texts = [status.spoiler_text or "", status.text or plain_text(status.content or "")]
    if status.has_poll:
        options = (
            await session.execute(select(Poll.options).where(Poll.status_id == status.id))
        ).scalar_one_or_none()
        texts.extend(str(o) for o in options or [])
    if status.has_media:
        texts.extend(
            d
            for d in (
                await session.execute(
                    select(MediaAttachment.description).where(
                        MediaAttachment.status_id == status.id
                    )
                )
            ).scalars()
            if d
        )
    terms = document_terms(texts, status.language)
    await session.execute(delete(StatusSearch).where(StatusSearch.status_id == status.id))
    await session.execute(
        insert(StatusSearch).values(status_id=status.id, account_id=status.account_id, terms=terms)
    )


def account_terms(account: Account) -> str:
    """ " alice alice liddell": each word after a space, so ``LIKE '% ali%'`` is a prefix
    match on any word of the username or the display name."""
    seen: dict[str, None] = {fold(account.username): None}
    for word in words(account.display_name or ""):
        seen.setdefault(fold(word), None)
    return " " + " ".join(seen)


async def index_account(session: AsyncSession, account: Account) -> None:
    await session.execute(delete(AccountSearch).where(AccountSearch.account_id == account.id))
    await session.execute(
        insert(AccountSearch).values(
            account_id=account.id, terms=account_terms(account), indexed_at=clock.now()
        )
    )


async def sweep(session: AsyncSession, batch: int = SWEEP_BATCH) -> int:
    """Index up to ``batch`` statuses and accounts that have no document (or, for accounts,
    an outdated one); returns how many were indexed."""
    status_ids = list(
        (
            await session.execute(
                select(Status.id)
                .where(
                    Status.reblog_of_id.is_(None),
                    ~select(StatusSearch.status_id)
                    .where(StatusSearch.status_id == Status.id)
                    .exists(),
                )
                .order_by(Status.id.desc())
                .limit(batch)
            )
        ).scalars()
    )
    for status_id in status_ids:
        await index_status(session, status_id)
    stale = (
        await session.execute(
            select(Account)
            .outerjoin(AccountSearch, AccountSearch.account_id == Account.id)
            .where(
                or_(
                    AccountSearch.account_id.is_(None),
                    AccountSearch.indexed_at < Account.updated_at,
                )
            )
            .limit(batch)
        )
    ).scalars()
    accounts = list(stale)
    for account in accounts:
        await index_account(session, account)
    return len(status_ids) + len(accounts)
