"""/api/v1/scheduled_statuses: list, read, move and cancel scheduled statuses."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from gazouille.api.auth import require_viewer, state
from gazouille.api.common import page_params
from gazouille.api.params import read_params
from gazouille.api.responses import JSON, paged
from gazouille.api.serializers import scheduled_status_json
from gazouille.core.ids import parse_id
from gazouille.domains.scheduled import service as scheduled

router = APIRouter()


@router.get("/api/v1/scheduled_statuses")
async def list_scheduled(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:statuses")
    params = await read_params(request)
    async with state(request).db.read() as session:
        rows = await scheduled.list_scheduled(session, viewer.account, page_params(params))
        views = await scheduled.present(session, rows)
    return paged(request, [scheduled_status_json(v) for v in views], [r.id for r in rows])


async def _one(request: Request, scheduled_id: str) -> dict[str, Any]:
    viewer = await require_viewer(request, "read:statuses")
    async with state(request).db.read() as session:
        row = await scheduled.get_own(session, viewer.account, parse_id(scheduled_id))
        (view,) = await scheduled.present(session, [row])
    return scheduled_status_json(view)


@router.get("/api/v1/scheduled_statuses/{scheduled_id}")
async def get_scheduled(request: Request, scheduled_id: str) -> JSON:
    return JSON(await _one(request, scheduled_id))


@router.put("/api/v1/scheduled_statuses/{scheduled_id}")
async def reschedule(request: Request, scheduled_id: str) -> JSON:
    viewer = await require_viewer(request, "write:statuses")
    params = await read_params(request)
    async with state(request).db.write() as session:
        row = await scheduled.reschedule(
            session, viewer.account, parse_id(scheduled_id), params.get_str("scheduled_at")
        )
        (view,) = await scheduled.present(session, [row])
    return JSON(scheduled_status_json(view))


@router.delete("/api/v1/scheduled_statuses/{scheduled_id}")
async def cancel(request: Request, scheduled_id: str) -> JSON:
    viewer = await require_viewer(request, "write:statuses")
    async with state(request).db.write() as session:
        await scheduled.cancel(session, viewer.account, parse_id(scheduled_id))
    return JSON({})
