"""Streaming clients for tests, in the test's own event loop: a real WebSocket client
(httpx-ws over the ASGI app) and a Server-Sent Events reader that drives the ASGI app
directly (httpx's ASGI transport would wait for the endless body)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson
from httpx_ws import AsyncWebSocketSession, WebSocketDisconnect, aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

from tests.conftest import BASE_URL

TIMEOUT = 10.0  # an upper bound for what should arrive; never a performance threshold


class WebSockets:
    """Opens WebSockets on one in-process transport (several at once are fine)."""

    def __init__(self, client: httpx.AsyncClient):
        self.client = client

    def connect(
        self,
        query: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        subprotocols: list[str] | None = None,
    ) -> Any:
        """``/api/v1/streaming``; ``token`` goes in the Authorization header."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        path = "/api/v1/streaming" + (f"?{urlencode(query, doseq=True)}" if query else "")
        return aconnect_ws(path, self.client, headers=headers, subprotocols=subprotocols)


@contextlib.asynccontextmanager
async def websockets(app: Any) -> AsyncIterator[WebSockets]:
    async with (
        ASGIWebSocketTransport(app=app) as transport,
        httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client,
    ):
        yield WebSockets(client)


@contextlib.asynccontextmanager
async def websocket(
    app: Any,
    query: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    subprotocols: list[str] | None = None,
) -> AsyncIterator[AsyncWebSocketSession]:
    """One WebSocket on ``/api/v1/streaming``."""
    async with (
        websockets(app) as sockets,
        sockets.connect(query, token=token, subprotocols=subprotocols) as ws,
    ):
        yield ws


async def refusal(app: Any, query: dict[str, Any], token: str | None) -> tuple[int, str | None]:
    """The close code and reason of a WebSocket the server refused to accept."""
    try:
        async with websocket(app, query, token=token):
            pass
    except WebSocketDisconnect as exc:
        return exc.code, exc.reason
    except BaseExceptionGroup as group:
        found, _rest = group.split(WebSocketDisconnect)
        while isinstance(found, BaseExceptionGroup):
            found = found.exceptions[0]  # type: ignore[assignment]
        if isinstance(found, WebSocketDisconnect):
            return found.code, found.reason
        raise
    raise AssertionError("the WebSocket was accepted")


async def frame(ws: AsyncWebSocketSession) -> dict[str, Any]:
    """The next frame, with a JSON payload decoded (``delete`` ids stay strings)."""
    data: dict[str, Any] = orjson.loads(await ws.receive_text(timeout=TIMEOUT))
    payload = data.get("payload")
    if isinstance(payload, str) and payload.startswith("{"):
        data["payload"] = orjson.loads(payload)
    return data


async def no_frame(ws: AsyncWebSocketSession, wait: float = 0.3) -> None:
    """Nothing arrives within ``wait`` (used after a later event proved delivery ran)."""
    with contextlib.suppress(TimeoutError):
        text = await ws.receive_text(timeout=wait)
        raise AssertionError(f"unexpected frame: {text}")


async def subscriptions(app: Any, count: int) -> None:
    """Wait until the app's streaming clients hold ``count`` subscriptions (in-band
    subscribe messages have no acknowledgement in Mastodon's protocol)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while loop.time() < deadline:
        hub = getattr(app.state, "streaming_hub", None)
        held = sum(len(c.subscriptions) for c in hub.connections.values()) if hub else 0
        if held == count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never reached {count} subscriptions")


@dataclass
class SSE:
    """One Server-Sent Events response read as it streams."""

    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    chunks: asyncio.Queue[bytes] = field(default_factory=asyncio.Queue)
    buffer: str = ""

    def json(self) -> Any:
        return orjson.loads(self.body)

    async def line(self) -> str:
        while "\n" not in self.buffer:
            chunk = await asyncio.wait_for(self.chunks.get(), TIMEOUT)
            self.buffer += chunk.decode()
        line, self.buffer = self.buffer.split("\n", 1)
        return line

    async def event(self) -> tuple[str, Any]:
        """The next event as (name, data), JSON data decoded; comments are skipped."""
        name, data = "", None
        while True:
            line = await self.line()
            if line.startswith(":"):
                continue
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                raw = line[len("data: ") :]
                data = orjson.loads(raw) if raw.startswith("{") else raw
            elif line == "" and name:
                return name, data


@contextlib.asynccontextmanager
async def server_sent_events(
    app: Any, path: str, token: str | None = None, **query: Any
) -> AsyncIterator[SSE]:
    """GET ``path`` on the ASGI app, yielding once the response has started."""
    headers = [(b"host", b"localhost:3000")]
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": urlencode(query, doseq=True).encode(),
        "headers": headers,
        "client": ("127.0.0.1", 1234),
        "server": ("localhost", 3000),
    }
    stream = SSE()
    started, closing = asyncio.Event(), asyncio.Event()
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await closing.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            stream.status = message["status"]
            stream.headers = {k.decode(): v.decode() for k, v in message["headers"]}
            started.set()
        elif message["type"] == "http.response.body":
            body = message.get("body", b"")
            stream.body += body
            if body:
                stream.chunks.put_nowait(body)

    task = asyncio.create_task(app(scope, receive, send))
    try:
        await asyncio.wait_for(started.wait(), TIMEOUT)
        if stream.status == 200:
            assert await stream.line() == ":)"  # the stream is live from here on
        else:
            await asyncio.wait_for(task, TIMEOUT)
        yield stream
    finally:
        closing.set()
        try:
            await asyncio.wait_for(task, TIMEOUT)
        except TimeoutError:
            task.cancel()
