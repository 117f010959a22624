"""Profiles: header, avatar, bio, fields, counts and follower ratio; posts, posts with
replies, media; followers and following (hideable); follow, unfollow, block, mute; the
follow requests of a locked account."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from gazouille.core.errors import NotFound
from gazouille.core.ids import parse_id
from gazouille.core.pagination import PageParams
from gazouille.domains.accounts import service as accounts
from gazouille.domains.relationships import blocks, mutes
from gazouille.domains.relationships import service as relationships
from gazouille.domains.relationships.service import FollowOptions, Relationship
from gazouille.domains.statuses.presenters import present_statuses
from gazouille.domains.statuses.queries import AccountStatusesFilter, account_statuses
from gazouille.models import Account
from gazouille.web import context as web
from gazouille.web.forms import form_id, read_form
from gazouille.web.pages import back, render, render_fragment
from gazouille.web.routing import web_router
from gazouille.web.views.timelines import PAGE_SIZE, more_url

router = web_router()
TABS = {
    "": AccountStatusesFilter(exclude_replies=True),
    "with_replies": AccountStatusesFilter(),
    "media": AccountStatusesFilter(only_media=True),
}


async def find_account(session: AsyncSession, acct: str) -> Account:
    account = await accounts.find_by_acct(session, acct)
    if account is None or account.suspended_at is not None:
        raise NotFound()
    return account


def follower_ratio(account: Account) -> str | None:
    """Followers per account followed, one decimal; None when it follows nobody."""
    if account.following_count <= 0:
        return None
    return f"{max(account.followers_count, 0) / account.following_count:.1f}"


async def _relationship(
    session: AsyncSession, viewer_id: int | None, account: Account
) -> Relationship | None:
    if viewer_id is None or viewer_id == account.id:
        return None
    (found,) = await relationships.relationships(session, viewer_id, [account.id])
    return found


async def _profile(request: Request, acct: str, tab: str) -> Response:
    current = (await web.viewer(request)).current
    viewer_id = current.account.id if current else None
    page = PageParams(limit=PAGE_SIZE, max_id=parse_id(request.query_params.get("max_id")))
    async with web.state(request).db.read() as session:
        account = await find_account(session, acct)
        relation = await _relationship(session, viewer_id, account)
        hidden = relation is not None and relation.blocked_by
        rows = (
            [] if hidden else await account_statuses(session, viewer_id, account, page, TABS[tab])
        )
        views = await present_statuses(session, viewer_id, rows)
    path = request.url.path
    values: dict[str, Any] = {
        "account": account,
        "relation": relation,
        "tab": tab,
        "items": views,
        "more_url": more_url(path, rows),
        "live_url": None,
        "ratio": follower_ratio(account),
        "own": viewer_id == account.id,
    }
    if web.is_htmx(request) and "max_id" in request.query_params:
        return await render_fragment(request, "timelines/_items.html", **values)
    return await render(request, "accounts/profile.html", **values)


@router.get("/@{acct}")
async def profile(request: Request, acct: str) -> Response:
    return await _profile(request, acct, "")


@router.get("/@{acct}/with_replies")
async def profile_with_replies(request: Request, acct: str) -> Response:
    return await _profile(request, acct, "with_replies")


@router.get("/@{acct}/media")
async def profile_media(request: Request, acct: str) -> Response:
    return await _profile(request, acct, "media")


Lister = Callable[[AsyncSession, int, PageParams], Awaitable[list[tuple[int, Account]]]]


async def _people(request: Request, acct: str, lister: Lister, kind: str) -> Response:
    current = (await web.viewer(request)).current
    page = PageParams(limit=40, max_id=parse_id(request.query_params.get("max_id")))
    async with web.state(request).db.read() as session:
        account = await find_account(session, acct)
        own = current is not None and current.account.id == account.id
        hidden = account.hide_collections and not own
        rows = [] if hidden else await lister(session, account.id, page)
    more = ""
    if len(rows) == page.limit:
        more = f"{request.url.path}?max_id={rows[-1][0]}"
    return await render(
        request,
        "accounts/people.html",
        account=account,
        people=[a for _, a in rows],
        kind=kind,
        hidden=hidden,
        more_url=more,
        ratio=follower_ratio(account),
        relation=None,
        own=own,
    )


@router.get("/@{acct}/followers")
async def followers(request: Request, acct: str) -> Response:
    return await _people(request, acct, relationships.followers, "followers")


@router.get("/@{acct}/following")
async def following(request: Request, acct: str) -> Response:
    return await _people(request, acct, relationships.following, "following")


async def _target(session: AsyncSession, account_id: int | None) -> Account:
    account = await session.get(Account, account_id) if account_id else None
    if account is None or account.suspended_at is not None:
        raise NotFound()
    return account


@router.post("/accounts/{account_id}/{action}")
async def relationship_action(request: Request, account_id: str, action: str) -> Response:
    current = await web.require_user(request)
    form = await read_form(request)
    me = current.account
    async with web.state(request).db.write() as session:
        target = await _target(session, parse_id(account_id))
        if action == "follow":
            await relationships.follow(session, me, target, FollowOptions())
        elif action == "unfollow":
            await relationships.unfollow(session, me, target)
        elif action == "block":
            await blocks.block(session, me, target)
        elif action == "unblock":
            await blocks.unblock(session, me, target)
        elif action == "mute":
            await mutes.mute(session, me, target)
        elif action == "unmute":
            await mutes.unmute(session, me, target)
        else:
            raise NotFound()
    return back(request, form, f"/@{target.username}" if target.domain is None else "/home")


@router.get("/follow_requests")
async def follow_requests(request: Request) -> Response:
    current = await web.require_user(request)
    page = PageParams(limit=40, max_id=parse_id(request.query_params.get("max_id")))
    async with web.state(request).db.read() as session:
        rows = await relationships.follow_requests(session, current.account.id, page)
    return await render(request, "accounts/follow_requests.html", people=[a for _, a in rows])


@router.post("/follow_requests/{decision}")
async def decide_request(request: Request, decision: str) -> Response:
    current = await web.require_user(request)
    form = await read_form(request)
    requester = form_id(form, "account_id")
    async with web.state(request).db.write() as session:
        if decision == "authorize":
            await relationships.authorize_request(session, current.account, requester or 0)
        elif decision == "reject":
            await relationships.reject_request(session, current.account, requester or 0)
        else:
            raise NotFound()
    return back(request, form, "/follow_requests")
