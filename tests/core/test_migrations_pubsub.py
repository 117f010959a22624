from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

from gazouille.core.pubsub import LocalPubSub, RedisPubSub
from gazouille.migrations.runner import pending_diffs


async def test_models_and_migrations_agree(db: Any) -> None:
    """The migrated schema (on this run's backend) is exactly what the models describe."""
    async with db.write_engine.connect() as connection:
        assert await pending_diffs(connection) == []


async def _roundtrip(publisher: Any, subscriber: Any) -> list[tuple[str, str]]:
    received: list[tuple[str, str]] = []

    async def listen() -> None:
        async for item in subscriber.subscribe("a", "b"):
            received.append(item)
            if len(received) == 2:
                return

    task = asyncio.create_task(listen())
    await asyncio.sleep(0.2)
    await publisher.publish("a", "one")
    await publisher.publish("c", "ignored")
    await publisher.publish("b", "two")
    await asyncio.wait_for(task, 5)
    return received


async def test_local_pubsub() -> None:
    bus = LocalPubSub()
    assert await _roundtrip(bus, bus) == [("a", "one"), ("b", "two")]


@pytest.mark.skipif(not os.environ.get("GAZOUILLE_TEST_REDIS_URL"), reason="needs Redis")
async def test_redis_pubsub_crosses_processes() -> None:
    """Two clients stand for two processes: what one publishes, the other receives."""
    url = os.environ["GAZOUILLE_TEST_REDIS_URL"]
    first, second = RedisPubSub(url, prefix="gz-test:"), RedisPubSub(url, prefix="gz-test:")
    try:
        assert await _roundtrip(first, second) == [("a", "one"), ("b", "two")]
    finally:
        await first.close()
        await second.close()
