"""Domain events for streaming, published on pub/sub once their transaction commits.

A message names what happened with ids (and, for a deletion, what the status was like,
since it is gone): one message per event, never one per follower. Each process's
subscribers decide who receives it and render it for each of them (see routing.py).

Which pub/sub carries the events of a database is attached once per process by the
composition root (``attach``), keyed by the database's write engine, so two apps in one
process (tests) never mix their events.
"""

from __future__ import annotations

import logging
import weakref
from dataclasses import asdict, dataclass, field
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from gazouille.core.db import after_commit
from gazouille.core.pubsub import PubSub
from gazouille.models import Mention, Status, StatusTag, Tag

CHANNEL = "streaming"
log = logging.getLogger(__name__)
_buses: weakref.WeakKeyDictionary[AsyncEngine, PubSub] = weakref.WeakKeyDictionary()


def attach(engine: AsyncEngine, pubsub: PubSub) -> None:
    """Publish the events of the transactions on ``engine`` through ``pubsub``."""
    _buses[engine] = pubsub


def detach(engine: AsyncEngine) -> None:
    _buses.pop(engine, None)


@dataclass
class StatusSnapshot:
    """What routing needs to know about a status that no longer exists."""

    id: int
    account_id: int
    visibility: str
    local: bool
    reblog_of_id: int | None
    in_reply_to_account_id: int | None
    has_media: bool
    mention_ids: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # normalized names


@dataclass
class Event:
    kind: str  # update | status.update | delete | notification | conversation | filters_changed
    status_id: int | None = None
    account_id: int | None = None  # the recipient, for personal events
    object_id: int | None = None  # notification or conversation id
    deleted: StatusSnapshot | None = None

    def encode(self) -> str:
        return orjson.dumps(asdict(self)).decode()

    @classmethod
    def decode(cls, message: str) -> Event | None:
        try:
            data: dict[str, Any] = orjson.loads(message)
            deleted = data.pop("deleted", None)
            event = cls(**data)
            if deleted is not None:
                event.deleted = StatusSnapshot(**deleted)
            return event
        except (orjson.JSONDecodeError, TypeError, ValueError):
            log.warning("ignoring a malformed streaming message")
            return None


def publish(session: AsyncSession, event: Event) -> None:
    """Publish ``event`` once the session's transaction commits (dropped on rollback)."""
    bind = session.bind
    bus = _buses.get(bind) if isinstance(bind, AsyncEngine) else None
    if bus is None:
        return  # no streaming wired (e.g. a CLI command): nobody is listening anyway
    message = event.encode()

    async def send() -> None:
        await bus.publish(CHANNEL, message)

    after_commit(session, send)


def status_created(session: AsyncSession, status_id: int) -> None:
    """A new status or reblog: ``update`` to the streams that show it."""
    publish(session, Event("update", status_id=status_id))


def status_edited(session: AsyncSession, status_id: int) -> None:
    publish(session, Event("status.update", status_id=status_id))


async def status_deleted(session: AsyncSession, status: Status) -> None:
    """Call before deleting ``status``: ``delete`` for it and for its reblogs."""
    mention_ids = list(
        (
            await session.execute(select(Mention.account_id).where(Mention.status_id == status.id))
        ).scalars()
    )
    tags = list(
        (
            await session.execute(
                select(Tag.name_key)
                .join(StatusTag, StatusTag.tag_id == Tag.id)
                .where(StatusTag.status_id == status.id)
            )
        ).scalars()
    )
    reblogs = (
        await session.execute(
            select(Status.id, Status.account_id, Status.visibility).where(
                Status.reblog_of_id == status.id
            )
        )
    ).all()
    publish(session, Event("delete", deleted=_snapshot(status, mention_ids, tags)))
    for reblog_id, account_id, visibility in reblogs:
        reblog = StatusSnapshot(
            reblog_id, account_id, visibility, True, status.id, None, False, [], []
        )
        publish(session, Event("delete", deleted=reblog))


def _snapshot(status: Status, mention_ids: list[int], tags: list[str]) -> StatusSnapshot:
    return StatusSnapshot(
        id=status.id,
        account_id=status.account_id,
        visibility=status.visibility,
        local=status.local,
        reblog_of_id=status.reblog_of_id,
        in_reply_to_account_id=status.in_reply_to_account_id,
        has_media=bool(getattr(status, "has_media", False)),
        mention_ids=mention_ids,
        tags=tags,
    )


def notification_created(session: AsyncSession, account_id: int, notification_id: int) -> None:
    publish(session, Event("notification", account_id=account_id, object_id=notification_id))


def conversation_updated(session: AsyncSession, account_id: int, conversation_id: int) -> None:
    """An AccountConversation row of ``account_id`` changed: ``conversation`` on ``direct``."""
    publish(session, Event("conversation", account_id=account_id, object_id=conversation_id))


def filters_changed(session: AsyncSession, account_id: int) -> None:
    publish(session, Event("filters_changed", account_id=account_id))


async def reblog_undone(session: AsyncSession, actor_id: int, original_id: int) -> None:
    """Call before deleting the actor's reblog of ``original_id``: ``delete`` for it."""
    reblog = (
        await session.execute(
            select(Status).where(Status.account_id == actor_id, Status.reblog_of_id == original_id)
        )
    ).scalar_one_or_none()
    if reblog is not None:
        publish(session, Event("delete", deleted=_snapshot(reblog, [], [])))
