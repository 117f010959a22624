"""``GET /api/v2/search`` as a use case: which kinds of results a query asks for, following
Mastodon's rules, and the search of each kind."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.errors import NotFound
from gazouille.domains.search.accounts import AccountQuery, search_accounts
from gazouille.domains.search.statuses import StatusQuery, search_statuses, tagged_statuses
from gazouille.domains.statuses.policy import access_status
from gazouille.domains.tags import service as tags
from gazouille.models import Account, Status, Tag

TYPES = ("accounts", "hashtags", "statuses")
URL_QUERY = re.compile(r"\Ahttps?://", re.IGNORECASE)
SINGLE_TAG = re.compile(r"\A#(\w+)\Z")


@dataclass
class SearchRequest:
    q: str
    type: str | None = None
    resolve: bool = False
    following: bool = False
    account_id: int | None = None
    limit: int = 20
    offset: int = 0
    max_id: int | None = None
    min_id: int | None = None
    # What the federation resolver fetched for a URL query (``resolve``), if anything.
    resolved_account_id: int | None = None
    resolved_status_id: int | None = None


@dataclass
class SearchResult:
    accounts: list[Account] = field(default_factory=list)
    hashtags: list[Tag] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)


async def search(
    session: AsyncSession, viewer_id: int | None, request: SearchRequest
) -> SearchResult:
    """Accounts unless the query is a hashtag (or a mention followed by more words);
    hashtags unless it holds an ``@``; statuses for a signed-in viewer unless it is a
    lone mention. A lone ``#tag`` finds the statuses carrying that tag. With
    ``resolve``, a URL finds what its server answered (fetched beforehand by the door,
    outside any transaction), if the viewer may see it. The offset only applies to a search
    of one type."""
    q = request.q.strip()
    result = SearchResult()
    if not q or request.limit < 1:
        return result
    if request.resolve and URL_QUERY.match(q):
        return await _by_url(session, viewer_id, request)
    offset = request.offset if request.type else 0
    wants = request.type or None
    single_word = " " not in q
    if wants in (None, "accounts") and not (q.startswith("#") or ("@" in q and not single_word)):
        result.accounts = await search_accounts(
            session,
            viewer_id,
            AccountQuery(q, limit=request.limit, offset=offset, following=request.following),
        )
    if wants in (None, "hashtags") and "@" not in q:
        result.hashtags = await tags.search_tags(session, q, limit=request.limit, offset=offset)
    if wants in (None, "statuses") and viewer_id is not None:
        query = StatusQuery(
            q,
            account_id=request.account_id,
            limit=request.limit,
            offset=offset,
            max_id=request.max_id,
            min_id=request.min_id,
        )
        if match := SINGLE_TAG.match(q):
            found = await tags.find_tags(session, [match.group(1)])
            result.statuses = await tagged_statuses(
                session, viewer_id, [t.id for t in found], query
            )
        elif not ("@" in q and single_word):
            result.statuses = await search_statuses(session, viewer_id, query)
    return result


async def _by_url(
    session: AsyncSession, viewer_id: int | None, request: SearchRequest
) -> SearchResult:
    """A URL names one account or one post: the one resolved, or a local one it points to."""
    result = SearchResult()
    if request.resolved_status_id is not None and request.type in (None, "statuses"):
        with contextlib.suppress(NotFound):
            status = await access_status(session, viewer_id, request.resolved_status_id)
            result.statuses = [status]
    if request.resolved_account_id is not None and request.type in (None, "accounts"):
        account = await session.get(Account, request.resolved_account_id)
        if account is not None and account.suspended_at is None:
            result.accounts = [account]
    return result
