"""A post's page (the thread around it; public posts readable without an account, with
OpenGraph tags) and the actions on a post: like, repost, bookmark, vote, delete."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from gazouille.core.errors import NotFound
from gazouille.core.ids import parse_id
from gazouille.domains.accounts import service as accounts
from gazouille.domains.polls import service as polls
from gazouille.domains.statuses import queries
from gazouille.domains.statuses import service as statuses
from gazouille.domains.statuses.policy import access_status
from gazouille.domains.statuses.presenters import present_statuses
from gazouille.models import Account, Status
from gazouille.web import context as web
from gazouille.web.forms import form_id, read_form
from gazouille.web.pages import back, render, render_fragment
from gazouille.web.routing import web_router

router = web_router()
Action = Callable[[AsyncSession, Account, int | None], Awaitable[object]]

ACTIONS: dict[str, Action] = {
    "favourite": statuses.favourite,
    "unfavourite": statuses.unfavourite,
    "reblog": statuses.reblog,
    "unreblog": statuses.unreblog,
    "bookmark": statuses.bookmark,
    "unbookmark": statuses.unbookmark,
}


async def _rerender(request: Request, item_id: int | None, fallback_id: int | None) -> Response:
    """The post as it now looks, for htmx to swap in (the timeline item: a repost stays one)."""
    current = await web.require_user(request)
    async with web.state(request).db.read() as session:
        try:
            status = await access_status(session, current.account.id, item_id)
        except NotFound:
            status = await access_status(session, current.account.id, fallback_id)
        views = await present_statuses(session, current.account.id, [status])
    if not views:
        raise NotFound()
    return await render_fragment(request, "statuses/_status.html", item=views[0])


@router.post("/statuses/{status_id}/{action}")
async def act(request: Request, status_id: str, action: str) -> Response:
    handler = ACTIONS.get(action)
    if handler is None and action not in ("vote", "delete"):
        raise NotFound()
    current = await web.require_user(request)
    form = await read_form(request)
    target = parse_id(status_id)
    async with web.state(request).db.write() as session:
        if action == "delete":
            await statuses.delete_status(session, current.account, target)
        elif action == "vote":
            status = await access_status(session, current.account.id, target)
            poll = await polls.poll_of(session, status.id)
            if poll is None:
                raise NotFound()
            choices = [str(c) for c in form.getlist("choices")]
            await polls.vote(session, current.account, poll.id, choices)
        elif handler is not None:
            await handler(session, current.account, target)
    if action == "delete":
        next_url = str(form.get("next") or "")
        if next_url.startswith(f"/@{current.account.username}/{target}"):
            return back(request, None, "/home")
        return back(request, form)
    if web.is_htmx(request):
        item = form_id(form, "item")
        # An undone repost no longer exists: show the original instead.
        return await _rerender(request, item if action != "unreblog" else target, target)
    return back(request, form)


async def _author(session: AsyncSession, acct: str) -> Account:
    account = await accounts.find_by_acct(session, acct)
    if account is None or account.suspended_at is not None:
        raise NotFound()
    return account


@router.get("/@{acct}/{status_id}")
async def thread(request: Request, acct: str, status_id: str) -> Response:
    """The post and its thread. Without an account, only what the visibility policy shows
    to anyone."""
    current = (await web.viewer(request)).current
    viewer_id = current.account.id if current else None
    async with web.state(request).db.read() as session:
        author = await _author(session, acct)
        status = await access_status(session, viewer_id, parse_id(status_id))
        if status.account_id != author.id or status.reblog_of_id is not None:
            raise NotFound()
        around = await queries.context(session, viewer_id, status)
        rows: list[Status] = [*around.ancestors, status, *around.descendants]
        views = await present_statuses(session, viewer_id, rows)
    by_id = {v.status.id: v for v in views}
    focus = by_id.get(status.id)
    if focus is None:
        raise NotFound()
    return await render(
        request,
        "statuses/thread.html",
        focus=focus,
        ancestors=[by_id[s.id] for s in around.ancestors if s.id in by_id],
        descendants=[by_id[s.id] for s in around.descendants if s.id in by_id],
    )
