"""/api/v1/markers: where the user stopped reading home and notifications."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from gazouille.api.auth import require_viewer, state
from gazouille.api.params import read_params
from gazouille.api.responses import JSON
from gazouille.core.clock import iso
from gazouille.core.errors import ValidationFailed
from gazouille.core.ids import parse_id
from gazouille.domains.markers import service as markers
from gazouille.models import Marker

router = APIRouter()


def _markers_json(found: dict[str, Marker]) -> dict[str, Any]:
    return {
        timeline: {
            "last_read_id": str(marker.last_read_id),
            "version": marker.version,
            "updated_at": iso(marker.updated_at),
        }
        for timeline, marker in found.items()
    }


@router.get("/api/v1/markers")
async def get_markers(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:statuses")
    params = await read_params(request)
    async with state(request).db.read() as session:
        found = await markers.get_markers(session, viewer.account_id, params.get_strs("timeline"))
    return JSON(_markers_json(found))


@router.post("/api/v1/markers")
async def save_markers(request: Request) -> JSON:
    viewer = await require_viewer(request, "write:statuses")
    params = await read_params(request)
    positions: dict[str, int] = {}
    for timeline in markers.TIMELINES:
        if timeline not in params:
            continue
        raw = params.sub(timeline).raw("last_read_id")
        position = parse_id(raw) if isinstance(raw, (str, int)) else None
        if position is None:
            raise ValidationFailed(f"Validation failed: {timeline} last_read_id must be an id")
        positions[timeline] = position
    async with state(request).db.write() as session:
        saved = await markers.save_markers(session, viewer.account_id, positions)
    return JSON(_markers_json(saved))
