"""Account settings: e-mail address, password, deleting the account with its data,
authorised apps, export of one's data and import of follows."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from gazouille.core.errors import ValidationFailed
from gazouille.domains.accounts import deletion, recovery
from gazouille.domains.media import service as media
from gazouille.domains.oauth import authorizations
from gazouille.domains.portability import service as portability
from gazouille.domains.sessions import service as sessions
from gazouille.models import Account, User
from gazouille.web import context as web
from gazouille.web.emails import send_confirmation
from gazouille.web.forms import FormErrors, errors_from, form_id, invalid, read_form, text, uploads
from gazouille.web.pages import redirect, render
from gazouille.web.routing import web_router

router = web_router()
MAX_IMPORT_BYTES = 1_000_000
NOTICES = {"email": "email", "password": "password"}


async def _account_page(
    request: Request, errors: FormErrors | None = None, status: int = 200, **values: Any
) -> Response:
    current = await web.require_user(request)
    async with web.state(request).db.read() as session:
        browser_sessions = await sessions.list_for_user(session, current.user.id)
    return await render(
        request,
        "settings/account.html",
        status=status,
        user=current.user,
        browser_sessions=browser_sessions,
        errors=errors or FormErrors(),
        notice=request.query_params.get("done", ""),
        **values,
    )


@router.get("/settings/account")
async def account_page(request: Request) -> Response:
    return await _account_page(request)


@router.post("/settings/account/email")
async def change_email(request: Request) -> Response:
    current = await web.require_user(request)
    form = await read_form(request)
    secret = web.state(request).settings.effective_secret_key
    try:
        async with web.state(request).db.write() as session:
            user = await session.get(User, current.user.id)
            assert user is not None
            token = await recovery.request_email_change(
                session, secret, user, text(form, "current_password"), text(form, "email")
            )
            await send_confirmation(
                session, user, current.account, token, email=text(form, "email").strip().lower()
            )
    except ValidationFailed as exc:
        return await _account_page(request, errors_from(exc, web.translator(request)), 422)
    return redirect("/settings/account?done=email")


@router.post("/settings/account/password")
async def change_password(request: Request) -> Response:
    current = await web.require_user(request)
    form = await read_form(request)
    try:
        if text(form, "password") != text(form, "password_confirmation"):
            raise invalid("password_confirmation", "does not match")
        async with web.state(request).db.write() as session:
            user = await session.get(User, current.user.id)
            assert user is not None
            await recovery.change_password(
                session, user, text(form, "current_password"), text(form, "password")
            )
            tokens = web.cookie_tokens(request)
            await sessions.end_others(session, user.id, tokens[0] if tokens else None)
    except ValidationFailed as exc:
        return await _account_page(request, errors_from(exc, web.translator(request)), 422)
    return redirect("/settings/account?done=password")


@router.post("/settings/account/delete")
async def delete_account(request: Request) -> Response:
    current = await web.require_user(request)
    form = await read_form(request)
    try:
        if text(form, "confirm_username").strip().lstrip("@") != current.account.username:
            raise invalid("confirm_username", "does not match")
        async with web.state(request).db.write() as session:
            account = await session.get(Account, current.account.id)
            user = await session.get(User, current.user.id)
            assert account is not None and user is not None
            keys = await deletion.delete_account(
                session, account, user, text(form, "current_password")
            )
    except ValidationFailed as exc:
        return await _account_page(request, errors_from(exc, web.translator(request)), 422)
    await media.discard_files(keys)
    web.set_session_tokens(request, web.cookie_tokens(request)[1:])
    return redirect("/")


@router.get("/settings/applications")
async def applications_page(request: Request) -> Response:
    current = await web.require_user(request)
    async with web.state(request).db.read() as session:
        apps = await authorizations.authorized_applications(session, current.user.id)
    return await render(request, "settings/applications.html", apps=apps)


@router.post("/settings/applications/revoke")
async def revoke_application(request: Request) -> Response:
    current = await web.require_user(request)
    form = await read_form(request)
    async with web.state(request).db.write() as session:
        await authorizations.revoke_application(
            session, current.user.id, form_id(form, "application_id")
        )
    return redirect("/settings/applications")


@router.get("/settings/export")
async def export_page(request: Request) -> Response:
    await web.require_user(request)
    return await render(request, "settings/export.html", errors=FormErrors(), result=None)


@router.post("/settings/export")
async def export_archive(request: Request) -> Response:
    current = await web.require_user(request)
    await read_form(request)
    async with web.state(request).db.read() as session:
        archive = await portability.export_archive(session, current.account)
    name = f"gazouille-{current.account.username}.zip"
    return Response(
        archive,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/settings/import")
async def import_follows(request: Request) -> Response:
    current = await web.require_user(request)
    form = await read_form(request)
    translator = web.translator(request)
    files = uploads(form, "data")
    try:
        if not files:
            raise invalid("data", "can't be blank")
        raw = await files[0].read(MAX_IMPORT_BYTES + 1)
        if len(raw) > MAX_IMPORT_BYTES:
            raise invalid("data", "is too large")
        try:
            content = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise invalid("data", "is not a CSV of accounts") from None
        async with web.state(request).db.write() as session:
            result = await portability.import_follows(session, current.account, content)
    except ValidationFailed as exc:
        return await render(
            request,
            "settings/export.html",
            status=422,
            errors=errors_from(exc, translator),
            result=None,
        )
    return await render(request, "settings/export.html", errors=FormErrors(), result=result)
