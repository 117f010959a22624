"""Who, among the clients connected to this process, receives an event, and what each sees.

Called once per event with every live subscription of the process. What the event is about
(the status, its tags, the follows of its author among the listeners) is loaded once; the
rules of each stream are those of the matching timeline (home, lists, public, tags), reused
from their domains; then the status is presented once per recipient account, with that
account's flags, so a private status only ever reaches those allowed to see it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, and_, bindparam, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.core.pagination import PageParams
from gazouille.domains.accounts.limits import author_limited
from gazouille.domains.conversations import service as conversations
from gazouille.domains.conversations.service import ConversationView
from gazouille.domains.lists import timeline as list_timeline
from gazouille.domains.notifications.service import NotificationView
from gazouille.domains.notifications.service import present as present_notifications
from gazouille.domains.relationships.exclusions import status_author_hidden
from gazouille.domains.statuses.audience import present_to_viewers
from gazouille.domains.statuses.presenters import StatusView
from gazouille.domains.streaming.events import Event, StatusSnapshot
from gazouille.domains.streaming.streams import PUBLIC_STREAMS, Subscription
from gazouille.domains.timelines.rules import home_rule
from gazouille.models import (
    Account,
    AccountConversation,
    Follow,
    List,
    ListAccount,
    Notification,
    Status,
    StatusTag,
    Tag,
    TagFollow,
)

Payload = StatusView | NotificationView | ConversationView | str | None
UNION_CHUNK = 200  # SQLite allows 500 terms in a compound SELECT


@dataclass(frozen=True)
class Listener:
    """One subscription of one connected client."""

    key: Hashable
    account_id: int
    subscription: Subscription
    notifications: bool = True  # the token may read notifications (user stream)


@dataclass
class Delivery:
    key: Hashable
    event: str
    payload: Payload


async def route(
    session: AsyncSession, event: Event, listeners: Sequence[Listener]
) -> list[Delivery]:
    if not listeners:
        return []
    if event.kind in ("update", "status.update") and event.status_id is not None:
        return await _status_event(session, event.kind, event.status_id, listeners)
    if event.kind == "delete" and event.deleted is not None:
        return await _deletion(session, event.deleted, listeners)
    mine = [x for x in listeners if x.account_id == event.account_id]
    if event.kind == "notification" and event.object_id is not None:
        return await _notification(session, event.object_id, mine)
    if event.kind == "conversation" and event.object_id is not None:
        return await _conversation(session, event.object_id, mine)
    if event.kind == "filters_changed":
        return [Delivery(x.key, event.kind, None) for x in mine if x.subscription.name == "user"]
    return []


@dataclass
class _Facts:
    """A status as the stream rules see it (alive or just deleted)."""

    id: int
    account_id: int
    visibility: str
    local: bool
    reblog: bool
    in_reply_to_account_id: int | None
    has_media: bool
    tags: set[str]


def _broadcast(facts: _Facts, sub: Subscription) -> bool:
    """The public and hashtag streams (Mastodon's): public originals only; the public ones
    leave out replies to others."""
    if facts.visibility != "public" or facts.reblog:
        return False
    if sub.name.startswith("hashtag"):
        return sub.tag in facts.tags and (sub.name == "hashtag" or facts.local)
    rule = PUBLIC_STREAMS.get(sub.name)
    if rule is None:
        return False
    local, media = rule
    if facts.in_reply_to_account_id not in (None, facts.account_id):
        return False
    if local is not None and facts.local != local:
        return False
    return facts.has_media or not media


async def _status_event(
    session: AsyncSession, kind: str, status_id: int, listeners: Sequence[Listener]
) -> list[Delivery]:
    status = await session.get(Status, status_id)
    if status is None:
        return []
    tag_rows = await session.execute(
        select(Tag.id, Tag.name_key)
        .join(StatusTag, StatusTag.tag_id == Tag.id)
        .where(StatusTag.status_id == status.id)
    )
    tag_ids, tags = set(), set()
    for tag_id, key in tag_rows.all():
        tag_ids.add(tag_id)
        tags.add(key)
    facts = _Facts(
        status.id,
        status.account_id,
        status.visibility,
        status.local,
        status.reblog_of_id is not None,
        status.in_reply_to_account_id,
        bool(getattr(status, "has_media", False)),
        tags,
    )
    accepted: list[Listener] = []
    broadcast = [x for x in listeners if _broadcast(facts, x.subscription)]
    shown = await _viewers_where(
        session, status.id, {x.account_id for x in broadcast}, _author_shown
    )
    accepted += [x for x in broadcast if x.account_id in shown]
    accepted += await _home_listeners(session, status, tag_ids, listeners)
    accepted += await _list_listeners(session, status, listeners)
    # Presented per filter context for all its recipients at once (domains/statuses/
    # audience.py): each one's flags and filters ("hide" ones leave the status out).
    by_context: dict[str, set[int]] = {}
    for listener in accepted:
        by_context.setdefault(_filter_context(listener.subscription), set()).add(
            listener.account_id
        )
    views: dict[tuple[int, str], StatusView | None] = {}
    for context, viewers in by_context.items():
        for viewer, view in (await present_to_viewers(session, status, viewers, context)).items():
            views[(viewer, context)] = view
    deliveries = []
    for listener in accepted:
        view = views.get((listener.account_id, _filter_context(listener.subscription)))
        if view is not None:
            deliveries.append(Delivery(listener.key, kind, view))
    return deliveries


def _filter_context(sub: Subscription) -> str:
    """Mastodon's filter contexts: lists filter as home, tags as public."""
    return "home" if sub.name in ("user", "list") else "public"


def _author_shown(viewer_id: int) -> ColumnElement[bool]:
    return and_(~status_author_hidden(viewer_id), ~author_limited(viewer_id))


async def _viewers_where(
    session: AsyncSession,
    status_id: int,
    viewers: set[int],
    clause: Callable[[int], ColumnElement[bool]],
) -> set[int]:
    """Which of ``viewers`` pass ``clause(viewer)`` for the status: one round trip (per
    chunk) however many viewers, each with the rule of the timeline it stands for."""
    found: set[int] = set()
    ordered = sorted(viewers)
    for start in range(0, len(ordered), UNION_CHUNK):
        chunk = ordered[start : start + UNION_CHUNK]
        selects = [
            select(literal(v).label("viewer")).where(Status.id == status_id, clause(v))
            for v in chunk
        ]
        stmt: Any = selects[0] if len(selects) == 1 else union_all(*selects)
        found |= {int(v) for v in (await session.execute(stmt)).scalars()}
    return found


async def _home_listeners(
    session: AsyncSession, status: Status, tag_ids: set[int], listeners: Sequence[Listener]
) -> list[Listener]:
    """The ``user`` stream shows what the home timeline would show: its own query decides,
    asked only for the listeners who follow the author or one of the tags (or wrote it)."""
    users = [x for x in listeners if x.subscription.name == "user"]
    if not users:
        return []
    candidates = {x.account_id for x in users}
    followers = set(
        (
            await session.execute(
                select(Follow.account_id).where(
                    Follow.target_account_id == status.account_id,
                    Follow.account_id.in_(candidates),
                )
            )
        ).scalars()
    )
    if tag_ids:
        followers |= set(
            (
                await session.execute(
                    select(TagFollow.account_id).where(
                        TagFollow.tag_id.in_(tag_ids), TagFollow.account_id.in_(candidates)
                    )
                )
            ).scalars()
        )
    followers.add(status.account_id)
    params = {"viewers": list(candidates & followers), "status_id": status.id}
    shown = set((await session.execute(_home_viewers(), params)).scalars())
    return [x for x in users if x.account_id in shown]


@cache
def _home_viewers() -> Any:
    """Which viewers' home timelines show the status: the home rule with the viewer as a
    column, for all of them in one query, built once (building it costs more than running
    it)."""
    return select(Account.id).where(
        Account.id.in_(bindparam("viewers", expanding=True)),
        Status.id == bindparam("status_id", type_=BigInteger()),
        home_rule(Account.id),
    )


async def _list_listeners(
    session: AsyncSession, status: Status, listeners: Sequence[Listener]
) -> list[Listener]:
    """The ``list`` stream: the list's own timeline query decides, for lists the author
    is a member of."""
    subscribed = {x.subscription.list_id for x in listeners if x.subscription.name == "list"}
    if not subscribed:
        return []
    rows = await session.execute(
        select(List)
        .join(ListAccount, ListAccount.list_id == List.id)
        .where(List.id.in_(subscribed), ListAccount.account_id == status.account_id)
    )
    only_this = PageParams(limit=1, max_id=status.id + 1, since_id=status.id - 1)
    shown = set()
    for row in rows.scalars():
        if await list_timeline.list_statuses(session, row, only_this):
            shown.add(row.id)
    # The list's owner is the only one who could subscribe to it (streams.resolve).
    return [
        x for x in listeners if x.subscription.name == "list" and x.subscription.list_id in shown
    ]


async def _deletion(
    session: AsyncSession, gone: StatusSnapshot, listeners: Sequence[Listener]
) -> list[Delivery]:
    """``delete`` goes wherever the status could have been shown: the public and tag
    streams for a public status, and the author, the mentioned and (unless direct) the
    followers of the author on the user, list and direct streams."""
    facts = _Facts(
        gone.id,
        gone.account_id,
        gone.visibility,
        gone.local,
        gone.reblog_of_id is not None,
        gone.in_reply_to_account_id,
        gone.has_media,
        set(gone.tags),
    )
    personal = [x for x in listeners if x.subscription.name in ("user", "list", "direct")]
    audience = {gone.account_id, *gone.mention_ids}
    candidates = {x.account_id for x in personal} - audience
    if candidates and gone.visibility != "direct":
        audience |= set(
            (
                await session.execute(
                    select(Follow.account_id).where(
                        Follow.target_account_id == gone.account_id,
                        Follow.account_id.in_(candidates),
                    )
                )
            ).scalars()
        )
    payload = str(gone.id)
    deliveries = [
        Delivery(x.key, "delete", payload) for x in listeners if _broadcast(facts, x.subscription)
    ]
    for listener in personal:
        if listener.account_id not in audience:
            continue
        if listener.subscription.name == "direct" and gone.visibility != "direct":
            continue
        deliveries.append(Delivery(listener.key, "delete", payload))
    return deliveries


async def _notification(
    session: AsyncSession, notification_id: int, mine: Sequence[Listener]
) -> list[Delivery]:
    wanted = [
        x
        for x in mine
        if x.subscription.name == "user:notification"
        or (x.subscription.name == "user" and x.notifications)
    ]
    if not wanted:
        return []
    row = await session.get(Notification, notification_id)
    if row is None or row.account_id != wanted[0].account_id:
        return []
    views = await present_notifications(session, row.account_id, [row])
    if not views:
        return []
    return [Delivery(x.key, "notification", views[0]) for x in wanted]


async def _conversation(
    session: AsyncSession, conversation_id: int, mine: Sequence[Listener]
) -> list[Delivery]:
    wanted = [x for x in mine if x.subscription.name == "direct"]
    if not wanted:
        return []
    viewer = await session.get(Account, wanted[0].account_id)
    row = await session.get(AccountConversation, conversation_id)
    if viewer is None or row is None or row.account_id != viewer.id:
        return []
    views = await conversations.present(session, viewer, [row])
    if not views or views[0].last_status is None:
        return []
    return [Delivery(x.key, "conversation", views[0]) for x in wanted]
