"""The streams a client may subscribe to, their parameters and who may open them, with
the error messages of Mastodon's streaming server."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.errors import GazouilleError, NotFound, Unauthorized
from gazouille.core.ids import parse_id
from gazouille.core.text import normalize_tag
from gazouille.domains.lists import service as lists
from gazouille.domains.oauth import scopes as scope_rules

# name → (local only? None for both, media only?)
PUBLIC_STREAMS: dict[str, tuple[bool | None, bool]] = {
    "public": (None, False),
    "public:media": (None, True),
    "public:local": (True, False),
    "public:local:media": (True, True),
    "public:remote": (False, False),
    "public:remote:media": (False, True),
}
PERSONAL_STREAMS = ("user", "user:notification", "list", "direct")
STREAMS = (*PERSONAL_STREAMS, *PUBLIC_STREAMS, "hashtag", "hashtag:local")


class StreamRequestError(GazouilleError):
    status = 400
    default_message = "Unknown stream type"


class StreamAuthError(Unauthorized):
    default_message = "Invalid access token"


@dataclass(frozen=True)
class Subscription:
    name: str
    tag: str | None = None  # normalized, for hashtag streams
    list_id: int | None = None
    label: tuple[str, ...] = ()  # the frames' "stream": [name] or [name, tag or list]


def required_scope(name: str) -> str | None:
    """Public streams need a token but no scope; the rest need read:statuses, and the
    notification stream read:notifications (``read`` covers both)."""
    if name in PUBLIC_STREAMS or name.startswith("hashtag"):
        return None
    return "read:notifications" if name == "user:notification" else "read:statuses"


def check_scope(name: str, scopes: Sequence[str]) -> None:
    needed = required_scope(name)
    if needed is not None and not scope_rules.grants(list(scopes), needed):
        raise StreamAuthError("Access token does not have the required scopes")


async def resolve(
    session: AsyncSession,
    account_id: int,
    scopes: Sequence[str],
    name: str,
    *,
    tag: str | None = None,
    list_param: str | None = None,
) -> Subscription:
    """A subscription to ``name`` for this account, or the error Mastodon gives."""
    if name not in STREAMS:
        raise StreamRequestError("Unknown stream type")
    check_scope(name, scopes)
    if name.startswith("hashtag"):
        if not tag or not tag.strip().lstrip("#"):
            raise StreamRequestError("Missing tag name parameter")
        given = tag.strip().lstrip("#")
        return Subscription(name, tag=normalize_tag(given), label=(name, given))
    if name == "list":
        if not list_param:
            raise StreamRequestError("Missing list name parameter")
        list_id = parse_id(list_param)
        try:
            await lists.access_list(session, account_id, list_id)
        except NotFound:
            raise StreamAuthError("Not authorized to stream this list") from None
        return Subscription(name, list_id=list_id, label=(name, list_param))
    return Subscription(name, label=(name,))


def notifications_allowed(scopes: Sequence[str]) -> bool:
    """The user stream carries notifications only for tokens that may read them."""
    return scope_rules.grants(list(scopes), "read:notifications")
