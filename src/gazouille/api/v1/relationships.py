"""Acting on another account: block, mute, note, endorse, remove from followers; and the
lists and endorsements seen from an account's page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession

from gazouille.api.auth import optional_viewer, require_viewer, state
from gazouille.api.common import access_account, page_params
from gazouille.api.params import read_params
from gazouille.api.responses import JSON, paged
from gazouille.api.serializers import account_json, relationship_json
from gazouille.api.social_json import list_json
from gazouille.core.ids import parse_id
from gazouille.domains.lists import service as lists
from gazouille.domains.relationships import blocks, endorsements, mutes, notes
from gazouille.domains.relationships import service as relationships
from gazouille.models import Account

router = APIRouter()
Action = Callable[[AsyncSession, Account, Account], Awaitable[None]]


async def _act(request: Request, account_id: str, scope: str, action: Action) -> JSON:
    """Check the token, run ``action`` on the target, answer the new Relationship."""
    viewer = await require_viewer(request, scope)
    async with state(request).db.write() as session:
        target = await access_account(session, parse_id(account_id))
        await action(session, viewer.account, target)
        (rel,) = await relationships.relationships(session, viewer.account_id, [target.id])
    return JSON(relationship_json(rel))


@router.post("/api/v1/accounts/{account_id}/block")
async def block(request: Request, account_id: str) -> JSON:
    return await _act(request, account_id, "write:blocks", blocks.block)


@router.post("/api/v1/accounts/{account_id}/unblock")
async def unblock(request: Request, account_id: str) -> JSON:
    return await _act(request, account_id, "write:blocks", blocks.unblock)


@router.post("/api/v1/accounts/{account_id}/mute")
async def mute(request: Request, account_id: str) -> JSON:
    await require_viewer(request, "write:mutes")
    params = await read_params(request)
    hide = params.get_bool("notifications", True) is not False
    duration = params.get_int("duration", 0) or 0

    async def action(session: AsyncSession, actor: Account, target: Account) -> None:
        await mutes.mute(session, actor, target, notifications_too=hide, duration=duration)

    return await _act(request, account_id, "write:mutes", action)


@router.post("/api/v1/accounts/{account_id}/unmute")
async def unmute(request: Request, account_id: str) -> JSON:
    return await _act(request, account_id, "write:mutes", mutes.unmute)


@router.post("/api/v1/accounts/{account_id}/note")
async def note(request: Request, account_id: str) -> JSON:
    await require_viewer(request, "write:accounts")
    params = await read_params(request)
    comment = params.get_str("comment") or ""

    async def action(session: AsyncSession, actor: Account, target: Account) -> None:
        await notes.set_note(session, actor, target, comment)

    return await _act(request, account_id, "write:accounts", action)


@router.post("/api/v1/accounts/{account_id}/endorse")
@router.post("/api/v1/accounts/{account_id}/pin")
async def endorse(request: Request, account_id: str) -> JSON:
    return await _act(request, account_id, "write:accounts", endorsements.endorse)


@router.post("/api/v1/accounts/{account_id}/unendorse")
@router.post("/api/v1/accounts/{account_id}/unpin")
async def unendorse(request: Request, account_id: str) -> JSON:
    return await _act(request, account_id, "write:accounts", endorsements.unendorse)


@router.post("/api/v1/accounts/{account_id}/remove_from_followers")
async def remove_from_followers(request: Request, account_id: str) -> JSON:
    async def action(session: AsyncSession, actor: Account, target: Account) -> None:
        await relationships.remove_from_followers(session, actor, target.id)

    return await _act(request, account_id, "write:follows", action)


@router.get("/api/v1/accounts/{account_id}/lists")
async def account_lists(request: Request, account_id: str) -> JSON:
    viewer = await require_viewer(request, "read:lists")
    async with state(request).db.read() as session:
        target = await access_account(session, parse_id(account_id))
        rows = await lists.lists_containing(session, viewer.account_id, target.id)
    return JSON([list_json(r) for r in rows])


@router.get("/api/v1/accounts/{account_id}/endorsements")
async def account_endorsements(request: Request, account_id: str) -> JSON:
    """The accounts featured on a profile (Mastodon 4.4); hidden with the collections."""
    viewer = await optional_viewer(request, "read:accounts")
    params = await read_params(request)
    async with state(request).db.read() as session:
        account = await access_account(session, parse_id(account_id))
        if account.hide_collections and (viewer is None or viewer.account_id != account.id):
            return JSON([])
        rows = await endorsements.endorsed_accounts(
            session, account.id, page_params(params, default=40, maximum=80)
        )
    return paged(request, [account_json(a) for _, a in rows], [c for c, _ in rows])
