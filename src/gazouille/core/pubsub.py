"""Publish/subscribe between the processes of one instance.

In-process by default; with ``GAZOUILLE_REDIS_URL`` set, messages go through Redis so a
message published by one server or worker process reaches subscribers in every other one.
Used to wake job workers and to carry streaming events.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any, Protocol


class PubSub(Protocol):
    async def publish(self, channel: str, message: str) -> None: ...

    def subscribe(self, *channels: str) -> AsyncIterator[tuple[str, str]]: ...

    async def close(self) -> None: ...


class LocalPubSub:
    """Subscribers in this process only."""

    def __init__(self) -> None:
        self._queues: dict[str, set[asyncio.Queue[tuple[str, str]]]] = defaultdict(set)

    async def publish(self, channel: str, message: str) -> None:
        for queue in list(self._queues.get(channel, ())):
            if queue.qsize() < 10_000:  # a stuck subscriber must not eat memory
                queue.put_nowait((channel, message))

    async def subscribe(self, *channels: str) -> AsyncIterator[tuple[str, str]]:
        queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        for channel in channels:
            self._queues[channel].add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            for channel in channels:
                self._queues[channel].discard(queue)

    async def close(self) -> None:
        self._queues.clear()


class RedisPubSub:
    def __init__(self, url: str, prefix: str = "gazouille:"):
        import redis.asyncio as redis

        self._redis: Any = redis.from_url(url, decode_responses=True)
        self._prefix = prefix

    async def publish(self, channel: str, message: str) -> None:
        await self._redis.publish(self._prefix + channel, message)

    async def subscribe(self, *channels: str) -> AsyncIterator[tuple[str, str]]:
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(*(self._prefix + c for c in channels))
        try:
            while True:
                item = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                if item is None:
                    continue
                yield item["channel"][len(self._prefix) :], item["data"]
        finally:
            with contextlib.suppress(Exception):
                await pubsub.unsubscribe()
                await pubsub.aclose()

    async def close(self) -> None:
        await self._redis.aclose()


def make_pubsub(redis_url: str) -> PubSub:
    return RedisPubSub(redis_url) if redis_url else LocalPubSub()
