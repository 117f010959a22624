"""GET /api/v2/search: accounts, hashtags and statuses, as Mastodon answers it."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gazouille.api.auth import optional_viewer, state
from gazouille.api.common import render_statuses
from gazouille.api.params import BadRequest, read_params
from gazouille.api.responses import JSON
from gazouille.api.serializers import account_json
from gazouille.api.v1.tags import render_tags
from gazouille.core.errors import Unauthorized
from gazouille.domains.federation.resolver import ResolvedQuery, resolve_remote
from gazouille.domains.search.service import SearchRequest, search

router = APIRouter()
RESULTS_LIMIT = 20
MAX_QUERY = 500  # characters kept of a query; the rest cannot matter to eight words


@router.get("/api/v2/search")
async def search_v2(request: Request) -> JSON:
    viewer = await optional_viewer(request, "read:search")
    params = await read_params(request)
    q = params.get_str("q")
    if q is None or not q.strip():
        raise BadRequest("param is missing or the value is empty: q")
    if viewer is None:
        if params.get_str("offset"):
            raise Unauthorized("Search queries pagination is not supported without authentication")
        if params.get_bool("resolve", False):
            raise Unauthorized(
                "Search queries that resolve remote resources are not supported without "
                "authentication"
            )
    limit = params.get_int("limit", RESULTS_LIMIT)
    offset = params.get_int("offset", 0)
    if (limit is not None and limit < 0) or (offset is not None and offset < 0):
        raise BadRequest("Pagination values for `offset` and `limit` must be positive")
    kind = params.get_str("type") or None
    viewer_id = viewer.account_id if viewer else None
    resolved = ResolvedQuery()
    if viewer is not None and params.get_bool("resolve", False):
        resolved = await resolve_remote(q, want=kind)
    wanted = SearchRequest(
        q=q[:MAX_QUERY],
        type=kind if kind in ("accounts", "hashtags", "statuses") else None,
        resolve=bool(params.get_bool("resolve", False)),
        following=bool(params.get_bool("following", False)) and viewer is not None,
        account_id=params.get_id("account_id"),
        limit=RESULTS_LIMIT if limit is None else min(limit, RESULTS_LIMIT * 2),
        offset=offset or 0,
        max_id=params.get_id("max_id"),
        min_id=params.get_id("min_id"),
        resolved_account_id=resolved.account_id,
        resolved_status_id=resolved.status_id,
    )
    if kind is not None and wanted.type is None:
        return JSON({"accounts": [], "statuses": [], "hashtags": [], "collections": []})
    async with state(request).db.read() as session:
        found = await search(session, viewer_id, wanted)
        return JSON(
            {
                "accounts": [account_json(a) for a in found.accounts],
                "statuses": await render_statuses(session, viewer_id, found.statuses),
                "hashtags": await render_tags(session, viewer_id, found.hashtags),
                "collections": [],  # Mastodon 4.6's collections do not exist here
            }
        )
