"""Follow suggestions: /api/v2/suggestions, /api/v1/suggestions, and dismissing one."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gazouille.api.auth import require_viewer, state
from gazouille.api.common import access_account
from gazouille.api.params import read_params
from gazouille.api.responses import JSON
from gazouille.api.serializers import account_json
from gazouille.api.v1.discovery_json import suggestion_json
from gazouille.core.ids import parse_id
from gazouille.domains.suggestions import service as suggestions

router = APIRouter()
DEFAULT_LIMIT = 40


@router.get("/api/v2/suggestions")
async def suggestions_v2(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:accounts")
    params = await read_params(request)
    limit = params.get_int("limit", DEFAULT_LIMIT, low=1, high=DEFAULT_LIMIT * 2) or DEFAULT_LIMIT
    async with state(request).db.read() as session:
        found = await suggestions.suggestions(session, viewer.account_id, limit)
    return JSON([suggestion_json(s) for s in found])


@router.get("/api/v1/suggestions")
async def suggestions_v1(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:accounts")
    params = await read_params(request)
    limit = params.get_int("limit", DEFAULT_LIMIT, low=1, high=DEFAULT_LIMIT * 2) or DEFAULT_LIMIT
    async with state(request).db.read() as session:
        found = await suggestions.suggestions(session, viewer.account_id, limit)
    return JSON([account_json(s.account) for s in found])


@router.delete("/api/v1/suggestions/{account_id}")
async def dismiss(request: Request, account_id: str) -> JSON:
    viewer = await require_viewer(request, "write:accounts")
    async with state(request).db.write() as session:
        target = await access_account(session, parse_id(account_id))
        await suggestions.dismiss(session, viewer.account_id, target.id)
    return JSON({})
