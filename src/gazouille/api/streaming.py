"""Mastodon's streaming API: a WebSocket at /api/v1/streaming (subscriptions in the query
string or sent as messages) and Server-Sent Events at /api/v1/streaming/<stream>.

Both need a user token (``Authorization``, ``?access_token=``, or for WebSockets the
``Sec-WebSocket-Protocol`` value, echoed back as Ice Cubes expects). A refused WebSocket gets
an HTTP 401 instead of the upgrade, as Mastodon's server answers; a subscription that
fails on an open WebSocket gets an ``{"error", "status"}`` frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson
from fastapi import APIRouter, Request, WebSocket
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from gazouille.api.responses import JSON, error
from gazouille.api.streaming_hub import Connection, Frame, Hub, hub_of
from gazouille.core.errors import GazouilleError
from gazouille.domains.oauth.service import authenticate_token
from gazouille.domains.streaming import streams
from gazouille.domains.streaming.streams import StreamAuthError, StreamRequestError

log = logging.getLogger(__name__)
router = APIRouter()
HEARTBEAT_SECONDS = 15.0
SSE_STREAMS = {
    "user": "user",
    "user/notification": "user:notification",
    "public": "public",
    "public/local": "public:local",
    "public/remote": "public:remote",
    "hashtag": "hashtag",
    "hashtag/local": "hashtag:local",
    "list": "list",
    "direct": "direct",
}


def _token(conn: HTTPConnection, *, websocket: bool) -> str | None:
    header = conn.headers.get("authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        return (value if scheme.lower() == "bearer" else header).strip() or None
    token = conn.query_params.get("access_token")
    if not token and websocket:
        token = _subprotocol(conn)
    return token or None


def _subprotocol(conn: HTTPConnection) -> str | None:
    offered = conn.headers.get("sec-websocket-protocol", "")
    first = offered.split(",")[0].strip()
    return first or None


async def _connect(conn: HTTPConnection, *, websocket: bool) -> Connection:
    """The streaming client behind this request, or StreamAuthError."""
    token = _token(conn, websocket=websocket)
    if token is None:
        raise StreamAuthError("Missing access token")
    async with conn.app.state.gazouille.db.read() as session:
        info = await authenticate_token(session, token)
    if info is None or info.user is None or info.account is None:
        raise StreamAuthError("Invalid access token")
    if info.denial:
        raise StreamAuthError(info.denial)
    scopes = tuple(info.scopes)
    return Connection(info.account.id, scopes, streams.notifications_allowed(scopes))


def _hub(conn: HTTPConnection) -> Hub:
    return hub_of(conn.app.state, conn.app.state.gazouille)


async def _subscribe(
    conn: HTTPConnection, client: Connection, name: str, params: dict[str, Any]
) -> None:
    async with conn.app.state.gazouille.db.read() as session:
        subscription = await streams.resolve(
            session,
            client.account_id,
            client.scopes,
            name,
            tag=_first(params.get("tag")),
            list_param=_first(params.get("list")),
        )
    client.add(subscription)


def _first(value: Any) -> str | None:
    """Mastodon takes the first of repeated parameters."""
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or isinstance(value, dict):
        return None
    return str(value)


def _stream_name(name: str, params: dict[str, Any]) -> str:
    """``only_media`` turns a public stream into its media variant."""
    only_media = str(_first(params.get("only_media")) or "").lower() in ("1", "true", "on")
    if only_media and name.startswith("public") and not name.endswith(":media"):
        return f"{name}:media"
    return name


# --- WebSocket ---------------------------------------------------------------------------


def _frame_json(frame: Frame) -> str:
    data: dict[str, Any] = {"stream": list(frame.stream), "event": frame.event}
    if frame.payload is not None:
        data["payload"] = frame.payload
    return orjson.dumps(data).decode()


def _error_frame(exc: GazouilleError) -> str:
    return orjson.dumps({"error": exc.message, "status": exc.status}).decode()


async def _refuse(ws: WebSocket, exc: GazouilleError) -> None:
    if "websocket.http.response" in ws.scope.get("extensions", {}):
        response = JSON(
            {"error": exc.message},
            status_code=exc.status,
            headers={"X-Error-Message": exc.message},
        )
        await ws.send_denial_response(response)
    else:  # without the denial extension, closing before accepting refuses the upgrade
        await ws.close(code=1008, reason=exc.message)


async def _send_frames(ws: WebSocket, client: Connection) -> None:
    while True:
        frame = await client.queue.get()
        if frame is None:
            await ws.close(code=1013, reason="Too many events waiting")
            return
        await ws.send_text(_frame_json(frame))


async def _handle_message(ws: WebSocket, client: Connection, text: str) -> None:
    try:
        message = orjson.loads(text)
    except orjson.JSONDecodeError:
        return
    if not isinstance(message, dict):
        return
    kind, name = message.get("type"), _first(message.get("stream"))
    if kind not in ("subscribe", "unsubscribe") or name is None:
        return
    params = {k: v for k, v in message.items() if k not in ("type", "stream")}
    try:
        if kind == "subscribe":
            await _subscribe(ws, client, name, params)
        else:
            async with ws.app.state.gazouille.db.read() as session:
                gone = await streams.resolve(
                    session,
                    client.account_id,
                    client.scopes,
                    name,
                    tag=_first(params.get("tag")),
                    list_param=_first(params.get("list")),
                )
            client.remove(gone)
    except GazouilleError as exc:
        if kind == "subscribe":
            await ws.send_text(_error_frame(exc))
        else:
            await ws.send_text(orjson.dumps({"error": "Error unsubscribing from channel"}).decode())


@router.websocket("/api/v1/streaming")
async def websocket_stream(ws: WebSocket) -> None:
    try:
        client = await _connect(ws, websocket=True)
    except GazouilleError as exc:
        await _refuse(ws, exc)
        return
    hub = _hub(ws)
    await hub.join(client)
    sender: asyncio.Task[None] | None = None
    try:
        early_errors: list[GazouilleError] = []
        query: dict[str, Any] = dict(ws.query_params)
        if query.get("stream"):
            try:
                await _subscribe(ws, client, _stream_name(query["stream"], query), query)
            except GazouilleError as refused:
                early_errors.append(refused)
        await ws.accept(subprotocol=_subprotocol(ws))
        for problem in early_errors:
            await ws.send_text(_error_frame(problem))
        sender = asyncio.create_task(_send_frames(ws, client))
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                break
            if message.get("bytes") is not None:
                await ws.close(1003, "The streaming server does not support binary messages")
                break
            if message.get("text") is not None:
                await _handle_message(ws, client, message["text"])
    except Exception:
        log.debug("streaming: websocket ended", exc_info=True)
    finally:
        if sender is not None:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await sender
        await hub.leave(client)


# --- Server-Sent Events ------------------------------------------------------------------


@router.get("/api/v1/streaming/health")
async def health() -> PlainTextResponse:
    return PlainTextResponse("OK")


async def _events(hub: Hub, client: Connection) -> AsyncIterator[str]:
    await hub.join(client)
    try:
        yield ":)\n"
        while True:
            try:
                frame = await asyncio.wait_for(client.queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield ":thump\n"
                continue
            if frame is None:
                return
            yield f"event: {frame.event}\ndata: {frame.payload or ''}\n\n"
    finally:
        await hub.leave(client)


@router.get("/api/v1/streaming")
@router.get("/api/v1/streaming/{path:path}")
async def server_sent_events(request: Request, path: str = "") -> Response:
    name = SSE_STREAMS.get(path)
    if name is None:
        return error(400, "Unknown channel requested")
    params: dict[str, Any] = {k: v for k, v in request.query_params.items()}
    try:
        client = await _connect(request, websocket=False)
        await _subscribe(request, client, _stream_name(name, params), params)
    except (StreamAuthError, StreamRequestError) as exc:
        return error(exc.status, exc.message)
    return StreamingResponse(
        _events(_hub(request), client),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
