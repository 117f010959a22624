"""Streaming against a real ``gazouille serve`` with real clients: a WebSocket client (the
``websockets`` package) and Server-Sent Events over HTTP."""

from __future__ import annotations

import json

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

pytestmark = pytest.mark.live


async def _register(client: httpx.AsyncClient, name: str) -> str:
    app = (
        await client.post(
            "/api/v1/apps",
            json={
                "client_name": "t",
                "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                "scopes": "read write",
            },
        )
    ).json()
    token = (
        await client.post(
            "/oauth/token",
            json={
                "grant_type": "client_credentials",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
                "scope": "read write",
            },
        )
    ).json()["access_token"]
    r = await client.post(
        "/api/v1/accounts",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "username": name,
            "email": f"{name}@example.com",
            "password": "correct horse",
            "agreement": True,
        },
    )
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


async def test_websocket_and_sse_on_a_real_server(live_server: str) -> None:
    ws_url = live_server.replace("http://", "ws://") + "/api/v1/streaming"
    async with httpx.AsyncClient(base_url=live_server, timeout=10, trust_env=False) as client:
        token = await _register(client, "streamer")
        auth = {"Authorization": f"Bearer {token}"}
        # A bad token gets Mastodon's HTTP 401 instead of the upgrade.
        with pytest.raises(InvalidStatus) as refused:
            async with connect(f"{ws_url}?stream=public&access_token=nope"):
                pass
        assert refused.value.response.status_code == 401
        assert refused.value.response.headers["X-Error-Message"] == "Invalid access token"
        # Ice Cubes: the token as the subprotocol, echoed back.
        async with connect(f"{ws_url}?stream=public", subprotocols=[token]) as ws:
            assert ws.subprotocol == token
            status = (
                await client.post("/api/v1/statuses", headers=auth, json={"status": "live"})
            ).json()
            message = json.loads(await ws.recv(decode=True))
            assert message["stream"] == ["public"] and message["event"] == "update"
            assert json.loads(message["payload"])["id"] == status["id"]
        async with client.stream(
            "GET", "/api/v1/streaming/public/local", params={"access_token": token}
        ) as sse:
            assert sse.status_code == 200
            lines = sse.aiter_lines()
            assert await anext(lines) == ":)"
            posted = (
                await client.post("/api/v1/statuses", headers=auth, json={"status": "sse"})
            ).json()
            assert await anext(lines) == "event: update"
            data = await anext(lines)
            assert json.loads(data[len("data: ") :])["id"] == posted["id"]
        health = await client.get("/api/v1/streaming/health")
        assert (health.status_code, health.text) == (200, "OK")
