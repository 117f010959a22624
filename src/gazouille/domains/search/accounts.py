"""Account search: an exact ``user`` / ``@user`` / ``user@domain`` match first, then
accounts with a username, domain or display-name word starting with each query word
(accents and case ignored), followed accounts first, then the most followed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core import urls
from gazouille.domains.accounts import service as accounts
from gazouille.domains.search.analysis import fold, words
from gazouille.models import Account, AccountSearch, Follow, User

ACCT_RE = re.compile(r"[A-Za-z0-9_]+([A-Za-z0-9_.-]+[A-Za-z0-9_])?(@[A-Za-z0-9.-]+(:\d{1,5})?)?")
MIN_ANONYMOUS_QUERY = 3  # shorter anonymous queries only get the exact match, as on Mastodon
MAX_WORDS = 5


@dataclass
class AccountQuery:
    text: str
    limit: int = 20
    offset: int = 0
    following: bool = False


def searchable() -> ColumnElement[bool]:
    """Not suspended; a local account only once its sign-up was approved."""
    approved = exists().where(User.account_id == Account.id, User.approved.is_(True))
    return and_(Account.suspended_at.is_(None), or_(Account.domain.is_not(None), approved))


async def _follows(session: AsyncSession, viewer_id: int, target_id: int) -> bool:
    found = await session.execute(
        select(Follow.id).where(
            Follow.account_id == viewer_id, Follow.target_account_id == target_id
        )
    )
    return found.first() is not None


async def _exact_match(
    session: AsyncSession, viewer_id: int | None, text: str, following: bool
) -> Account | None:
    if not ACCT_RE.fullmatch(text):
        return None
    account = await accounts.find_by_acct(session, text)
    if account is None or account.suspended_at is not None:
        return None
    if following and (viewer_id is None or not await _follows(session, viewer_id, account.id)):
        return None
    return account


async def search_accounts(
    session: AsyncSession, viewer_id: int | None, query: AccountQuery
) -> list[Account]:
    text = query.text.strip().removeprefix("@")
    if not text or query.limit < 1:
        return []
    exact = None
    if not query.offset:
        exact = await _exact_match(session, viewer_id, text, query.following)
    results = [exact] if exact else []
    limit = query.limit - len(results)
    if viewer_id is None and len(text) < MIN_ANONYMOUS_QUERY:
        limit = 0
    username, _, domain = text.partition("@")
    if domain and domain.lower() == urls.local_domain().lower():
        text = username
    prefixes = [fold(w) for w in words(text)][:MAX_WORDS]
    if limit > 0 and prefixes:
        stmt = (
            select(Account)
            .join(AccountSearch, AccountSearch.account_id == Account.id)
            .where(searchable(), *[AccountSearch.terms.like(f"% {p}%") for p in prefixes])
        )
        if exact is not None:
            stmt = stmt.where(Account.id != exact.id)
        order = [Account.followers_count.desc(), Account.id]
        if viewer_id is not None:
            followed = exists().where(
                Follow.account_id == viewer_id, Follow.target_account_id == Account.id
            )
            if query.following:
                stmt = stmt.where(followed)
            else:
                order.insert(0, followed.desc())
        rows = await session.execute(stmt.order_by(*order).limit(limit).offset(query.offset))
        results.extend(rows.scalars())
    return results
