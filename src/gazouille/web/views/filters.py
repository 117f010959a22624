"""Filters: hide or warn about posts containing words, in the chosen places."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from gazouille.core.errors import ValidationFailed
from gazouille.core.ids import parse_id
from gazouille.domains.filters import service as filters
from gazouille.web import context as web
from gazouille.web.forms import FormErrors, errors_from, flag, read_form, text
from gazouille.web.pages import redirect, render
from gazouille.web.routing import web_router

router = web_router()
CONTEXTS = ("home", "notifications", "public", "thread", "account")


async def _page(request: Request, errors: FormErrors | None = None, status: int = 200) -> Response:
    current = await web.require_user(request)
    async with web.state(request).db.read() as session:
        views = await filters.views(
            session, await filters.list_filters(session, current.account.id)
        )
    return await render(
        request,
        "settings/filters.html",
        status=status,
        filters=views,
        errors=errors or FormErrors(),
    )


@router.get("/settings/filters")
async def filters_page(request: Request) -> Response:
    return await _page(request)


@router.post("/settings/filters")
async def create_filter(request: Request) -> Response:
    current = await web.require_user(request)
    form = await read_form(request)
    keywords = [k.strip() for k in text(form, "keywords").split(",") if k.strip()]
    expires = parse_id(text(form, "expires_in"))
    change = filters.FilterChange(
        title=text(form, "title"),
        context=[c for c in CONTEXTS if flag(form, f"context_{c}")],
        action=text(form, "action") or "warn",
        expires_given=True,
        expires_in=expires,
        keywords=[
            filters.KeywordChange(keyword=k, whole_word=flag(form, "whole_word")) for k in keywords
        ],
    )
    try:
        async with web.state(request).db.write() as session:
            await filters.create_filter(session, current.account.id, change)
    except ValidationFailed as exc:
        return await _page(request, errors_from(exc, web.translator(request)), 422)
    return redirect("/settings/filters")


@router.post("/settings/filters/{filter_id}/delete")
async def delete_filter(request: Request, filter_id: str) -> Response:
    current = await web.require_user(request)
    await read_form(request)
    async with web.state(request).db.write() as session:
        row = await filters.access_filter(session, current.account.id, parse_id(filter_id))
        await filters.delete_filter(session, row)
    return redirect("/settings/filters")
