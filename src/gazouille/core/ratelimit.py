"""A small fixed-window rate limiter: in-process by default, shared through Redis when
``GAZOUILLE_REDIS_URL`` is set (so every process of the instance counts the same hits).

``hit(key, limit, window)`` counts one attempt and tells whether it is still allowed; the
count of a key starts again when its window ends.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any, Protocol


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window: float) -> bool: ...

    async def reset(self, key: str) -> None: ...


class LocalRateLimiter:
    """Counts in this process only."""

    MAX_KEYS = 100_000

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._windows: dict[str, tuple[float, int]] = {}

    async def hit(self, key: str, limit: int, window: float) -> bool:
        now = self._monotonic()
        started, count = self._windows.get(key, (now, 0))
        if now - started >= window:
            started, count = now, 0
        count += 1
        if len(self._windows) >= self.MAX_KEYS and key not in self._windows:
            self._forget_expired(now, window)
        self._windows[key] = (started, count)
        return count <= limit

    def _forget_expired(self, now: float, window: float) -> None:
        for key, (started, _) in list(self._windows.items()):
            if now - started >= window:
                del self._windows[key]
        if len(self._windows) >= self.MAX_KEYS:  # still full: a flood of keys; start over
            self._windows.clear()

    async def reset(self, key: str) -> None:
        self._windows.pop(key, None)


class RedisRateLimiter:
    """INCR + EXPIRE on one key per window, shared by every process."""

    def __init__(self, url: str, prefix: str = "gazouille:ratelimit:") -> None:
        import redis.asyncio as redis

        self._redis: Any = redis.from_url(url, decode_responses=True)
        self.prefix = prefix

    async def hit(self, key: str, limit: int, window: float) -> bool:
        name = self.prefix + key
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, math.ceil(window), nx=True)
            count, _ = await pipe.execute()
        return int(count) <= limit

    async def reset(self, key: str) -> None:
        await self._redis.delete(self.prefix + key)

    async def close(self) -> None:
        await self._redis.aclose()


def make_ratelimiter(redis_url: str) -> RateLimiter:
    return RedisRateLimiter(redis_url) if redis_url else LocalRateLimiter()
