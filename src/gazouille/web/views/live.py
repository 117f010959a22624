"""Live updates for the pages: a server-sent event stream that only says "something new"
(the page then fetches it through its own htmx pollers, which also poll every 20 seconds
when there is no stream), and the notification badge those pollers refresh.

Who is told about what is the streaming domain's routing, the same as the API's streams."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import Request
from starlette.responses import Response, StreamingResponse

from gazouille.domains.notifications import service as notifications
from gazouille.domains.streaming import events, routing
from gazouille.domains.streaming.streams import Subscription
from gazouille.web import context as web
from gazouille.web.pages import Chrome, render_fragment
from gazouille.web.routing import web_router

log = logging.getLogger(__name__)
router = web_router()
HEARTBEAT_SECONDS = 15.0
STREAMS = ("user", "public:local", "public")
# What a page needs to know: new posts for its timeline, or a new notification.
SIGNALS = {"update": "update", "notification": "notification", "conversation": "update"}


@router.get("/web/badge")
async def badge(request: Request) -> Response:
    current = await web.require_user(request)
    async with web.state(request).db.read() as session:
        unread = await notifications.unread_count(session, current.account.id)
    chrome = Chrome(settings=None, unread_notifications=unread)  # type: ignore[arg-type]
    return await render_fragment(request, "partials/badge.html", chrome=chrome)


@router.get("/web/events")
async def event_stream(request: Request) -> Response:
    current = await web.require_user(request)
    wanted = request.query_params.get("stream", "user")
    listener = routing.Listener(
        "web", current.account.id, Subscription(wanted if wanted in STREAMS else "user")
    )
    app_state = web.state(request)

    async def frames() -> AsyncIterator[str]:
        yield "retry: 5000\n\n"
        messages = app_state.pubsub.subscribe(events.CHANNEL)
        try:
            while True:
                try:
                    _, message = await asyncio.wait_for(anext(messages), HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield ": heartbeat\n\n"
                    continue
                event = events.Event.decode(message)
                if event is None:
                    continue
                try:
                    async with app_state.db.read() as session:
                        deliveries = await routing.route(session, event, [listener])
                except Exception:
                    log.exception("web events: could not route a %s event", event.kind)
                    continue
                for delivery in deliveries:
                    signal = SIGNALS.get(delivery.event)
                    if signal:
                        yield f"event: {signal}\ndata: {event.kind}\n\n"
        finally:
            with contextlib.suppress(Exception):
                await messages.aclose()  # type: ignore[attr-defined]

    return StreamingResponse(
        frames(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
