"""Lists: create, rename and delete them, add or remove the people one follows, and read a
list's timeline."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from gazouille.core.errors import NotFound, ValidationFailed
from gazouille.core.ids import parse_id
from gazouille.core.pagination import PageParams
from gazouille.domains.accounts import service as accounts
from gazouille.domains.lists import service as lists
from gazouille.domains.lists.timeline import list_statuses
from gazouille.domains.statuses.presenters import present_statuses
from gazouille.web import context as web
from gazouille.web.forms import FormErrors, errors_from, read_form, text
from gazouille.web.pages import redirect, render, render_fragment
from gazouille.web.routing import web_router
from gazouille.web.views.timelines import PAGE_SIZE, more_url

router = web_router()


async def _index(request: Request, errors: FormErrors | None = None, status: int = 200) -> Response:
    current = await web.require_user(request)
    async with web.state(request).db.read() as session:
        rows = await lists.owned_lists(session, current.account.id)
    return await render(
        request, "lists/index.html", status=status, lists=rows, errors=errors or FormErrors()
    )


@router.get("/lists")
async def index(request: Request) -> Response:
    return await _index(request)


@router.post("/lists")
async def create(request: Request) -> Response:
    current = await web.require_user(request)
    form = await read_form(request)
    try:
        async with web.state(request).db.write() as session:
            row = await lists.create_list(
                session,
                current.account.id,
                lists.ListChange(
                    title=text(form, "title"), replies_policy=text(form, "replies_policy") or None
                ),
            )
    except ValidationFailed as exc:
        return await _index(request, errors_from(exc, web.translator(request)), 422)
    return redirect(f"/lists/{row.id}")


@router.get("/lists/{list_id}")
async def show(request: Request, list_id: str) -> Response:
    current = await web.require_user(request)
    page = PageParams(limit=PAGE_SIZE, max_id=parse_id(request.query_params.get("max_id")))
    async with web.state(request).db.read() as session:
        row = await lists.access_list(session, current.account.id, parse_id(list_id))
        rows = await list_statuses(session, row, page)
        views = await present_statuses(session, current.account.id, rows)
        members = await lists.members(session, row, None)
    values: dict[str, Any] = {
        "items": views,
        "more_url": more_url(request.url.path, rows),
        "live_url": None,
    }
    if web.is_htmx(request) and page.max_id is not None:
        return await render_fragment(request, "timelines/_items.html", **values)
    return await render(
        request,
        "lists/show.html",
        list=row,
        members=[a for _, a in members],
        errors=FormErrors(),
        **values,
    )


@router.post("/lists/{list_id}/{action}")
async def change(request: Request, list_id: str, action: str) -> Response:
    current = await web.require_user(request)
    form = await read_form(request)
    try:
        async with web.state(request).db.write() as session:
            row = await lists.access_list(session, current.account.id, parse_id(list_id))
            if action == "delete":
                await lists.delete_list(session, row)
                return redirect("/lists")
            if action == "rename":
                await lists.update_list(session, row, lists.ListChange(title=text(form, "title")))
            elif action == "add":
                account = await accounts.find_by_acct(session, text(form, "acct"))
                if account is None:
                    raise ValidationFailed(
                        "Validation failed: account not found",
                        details={
                            "acct": [
                                {
                                    "error": "ERR_INVALID",
                                    "description": "is not an account you follow",
                                }
                            ]
                        },
                    )
                await lists.add_members(session, row, [account.id])
            elif action == "remove":
                await lists.remove_members(session, row, [parse_id(text(form, "account_id")) or 0])
            else:
                raise NotFound()
    except ValidationFailed as exc:
        return await index_with_error(request, list_id, exc)
    return redirect(f"/lists/{list_id}")


async def index_with_error(request: Request, list_id: str, exc: ValidationFailed) -> Response:
    current = await web.require_user(request)
    async with web.state(request).db.read() as session:
        row = await lists.access_list(session, current.account.id, parse_id(list_id))
        members = await lists.members(session, row, None)
    return await render(
        request,
        "lists/show.html",
        status=422,
        list=row,
        members=[a for _, a in members],
        items=[],
        more_url="",
        live_url=None,
        errors=errors_from(exc, web.translator(request)),
    )
