"""The port through which the doors (API search, web search, remote follow) ask for a remote
account or post they do not know yet. The ActivityPub door installs the implementation at
start-up (``main``); without federation there is none and lookups stay local.

Implementations fetch over HTTP and must be called outside any database transaction."""

from __future__ import annotations

from typing import Protocol


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
        return not q.split("/", 3)[2].lower() == local_domain.lower()
    if "@" in q and " " not in q:
        domain = q.rsplit("@", 1)[1].lower()
        return bool(domain) and ("." in domain or ":" in domain) and domain != local_domain.lower()
    return False
