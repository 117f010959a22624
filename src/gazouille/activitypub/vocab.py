"""ActivityStreams vocabulary: the context we send, media types, and small helpers for the
loose shapes remote servers use (a value or a list, a link or an embedded object)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

AS_NS = "https://www.w3.org/ns/activitystreams"
AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
SECURITY_NS = "https://w3id.org/security/v1"

ACTIVITY_JSON = "application/activity+json"
LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
ACCEPT_AS2 = f"{ACTIVITY_JSON}, {LD_JSON}"
JRD_JSON = "application/jrd+json"

# JSON-LD contexts are shipped with the documents we send, never fetched.
CONTEXT: list[Any] = [
    AS_NS,
    SECURITY_NS,
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "sensitive": "as:sensitive",
        "Hashtag": "as:Hashtag",
        "movedTo": {"@id": "as:movedTo", "@type": "@id"},
        "alsoKnownAs": {"@id": "as:alsoKnownAs", "@type": "@id"},
        "toot": "http://joinmastodon.org/ns#",
        "discoverable": "toot:discoverable",
        "indexable": "toot:indexable",
        "featured": {"@id": "toot:featured", "@type": "@id"},
        "featuredTags": {"@id": "toot:featuredTags", "@type": "@id"},
        "Emoji": "toot:Emoji",
        "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"},
        "blurhash": "toot:blurhash",
        "votersCount": "toot:votersCount",
        "memorial": "toot:memorial",
        "suspended": "toot:suspended",
        "schema": "http://schema.org#",
        "PropertyValue": "schema:PropertyValue",
        "value": "schema:value",
    },
]

_PUBLIC_ALIASES = frozenset({AS_PUBLIC, "as:Public", "Public"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_public_address(value: object) -> bool:
    """Whether an addressing value (to/cc entry) means "the public collection"."""
    return isinstance(value, str) and value in _PUBLIC_ALIASES


def _media_ranges(header: str) -> list[tuple[str, dict[str, str]]]:
    ranges = []
    for item in header.split(","):
        media_type, *raw_params = item.split(";")
        params = {}
        for raw in raw_params:
            key, _, value = raw.strip().partition("=")
            params[key.strip().lower()] = value.strip().strip('"')
        if media_type.strip():
            ranges.append((media_type.strip().lower(), params))
    return ranges


def is_as2_content_type(content_type: object) -> bool:
    """activity+json, or ld+json (with or without the ActivityStreams profile: many servers
    leave it out)."""
    if not isinstance(content_type, str) or not content_type:
        return False
    ranges = _media_ranges(content_type)
    return bool(ranges) and ranges[0][0] in (ACTIVITY_JSON, "application/ld+json")


def wants_as2(accept: str | None) -> bool:
    """Whether an Accept header asks for ActivityStreams (ignoring ranges given q=0)."""
    if not isinstance(accept, str) or not accept:
        return False
    for media_type, params in _media_ranges(accept):
        if params.get("q", "1").strip() in ("0", "0.0", "0.00", "0.000"):
            continue
        if media_type in (ACTIVITY_JSON, "application/ld+json"):
            return True
    return False


def as_list(value: Any) -> list[Any]:
    """A JSON-LD value that may be absent, single or a list, as a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def id_of(value: Any) -> str | None:
    """The id of a reference: a string, or an embedded object's "id" (or a Link's "href")."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        for key in ("id", "href"):
            found = value.get(key)
            if isinstance(found, str) and found:
                return found
    return None


def _origin(url: object) -> tuple[str, str, int | None] | None:
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    if port == _DEFAULT_PORTS.get(scheme):
        port = None
    return scheme, parts.hostname.lower().rstrip("."), port


def host_of(url: str) -> str:
    """The lower-case host of a URL, with its port when it is not the scheme's default;
    "" when the URL has no host."""
    origin = _origin(url)
    if origin is None:
        return ""
    _, host, port = origin
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return f"{host}:{port}" if port else host


def same_origin(a: str, b: str) -> bool:
    """Same scheme, host and port (default ports made explicit)."""
    origin_a, origin_b = _origin(a), _origin(b)
    return origin_a is not None and origin_a == origin_b
