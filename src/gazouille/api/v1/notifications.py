"""/api/v1/notifications."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.api.auth import require_viewer, state, viewer_session
from gazouille.api.common import page_params
from gazouille.api.params import Params, read_params
from gazouille.api.responses import JSON, paged
from gazouille.api.serializers import notification_json
from gazouille.core.errors import NotFound
from gazouille.core.ids import parse_id
from gazouille.domains.notifications import service as notifications
from gazouille.models import Notification

router = APIRouter()


def notification_filter(params: Params) -> notifications.NotificationFilter:
    return notifications.NotificationFilter(
        types=params.get_strs("types"),
        exclude_types=params.get_strs("exclude_types"),
        # An unknown account sends nothing: 0 matches no notification.
        from_account_id=params.get_id("account_id") or (0 if "account_id" in params else None),
    )


async def _render(
    session: AsyncSession, viewer_id: int, rows: Sequence[Notification]
) -> list[dict[str, Any]]:
    return [
        notification_json(v.notification, v.account, v.status)
        for v in await notifications.present(session, viewer_id, rows)
    ]


@router.get("/api/v1/notifications")
async def list_notifications(request: Request) -> JSON:
    async with viewer_session(request, "read:notifications") as (viewer, session):
        params = await read_params(request)
        flt = notification_filter(params)
        rows = await notifications.list_notifications(
            session,
            viewer.account_id,
            page_params(params, default=40, maximum=80),
            types=flt.types,
            exclude_types=flt.exclude_types,
            from_account_id=flt.from_account_id,
        )
        items = await _render(session, viewer.account_id, rows)
    return paged(request, items, [r.id for r in rows])


@router.get("/api/v1/notifications/unread_count")
async def unread_count(request: Request) -> JSON:
    """Notifications newer than the notifications marker (``limit`` 100 by default, at most
    1000), with the same filters as the list."""
    viewer = await require_viewer(request, "read:notifications")
    params = await read_params(request)
    limit = params.get_int("limit", 100, low=1, high=1000) or 100
    async with state(request).db.read() as session:
        count = await notifications.unread_count(
            session, viewer.account_id, limit, notification_filter(params)
        )
    return JSON({"count": count})


@router.post("/api/v1/notifications/clear")
async def clear(request: Request) -> JSON:
    viewer = await require_viewer(request, "write:notifications")
    async with state(request).db.write() as session:
        await notifications.clear(session, viewer.account_id)
    return JSON({})


@router.get("/api/v1/notifications/{notification_id}")
async def get_one(request: Request, notification_id: str) -> JSON:
    viewer = await require_viewer(request, "read:notifications")
    async with state(request).db.read() as session:
        row = await notifications.access_notification(
            session, viewer.account_id, parse_id(notification_id) or 0
        )
        items = await _render(session, viewer.account_id, [row])
    if not items:
        raise NotFound()
    return JSON(items[0])


@router.post("/api/v1/notifications/{notification_id}/dismiss")
async def dismiss(request: Request, notification_id: str) -> JSON:
    viewer = await require_viewer(request, "write:notifications")
    async with state(request).db.write() as session:
        await notifications.dismiss(session, viewer.account_id, parse_id(notification_id) or 0)
    return JSON({})
