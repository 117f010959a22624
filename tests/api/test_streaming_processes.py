"""Streaming across processes: an event committed through one app instance reaches a client
connected to another when they share Redis (two instances stand for two processes)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from gazouille.config import Settings
from gazouille.main import create_app
from tests.api.streaming_client import frame, websocket, websockets
from tests.conftest import Api


@pytest.mark.skipif(not os.environ.get("GAZOUILLE_TEST_REDIS_URL"), reason="needs Redis")
async def test_events_cross_app_instances_through_redis(
    api: Api, app: Any, settings: Settings, alice: str, bob: str, run_jobs: Any
) -> None:
    other = create_app(settings, run_worker=False)
    try:
        async with websocket(other, {"stream": "user"}, token=alice) as ws:
            status = await api.post_status(alice, "posted through the first instance")
            got = await frame(ws)
            assert got["event"] == "update" and got["payload"]["id"] == status["id"]
            await api.post(f"/api/v1/statuses/{status['id']}/favourite", bob)
            await run_jobs()  # the job runs in the first instance too
            got = await frame(ws)
            assert got["event"] == "notification" and got["payload"]["type"] == "favourite"
    finally:
        await other.state.gazouille.pubsub.close()
        await other.state.gazouille.db.dispose()


async def test_in_process_events_reach_every_client_of_the_instance(
    api: Api, app: Any, alice: str, bob: str
) -> None:
    """Without Redis the bus is in-process: one instance, many clients, one delivery each."""
    async with (
        websockets(app) as sockets,
        sockets.connect({"stream": "public"}, token=alice) as first,
        sockets.connect({"stream": "public"}, token=bob) as second,
    ):
        status = await api.post_status(alice, "one event, two clients")
        assert (await frame(first))["payload"]["id"] == status["id"]
        assert (await frame(second))["payload"]["id"] == status["id"]
