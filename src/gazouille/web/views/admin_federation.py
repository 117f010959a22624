"""The admin area's federation pages (admins only): the domain blocks with their form and
who may see the list, and the known servers with their delivery health."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from gazouille.core.errors import Forbidden, ValidationFailed
from gazouille.core.ids import parse_id
from gazouille.domains import instance
from gazouille.domains.accounts import admin
from gazouille.domains.federation import domain_blocks as blocks
from gazouille.domains.federation import known_instances
from gazouille.domains.sessions.service import SignedIn
from gazouille.web import context as web
from gazouille.web.forms import FormErrors, errors_from, flag, read_form, text
from gazouille.web.i18n import gettext_noop
from gazouille.web.pages import redirect, render
from gazouille.web.routing import web_router

router = web_router()

# The domain's messages that web/forms.py does not list already.
MESSAGES = [
    gettext_noop("can't be this server's domain"),
    gettext_noop("is too long (maximum is 1000 characters)"),
]


async def _admin(request: Request) -> SignedIn:
    current = await web.require_user(request)
    if not admin.can_administer(current.user):
        raise Forbidden()
    return current


def _values(form: Any, domain: str) -> dict[str, Any]:
    """The form's values as posted, to show it again with its errors."""
    values: dict[str, Any] = {"domain": domain}
    for name in ("severity", "private_comment", "public_comment"):
        values[name] = text(form, name)
    for name in ("reject_media", "reject_reports", "obfuscate"):
        values[name] = flag(form, name)
    return values


async def _federation_page(
    request: Request, *, errors: FormErrors, notice: str, status: int = 200
) -> Response:
    """The domain blocks and the disclosure form."""
    async with web.state(request).db.read() as session:
        rows = await blocks.all_blocks(session)
        settings = await instance.load_settings(session)
    return await render(
        request,
        "admin/federation.html",
        status=status,
        rows=rows,
        settings=settings,
        errors=errors,
        notice=notice,
    )


@router.get("/admin/federation")
async def blocks_page(request: Request) -> Response:
    await _admin(request)
    notice = request.query_params.get("done", "")
    return await _federation_page(request, errors=FormErrors(), notice=notice)


def _changes(form: Any, *, creating: bool) -> blocks.BlockChanges:
    return blocks.BlockChanges(
        domain=text(form, "domain") if creating else None,
        severity=text(form, "severity") or None,
        reject_media=flag(form, "reject_media"),
        reject_reports=flag(form, "reject_reports"),
        private_comment=text(form, "private_comment"),
        public_comment=text(form, "public_comment"),
        obfuscate=flag(form, "obfuscate"),
    )


async def _form_page(
    request: Request,
    values: dict[str, Any],
    *,
    block_id: int | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    return await render(
        request,
        "admin/domain_block_form.html",
        status=status,
        values=values,
        block_id=block_id,
        errors=errors or FormErrors(),
    )


def _form_errors(request: Request, exc: ValidationFailed) -> FormErrors:
    t = web.translator(request)
    if isinstance(exc, blocks.ExistingDomainBlock):
        errors = FormErrors()
        errors.general.append(
            t.gettext(
                "You have already imposed stricter limits on %(domain)s.",
                domain=exc.block.domain,
            )
        )
        return errors
    return errors_from(exc, t)


@router.get("/admin/federation/blocks/new")
async def new_block(request: Request) -> Response:
    await _admin(request)
    domain = request.query_params.get("domain", "")
    return await _form_page(request, {"domain": domain, "severity": "silence"})


@router.post("/admin/federation/blocks")
async def create_block(request: Request) -> Response:
    await _admin(request)
    form = await read_form(request)
    try:
        async with web.state(request).db.write() as session:
            await blocks.create_block(session, _changes(form, creating=True))
    except ValidationFailed as exc:
        values = _values(form, text(form, "domain"))
        return await _form_page(request, values, errors=_form_errors(request, exc), status=422)
    return redirect("/admin/federation?done=created")


@router.get("/admin/federation/blocks/{block_id}/edit")
async def edit_block(request: Request, block_id: str) -> Response:
    await _admin(request)
    async with web.state(request).db.read() as session:
        block = await blocks.get_block(session, parse_id(block_id))
    return await _form_page(request, blocks.as_dict(block), block_id=block.id)


@router.post("/admin/federation/blocks/{block_id}")
async def update_block(request: Request, block_id: str) -> Response:
    await _admin(request)
    form = await read_form(request)
    wanted = parse_id(block_id)
    try:
        async with web.state(request).db.write() as session:
            await blocks.update_block(session, wanted, _changes(form, creating=False))
    except ValidationFailed as exc:
        async with web.state(request).db.read() as session:
            block = await blocks.get_block(session, wanted)
        values = _values(form, block.domain)
        errors = _form_errors(request, exc)
        return await _form_page(request, values, block_id=wanted, errors=errors, status=422)
    return redirect("/admin/federation?done=updated")


@router.post("/admin/federation/blocks/{block_id}/delete")
async def delete_block(request: Request, block_id: str) -> Response:
    await _admin(request)
    await read_form(request)
    async with web.state(request).db.write() as session:
        await blocks.delete_block(session, parse_id(block_id))
    return redirect("/admin/federation?done=deleted")


@router.post("/admin/federation/disclosure")
async def save_disclosure(request: Request) -> Response:
    await _admin(request)
    form = await read_form(request)
    try:
        async with web.state(request).db.write() as session:
            await instance.update_settings(
                session,
                show_domain_blocks=text(form, "show_domain_blocks"),
                show_domain_blocks_rationale=text(form, "show_domain_blocks_rationale"),
            )
    except ValidationFailed as exc:
        errors = errors_from(exc, web.translator(request))
        return await _federation_page(request, errors=errors, notice="", status=422)
    return redirect("/admin/federation?done=disclosure")


@router.get("/admin/instances")
async def instances_page(request: Request) -> Response:
    await _admin(request)
    health = request.query_params.get("health")
    health = health if health in known_instances.HEALTHS else None
    query = request.query_params.get("q", "")[:255]
    async with web.state(request).db.read() as session:
        rows = await known_instances.known_instances(session, health=health, domain_part=query)
    return await render(request, "admin/instances.html", rows=rows, health=health, query=query)
