"""OAuth scopes as Mastodon defines them, and the check of a granted set."""

from __future__ import annotations

from collections.abc import Iterable

READ = [
    "accounts",
    "blocks",
    "bookmarks",
    "favourites",
    "filters",
    "follows",
    "lists",
    "mutes",
    "notifications",
    "search",
    "statuses",
]
WRITE = [
    "accounts",
    "blocks",
    "bookmarks",
    "conversations",
    "favourites",
    "filters",
    "follows",
    "lists",
    "media",
    "mutes",
    "notifications",
    "reports",
    "statuses",
]
ADMIN_OBJECTS = [
    "accounts",
    "reports",
    "domain_allows",
    "domain_blocks",
    "ip_blocks",
    "email_domain_blocks",
    "canonical_email_blocks",
]
FOLLOW_IMPLIES = {
    "read:blocks",
    "read:follows",
    "read:mutes",
    "write:blocks",
    "write:follows",
    "write:mutes",
}

KNOWN: frozenset[str] = frozenset(
    ["read", "write", "follow", "push", "profile", "admin:read", "admin:write"]
    + [f"read:{x}" for x in READ]
    + [f"write:{x}" for x in WRITE]
    + [f"admin:read:{x}" for x in ADMIN_OBJECTS]
    + [f"admin:write:{x}" for x in ADMIN_OBJECTS]
)


def parse(value: str | Iterable[str] | None, default: str = "read") -> list[str]:
    if value is None:
        return default.split()
    if isinstance(value, str):
        items = value.replace(",", " ").replace("+", " ").split()
    else:
        items = [s for v in value for s in str(v).replace(",", " ").split()]
    ordered: list[str] = []
    for item in items:
        if item not in ordered:
            ordered.append(item)
    return ordered or default.split()


def unknown(scopes: Iterable[str]) -> list[str]:
    return [s for s in scopes if s not in KNOWN]


def grants(granted: Iterable[str], required: str) -> bool:
    """Does a token with ``granted`` scopes allow an action needing ``required``?"""
    granted = set(granted)
    if required in granted:
        return True
    parts = required.split(":")
    # "read" covers "read:statuses"; "admin:read" covers "admin:read:accounts".
    for i in range(1, len(parts)):
        if ":".join(parts[:i]) in granted:
            return True
    return "follow" in granted and required in FOLLOW_IMPLIES


def subset(requested: Iterable[str], allowed: Iterable[str]) -> bool:
    allowed = list(allowed)
    return all(grants(allowed, scope) for scope in requested)
