"""The streaming hub of one app: one pub/sub subscription for the whole process, the
clients connected to it, and the rendering of each event for each of them.

The hub runs while at least one client is connected. Joining waits until its pub/sub
subscription is known to be live (a probe message made the round trip), so an event
committed after a client's subscription is acknowledged is never missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import secrets
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, cast

import orjson
from starlette.datastructures import State

from gazouille.api.serializers import account_json, notification_json, status_json
from gazouille.core.state import AppState
from gazouille.domains.conversations.service import ConversationView
from gazouille.domains.notifications.service import NotificationView
from gazouille.domains.statuses.presenters import StatusView
from gazouille.domains.streaming import routing
from gazouille.domains.streaming.events import CHANNEL, Event
from gazouille.domains.streaming.streams import Subscription

log = logging.getLogger(__name__)
QUEUE_LIMIT = 1000  # frames waiting for a slow client before it is dropped
PROBE_TIMEOUT = 10.0
_ids = itertools.count(1)


@dataclass(frozen=True)
class Frame:
    stream: tuple[str, ...]
    event: str
    payload: str | None  # a JSON document, a status id, or nothing (filters_changed)


@dataclass
class Connection:
    """One streaming client: its account, what it may read and what it subscribed to."""

    account_id: int
    scopes: tuple[str, ...]
    notifications: bool
    id: int = field(default_factory=lambda: next(_ids))
    subscriptions: dict[Hashable, Subscription] = field(default_factory=dict)
    queue: asyncio.Queue[Frame | None] = field(default_factory=asyncio.Queue)
    overflowed: bool = False

    def add(self, subscription: Subscription) -> None:
        key = (subscription.name, subscription.tag, subscription.list_id)
        self.subscriptions.setdefault(key, subscription)

    def remove(self, subscription: Subscription) -> None:
        self.subscriptions.pop((subscription.name, subscription.tag, subscription.list_id), None)

    def push(self, frame: Frame) -> None:
        if self.queue.qsize() >= QUEUE_LIMIT:
            if not self.overflowed:
                self.overflowed = True
                self.queue.put_nowait(None)  # tells the sender to hang up
            return
        self.queue.put_nowait(frame)


def _conversation_json(view: ConversationView) -> dict[str, Any]:
    return {
        "id": str(view.conversation.id),
        "unread": view.conversation.unread,
        "accounts": [account_json(a) for a in view.accounts],
        "last_status": status_json(view.last_status) if view.last_status else None,
    }


def render(payload: routing.Payload) -> str | None:
    """The wire form of a payload: Mastodon entities as JSON text, ids as they are."""
    if payload is None or isinstance(payload, str):
        return payload
    if isinstance(payload, StatusView):
        data = status_json(payload)
    elif isinstance(payload, NotificationView):
        data = notification_json(payload.notification, payload.account, payload.status)
    else:
        data = _conversation_json(payload)
    return orjson.dumps(data).decode()


class Hub:
    def __init__(self, state: AppState):
        self.state = state
        self.connections: dict[int, Connection] = {}
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._probe = f"streaming-probe:{secrets.token_hex(8)}"
        self._lock = asyncio.Lock()

    async def join(self, connection: Connection) -> None:
        async with self._lock:
            if self._task is None or self._task.done():
                self._ready = asyncio.Event()
                self._task = asyncio.create_task(self._listen())
                await self._wait_until_live()
            self.connections[connection.id] = connection

    async def leave(self, connection: Connection) -> None:
        async with self._lock:
            self.connections.pop(connection.id, None)
            if not self.connections and self._task is not None:
                task, self._task = self._task, None
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def _wait_until_live(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + PROBE_TIMEOUT
        while not self._ready.is_set() and loop.time() < deadline:
            try:
                await self.state.pubsub.publish(self._probe, "1")
            except Exception:
                log.exception("streaming: cannot reach pub/sub")
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), 0.05)
        if not self._ready.is_set():
            log.warning("streaming: pub/sub subscription not confirmed in time")

    async def _listen(self) -> None:
        while True:
            try:
                async for channel, message in self.state.pubsub.subscribe(CHANNEL, self._probe):
                    if channel == self._probe:
                        self._ready.set()
                        continue
                    event = Event.decode(message)
                    if event is not None:
                        await self._dispatch(event)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("streaming: subscription lost, resubscribing")
                await asyncio.sleep(1)

    async def _dispatch(self, event: Event) -> None:
        listeners = [
            routing.Listener((c.id, key), c.account_id, sub, c.notifications)
            for c in list(self.connections.values())
            for key, sub in list(c.subscriptions.items())
        ]
        if not listeners:
            return
        try:
            async with self.state.db.read() as session:
                deliveries = await routing.route(session, event, listeners)
            rendered: dict[int, str | None] = {}
            for delivery in deliveries:
                connection_id, key = cast(tuple[int, Hashable], delivery.key)
                connection = self.connections.get(connection_id)
                subscription = connection.subscriptions.get(key) if connection else None
                if connection is None or subscription is None:
                    continue
                if id(delivery.payload) not in rendered:
                    rendered[id(delivery.payload)] = render(delivery.payload)
                payload = rendered[id(delivery.payload)]
                connection.push(Frame(subscription.label, delivery.event, payload))
        except Exception:
            log.exception("streaming: could not deliver a %s event", event.kind)


def hub_of(app_state: State, state: AppState) -> Hub:
    hub: Hub | None = getattr(app_state, "streaming_hub", None)
    if hub is None:
        hub = Hub(state)
        app_state.streaming_hub = hub
    return hub
