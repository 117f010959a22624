"""The port through which the doors (API search, web search, remote follow) ask for a remote
account or post they do not know yet. The ActivityPub door installs the implementation at
start-up (``main``); without federation there is none and lookups stay local.

Implementations fetch over HTTP and must be called outside any database transaction."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Protocol

from gazouille.core import urls
from gazouille.core.ids import parse_id

log = logging.getLogger(__name__)


class RemoteResolver(Protocol):
    async def resolve_account(self, query: str) -> int | None:
        """``user@domain`` (``@`` prefix and ``acct:`` allowed) or an actor/profile URL →
        the id of the stored (created or refreshed) account, or None if it cannot be had."""

    async def resolve_status(self, url: str) -> int | None:
        """A post's URI or URL → the id of the stored status (its author stored too)."""


_resolver: RemoteResolver | None = None


def set_resolver(resolver: RemoteResolver | None) -> None:
    global _resolver
    _resolver = resolver


def get_resolver() -> RemoteResolver | None:
    return _resolver


def looks_remote(query: str, local_domain: str) -> bool:
    """Whether a search query names something another server would have to answer."""
    q = query.strip().removeprefix("acct:").lstrip("@")
    if q.startswith(("https://", "http://")):
        return q.split("/", 3)[2].lower() != local_domain.lower()
    if "@" in q and " " not in q:
        domain = q.rsplit("@", 1)[1].lower()
        return bool(domain) and ("." in domain or ":" in domain) and domain != local_domain.lower()
    return False


@dataclass
class ResolvedQuery:
    account_id: int | None = None
    status_id: int | None = None


async def resolve_remote(query: str, *, want: str | None = None) -> ResolvedQuery:
    """``user@domain`` → that account; a URL → the post (or else the account) it names.
    Failures are logged and give nothing: search then answers from what is stored."""
    resolver = get_resolver()
    q = query.strip()
    found = ResolvedQuery()
    if q.startswith(urls.base() + "/"):
        return _local_url(q[len(urls.base()) :])
    if resolver is None or not looks_remote(q, urls.local_domain()):
        return found
    try:
        if q.lower().startswith(("https://", "http://")):
            if want in (None, "statuses"):
                found.status_id = await resolver.resolve_status(q)
            if found.status_id is None and want in (None, "accounts"):
                found.account_id = await resolver.resolve_account(q)
        elif want in (None, "accounts"):
            found.account_id = await resolver.resolve_account(q)
    except Exception:  # a remote server's failure must not fail the search
        log.warning("resolving %r failed", q, exc_info=True)
    return found


_LOCAL_STATUS = re.compile(r"\A/(?:@[^/]+|users/[^/]+/statuses)/(\d+)/?\Z")


def _local_url(path: str) -> ResolvedQuery:
    """Our own post and profile URLs name local objects: no need to ask anyone."""
    if match := _LOCAL_STATUS.match(path):
        return ResolvedQuery(status_id=parse_id(match.group(1)))
    return ResolvedQuery()
