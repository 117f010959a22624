"""GET /api/v1/directory: the profile directory of discoverable accounts."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gazouille.api.auth import optional_viewer, state
from gazouille.api.params import read_params
from gazouille.api.responses import JSON
from gazouille.api.serializers import account_json
from gazouille.domains.suggestions.directory import DirectoryQuery, directory

router = APIRouter()
DEFAULT_LIMIT = 40


@router.get("/api/v1/directory")
async def index(request: Request) -> JSON:
    viewer = await optional_viewer(request, "read:accounts")
    params = await read_params(request)
    query = DirectoryQuery(
        order="new" if params.get_str("order") == "new" else "active",
        local=bool(params.get_bool("local", False)),
        limit=params.get_int("limit", DEFAULT_LIMIT, low=1, high=DEFAULT_LIMIT * 2)
        or DEFAULT_LIMIT,
        offset=params.get_int("offset", 0, low=0) or 0,
    )
    async with state(request).db.read() as session:
        rows = await directory(session, viewer.account_id if viewer else None, query)
    return JSON([account_json(a) for a in rows])
