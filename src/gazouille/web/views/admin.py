"""The admin area: the instance's settings (name, descriptions, rules, registration mode,
character limit, alt text rule), the account list with approval of sign-ups, and the
e-mail that went to the log because no SMTP server is configured."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from gazouille.core.errors import Forbidden, ValidationFailed
from gazouille.domains import instance
from gazouille.domains.accounts import admin
from gazouille.domains.mail import service as mail
from gazouille.domains.sessions.service import SignedIn
from gazouille.web import context as web
from gazouille.web.forms import FormErrors, errors_from, flag, form_id, read_form, text
from gazouille.web.pages import redirect, render
from gazouille.web.routing import web_router

router = web_router()


async def _moderator(request: Request) -> SignedIn:
    current = await web.require_user(request)
    if not admin.can_moderate(current.user):
        raise Forbidden()
    return current


async def _admin(request: Request) -> SignedIn:
    current = await web.require_user(request)
    if not admin.can_administer(current.user):
        raise Forbidden()
    return current


async def _settings_page(
    request: Request, errors: FormErrors | None = None, status: int = 200, **values: Any
) -> Response:
    async with web.state(request).db.read() as session:
        settings = await instance.load_settings(session)
    env_mode = web.state(request).settings.registrations.value
    return await render(
        request,
        "admin/settings.html",
        status=status,
        settings=settings,
        env_mode=env_mode,
        errors=errors or FormErrors(),
        saved=bool(request.query_params.get("saved")),
        **values,
    )


@router.get("/admin")
async def admin_home(request: Request) -> Response:
    current = await _moderator(request)
    return redirect("/admin/settings" if admin.can_administer(current.user) else "/admin/accounts")


@router.get("/admin/settings")
async def settings_page(request: Request) -> Response:
    await _admin(request)
    return await _settings_page(request)


@router.post("/admin/settings")
async def save_settings(request: Request) -> Response:
    await _admin(request)
    form = await read_form(request)
    rules = [line.strip() for line in text(form, "rules").splitlines() if line.strip()]
    try:
        async with web.state(request).db.write() as session:
            await instance.update_settings(
                session,
                title=text(form, "title").strip() or "Gazouille",
                short_description=text(form, "short_description").strip(),
                description=text(form, "description").strip(),
                contact_email=text(form, "contact_email").strip(),
                rules=rules,
                registrations=text(form, "registrations"),
                max_characters=text(form, "max_characters"),
                require_alt_text=flag(form, "require_alt_text"),
            )
    except ValidationFailed as exc:
        return await _settings_page(request, errors_from(exc, web.translator(request)), 422)
    return redirect("/admin/settings?saved=1")


@router.get("/admin/accounts")
async def accounts_page(request: Request) -> Response:
    await _moderator(request)
    pending_only = request.query_params.get("pending") == "1"
    async with web.state(request).db.read() as session:
        rows = await admin.local_accounts(session, pending_only=pending_only)
    return await render(request, "admin/accounts.html", rows=rows, pending_only=pending_only)


@router.post("/admin/accounts/approve")
async def approve(request: Request) -> Response:
    await _moderator(request)
    form = await read_form(request)
    async with web.state(request).db.write() as session:
        await admin.approve_account(session, form_id(form, "account_id"))
    return redirect("/admin/accounts")


@router.get("/admin/mails")
async def mails_page(request: Request) -> Response:
    await _moderator(request)
    async with web.state(request).db.read() as session:
        messages = await mail.unsent_messages(session)
    smtp = bool(web.state(request).settings.smtp_url)
    return await render(request, "admin/mails.html", messages=messages, smtp=smtp)
