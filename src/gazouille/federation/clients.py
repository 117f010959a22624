"""The HTTP clients federation talks through: one per event loop (an HTTP connection pool
belongs to the loop that made it), replaceable by tests, closed at shutdown."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from gazouille.activitypub.client import ActivityPubClient
from gazouille.config import get_settings
from gazouille.core.http import USER_AGENT, SafeHttpClient

T = TypeVar("T")
_pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, SafeHttpClient] = (
    weakref.WeakKeyDictionary()
)


def default_client() -> ActivityPubClient:
    """A signed AS2 client over this loop's guarded HTTP pool (made on first use)."""
    loop = asyncio.get_running_loop()
    http = _pools.get(loop)
    if http is None:
        http = SafeHttpClient(allow_private=get_settings().allow_private_addresses)
        _pools[loop] = http
    return ActivityPubClient(http, user_agent=USER_AGENT)


class PerLoop(Generic[T]):
    """One ``T`` per running event loop, made by ``factory`` (or the default)."""

    def __init__(self, default: Callable[[], T]) -> None:
        self._default = default
        self._factory: Callable[[], T] | None = None
        self._made: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = (
            weakref.WeakKeyDictionary()
        )

    def get(self) -> T:
        loop = asyncio.get_running_loop()
        found = self._made.get(loop)
        if found is None:
            found = (self._factory or self._default)()
            self._made[loop] = found
        return found

    def set_factory(self, factory: Callable[[], T] | None) -> None:
        self._factory = factory
        self._made.clear()


async def close_pools() -> None:
    """Close this event loop's HTTP pool (at shutdown)."""
    http = _pools.pop(asyncio.get_running_loop(), None)
    if http is not None:
        await http.aclose()
