"""/api/v1/admin/domain_blocks (Mastodon's admin API, admins only) and the public
/api/v1/instance/domain_blocks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from gazouille.api.auth import Viewer, optional_viewer, require_viewer, state
from gazouille.api.common import page_params
from gazouille.api.params import Params, read_params
from gazouille.api.responses import JSON, error, paged
from gazouille.core.clock import iso
from gazouille.core.errors import Forbidden, NotFound
from gazouille.core.ids import parse_id
from gazouille.domains import instance
from gazouille.domains.accounts.admin import can_administer
from gazouille.domains.federation import domain_blocks as blocks
from gazouille.models import DomainBlock

router = APIRouter()
PATH = "/api/v1/admin/domain_blocks"


def admin_block_json(block: DomainBlock) -> dict[str, Any]:
    """Mastodon's Admin::DomainBlock."""
    return {
        "id": str(block.id),
        "domain": block.domain,
        "digest": blocks.digest(block.domain),
        "created_at": iso(block.created_at),
        "severity": block.severity,
        "reject_media": block.reject_media,
        "reject_reports": block.reject_reports,
        "private_comment": block.private_comment or None,
        "public_comment": block.public_comment or None,
        "obfuscate": block.obfuscate,
    }


def public_block_json(block: DomainBlock, with_comment: bool) -> dict[str, Any]:
    """Mastodon's DomainBlock (the public one); ``comment`` is null when the admin keeps the
    reasons to themselves (Mastodon leaves the key out; typed clients prefer a null)."""
    return {
        "domain": blocks.public_domain(block),
        "digest": blocks.digest(block.domain),
        "severity": block.severity,
        "comment": (block.public_comment or None) if with_comment else None,
    }


async def _admin(request: Request, scope: str) -> Viewer:
    viewer = await require_viewer(request, scope)
    if not can_administer(viewer.user):
        raise Forbidden()
    return viewer


def _changes(params: Params, *, creating: bool) -> blocks.BlockChanges:
    return blocks.BlockChanges(
        domain=params.get_str("domain") if creating else None,
        severity=params.get_str("severity"),
        reject_media=params.get_bool("reject_media"),
        reject_reports=params.get_bool("reject_reports"),
        private_comment=params.get_str("private_comment"),
        public_comment=params.get_str("public_comment"),
        obfuscate=params.get_bool("obfuscate"),
    )


@router.get(PATH)
async def list_blocks(request: Request) -> JSON:
    await _admin(request, "admin:read:domain_blocks")
    params = await read_params(request)
    page = page_params(params, default=100, maximum=200)
    async with state(request).db.read() as session:
        rows = await blocks.list_blocks(session, page)
    return paged(request, [admin_block_json(b) for b in rows], [b.id for b in rows])


@router.get(PATH + "/{block_id}")
async def show_block(request: Request, block_id: str) -> JSON:
    await _admin(request, "admin:read:domain_blocks")
    async with state(request).db.read() as session:
        block = await blocks.get_block(session, parse_id(block_id))
    return JSON(admin_block_json(block))


@router.post(PATH)
async def create_block(request: Request) -> JSON:
    await _admin(request, "admin:write:domain_blocks")
    params = await read_params(request)
    try:
        async with state(request).db.write() as session:
            block = await blocks.create_block(session, _changes(params, creating=True))
    except blocks.ExistingDomainBlock as exc:
        return error(422, exc.message, existing_domain_block=admin_block_json(exc.block))
    return JSON(admin_block_json(block))


@router.put(PATH + "/{block_id}")
async def update_block(request: Request, block_id: str) -> JSON:
    await _admin(request, "admin:write:domain_blocks")
    params = await read_params(request)
    async with state(request).db.write() as session:
        block = await blocks.update_block(
            session, parse_id(block_id), _changes(params, creating=False)
        )
    return JSON(admin_block_json(block))


@router.delete(PATH + "/{block_id}")
async def delete_block(request: Request, block_id: str) -> JSON:
    await _admin(request, "admin:write:domain_blocks")
    async with state(request).db.write() as session:
        await blocks.delete_block(session, parse_id(block_id))
    return JSON({})


@router.get("/api/v1/instance/domain_blocks")
async def instance_domain_blocks(request: Request) -> JSON:
    """As Mastodon: 404 unless the admin shows the list (to everyone, or to signed-in
    users); the public comments only when the admin shows those too."""
    viewer = await optional_viewer(request)
    async with state(request).db.read() as session:
        settings = await instance.load_settings(session)
        signed_in = viewer is not None
        if not blocks.disclosed(settings.show_domain_blocks, signed_in):
            raise NotFound()
        with_comment = blocks.disclosed(settings.show_domain_blocks_rationale, signed_in)
        rows = await blocks.public_blocks(session)
    return JSON([public_block_json(b, with_comment) for b in rows])
