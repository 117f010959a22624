"""One's blocks, mutes, blocked domains and endorsements; preferences; announcements."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gazouille.api.auth import require_viewer, state
from gazouille.api.common import page_params
from gazouille.api.params import read_params
from gazouille.api.responses import JSON, paged
from gazouille.api.serializers import account_json
from gazouille.api.social_json import muted_account_json, preferences_json
from gazouille.domains.relationships import blocks, endorsements, mutes

router = APIRouter()


@router.get("/api/v1/blocks")
async def list_blocks(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:blocks")
    params = await read_params(request)
    async with state(request).db.read() as session:
        rows = await blocks.blocked_accounts(
            session, viewer.account_id, page_params(params, default=40, maximum=80)
        )
    return paged(request, [account_json(a) for _, a in rows], [c for c, _ in rows])


@router.get("/api/v1/mutes")
async def list_mutes(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:mutes")
    params = await read_params(request)
    async with state(request).db.read() as session:
        rows = await mutes.muted_accounts(
            session, viewer.account_id, page_params(params, default=40, maximum=80)
        )
    return paged(request, [muted_account_json(m) for _, m in rows], [c for c, _ in rows])


@router.get("/api/v1/domain_blocks")
async def list_domain_blocks(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:blocks")
    params = await read_params(request)
    async with state(request).db.read() as session:
        rows = await blocks.blocked_domains(
            session, viewer.account_id, page_params(params, default=100, maximum=200)
        )
    return paged(request, [d for _, d in rows], [c for c, _ in rows])


@router.post("/api/v1/domain_blocks")
async def block_domain(request: Request) -> JSON:
    viewer = await require_viewer(request, "write:blocks")
    params = await read_params(request)
    async with state(request).db.write() as session:
        await blocks.block_domain(session, viewer.account, params.get_str("domain") or "")
    return JSON({})


@router.delete("/api/v1/domain_blocks")
async def unblock_domain(request: Request) -> JSON:
    viewer = await require_viewer(request, "write:blocks")
    params = await read_params(request)
    async with state(request).db.write() as session:
        await blocks.unblock_domain(session, viewer.account, params.get_str("domain") or "")
    return JSON({})


@router.get("/api/v1/endorsements")
async def list_endorsements(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:accounts")
    params = await read_params(request)
    async with state(request).db.read() as session:
        rows = await endorsements.endorsed_accounts(
            session, viewer.account_id, page_params(params, default=40, maximum=80)
        )
    return paged(request, [account_json(a) for _, a in rows], [c for c, _ in rows])


@router.get("/api/v1/preferences")
async def preferences(request: Request) -> JSON:
    viewer = await require_viewer(request, "read:accounts")
    return JSON(preferences_json(viewer.user))


@router.get("/api/v1/announcements")
async def announcements(request: Request) -> JSON:
    """Gazouille has no announcements yet (no model, no admin screen): always an empty list,
    which clients that ask at start-up (Tusky, the web app) handle as "none"."""
    await require_viewer(request, "read")
    return JSON([])
