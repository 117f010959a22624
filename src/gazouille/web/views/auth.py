"""Signing up, in and out, switching between accounts, forgotten passwords and e-mail
confirmation."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from gazouille.config import Registrations
from gazouille.core.errors import ValidationFailed
from gazouille.core.security import token_digest
from gazouille.domains import instance
from gazouille.domains.accounts import preferences, recovery
from gazouille.domains.accounts import service as accounts
from gazouille.domains.sessions import service as sessions
from gazouille.models import User
from gazouille.web import context as web
from gazouille.web.emails import send_confirmation, send_password_reset
from gazouille.web.forms import FormErrors, errors_from, flag, form_id, invalid, read_form, text
from gazouille.web.i18n import gettext_noop
from gazouille.web.pages import redirect, render
from gazouille.web.routing import web_router

router = web_router()

SIGN_IN_LIMIT = (25, 300.0)  # attempts per IP address, per 5 minutes
SIGN_UP_LIMIT = (15, 1800.0)  # per IP address, per 30 minutes
RESET_LIMIT = (10, 1800.0)
NOTICES = {
    "password_changed": gettext_noop("Your password was changed. You can log in with it now."),
    "signed_out": gettext_noop("You are logged out."),
}


async def _limited(request: Request, action: str, limit: tuple[int, float]) -> bool:
    allowed = await web.state(request).ratelimiter.hit(
        f"{action}:{web.client_ip(request)}", limit[0], limit[1]
    )
    return not allowed


def _too_many(request: Request) -> FormErrors:
    errors = FormErrors()
    errors.general.append(
        web.translator(request).gettext("Too many attempts. Please wait a few minutes.")
    )
    return errors


@router.get("/auth/sign_in")
async def sign_in_page(request: Request) -> Response:
    notice = NOTICES.get(request.query_params.get("notice", ""))
    return await render(
        request,
        "auth/sign_in.html",
        next=web.safe_next(request.query_params.get("next")),
        notice=web.translator(request).gettext(notice) if notice else None,
        login="",
        errors=FormErrors(),
    )


@router.post("/auth/sign_in")
async def sign_in(request: Request) -> Response:
    form = await read_form(request)
    login, password = text(form, "login").strip(), text(form, "password")
    target = web.safe_next(text(form, "next") or None)
    if await _limited(request, "sign_in", SIGN_IN_LIMIT):
        errors = _too_many(request)
        return await render(
            request, "auth/sign_in.html", status=429, next=target, login=login, errors=errors
        )
    already = await web.viewer(request)
    async with web.state(request).db.write() as session:
        user = await accounts.authenticate(session, login, password) if login else None
        token = None
        if user is not None:
            for signed in already.accounts:
                if signed.user.id == user.id:
                    await sessions.end(session, _token_of(request, signed.session.token_digest))
            token = await sessions.start(
                session,
                user,
                ip=web.client_ip(request),
                user_agent=request.headers.get("user-agent", ""),
            )
    if token is None:
        errors = FormErrors()
        errors.general.append(
            web.translator(request).gettext("Invalid e-mail address or password.")
        )
        return await render(
            request, "auth/sign_in.html", status=401, next=target, login=login, errors=errors
        )
    others = [
        _token_of(request, s.session.token_digest)
        for s in already.accounts
        if user is not None and s.user.id != user.id
    ]
    web.set_session_tokens(request, [token, *others])
    if user is not None:
        web.remember_language(request, user.locale)
    return redirect(target)


def _token_of(request: Request, digest: str) -> str:
    """The cookie token whose digest is ``digest``."""
    for token in web.cookie_tokens(request):
        if token_digest(token) == digest:
            return token
    return ""


@router.post("/auth/sign_out")
async def sign_out(request: Request) -> Response:
    form = await read_form(request)
    tokens = web.cookie_tokens(request)
    everywhere = flag(form, "all")
    leaving = tokens if everywhere else tokens[:1]
    async with web.state(request).db.write() as session:
        for token in leaving:
            await sessions.end(session, token)
    remaining = [t for t in tokens if t not in leaving]
    web.set_session_tokens(request, remaining)
    return redirect("/home" if remaining else "/auth/sign_in?notice=signed_out")


@router.post("/auth/switch")
async def switch(request: Request) -> Response:
    form = await read_form(request)
    wanted = form_id(form, "account_id")
    signed = (await web.viewer(request)).accounts
    chosen = [s for s in signed if s.account.id == wanted]
    if chosen:
        first = _token_of(request, chosen[0].session.token_digest)
        rest = [_token_of(request, s.session.token_digest) for s in signed if s is not chosen[0]]
        web.set_session_tokens(request, [first, *rest])
    return redirect(web.safe_next(text(form, "next") or None))


async def _mode(request: Request) -> tuple[Registrations, instance.InstanceSettings]:
    async with web.state(request).db.read() as session:
        settings = await instance.load_settings(session)
    return settings.registration_mode(web.state(request).settings.registrations), settings


@router.get("/auth/sign_up")
async def sign_up_page(request: Request) -> Response:
    mode, settings = await _mode(request)
    return await render(
        request,
        "auth/sign_up.html",
        mode=mode.value,
        rules=settings.rules,
        values={},
        errors=FormErrors(),
    )


@router.post("/auth/sign_up")
async def sign_up(request: Request) -> Response:
    form = await read_form(request)
    mode, settings = await _mode(request)
    values = {k: text(form, k) for k in ("username", "email", "reason")}
    translator = web.translator(request)

    async def again(errors: FormErrors, status: int) -> Response:
        return await render(
            request,
            "auth/sign_up.html",
            status=status,
            mode=mode.value,
            rules=settings.rules,
            values=values,
            errors=errors,
        )

    if await _limited(request, "sign_up", SIGN_UP_LIMIT):
        return await again(_too_many(request), 429)
    if text(form, "password") != text(form, "password_confirmation"):
        return await again(
            errors_from(invalid("password_confirmation", "does not match"), translator), 422
        )
    command = accounts.Registration(
        username=values["username"],
        email=values["email"],
        password=text(form, "password"),
        locale=translator.locale,
        reason=values["reason"],
        agreement=flag(form, "agreement"),
    )
    secret = web.state(request).settings.effective_secret_key
    try:
        async with web.state(request).db.write() as session:
            account, user = await accounts.register(session, command, mode)
            await recovery.require_confirmation(session, user)
            await send_confirmation(
                session, user, account, recovery.confirmation_token(secret, user)
            )
            token = None
            if user.approved:
                token = await sessions.start(
                    session,
                    user,
                    ip=web.client_ip(request),
                    user_agent=request.headers.get("user-agent", ""),
                )
    except ValidationFailed as exc:
        return await again(errors_from(exc, translator), 422)
    if token is None:
        return await render(request, "auth/pending.html")
    web.set_session_tokens(request, [token, *web.cookie_tokens(request)])
    return redirect("/home?welcome=1")


@router.get("/auth/password/new")
async def forgot_page(request: Request) -> Response:
    return await render(request, "auth/forgot.html", sent=False, errors=FormErrors())


@router.post("/auth/password/new")
async def forgot(request: Request) -> Response:
    form = await read_form(request)
    if await _limited(request, "password_reset", RESET_LIMIT):
        return await render(
            request, "auth/forgot.html", status=429, sent=False, errors=_too_many(request)
        )
    secret = web.state(request).settings.effective_secret_key
    async with web.state(request).db.write() as session:
        found = await recovery.request_password_reset(session, secret, text(form, "email").strip())
        if found is not None:
            await send_password_reset(session, found[0], found[1])
    return await render(request, "auth/forgot.html", sent=True, errors=FormErrors())


@router.get("/auth/password/edit")
async def reset_page(request: Request) -> Response:
    token = request.query_params.get("token", "")
    secret = web.state(request).settings.effective_secret_key
    errors = FormErrors()
    try:
        async with web.state(request).db.read() as session:
            await recovery.check_reset_token(session, secret, token)
    except ValidationFailed as exc:
        errors = errors_from(exc, web.translator(request))
    return await render(request, "auth/reset.html", token=token, errors=errors)


@router.post("/auth/password/edit")
async def reset(request: Request) -> Response:
    form = await read_form(request)
    token = text(form, "token")
    translator = web.translator(request)
    secret = web.state(request).settings.effective_secret_key
    try:
        if text(form, "password") != text(form, "password_confirmation"):
            raise invalid("password_confirmation", "does not match")
        async with web.state(request).db.write() as session:
            user = await recovery.reset_password(session, secret, token, text(form, "password"))
            await sessions.end_others(session, user.id, None)
    except ValidationFailed as exc:
        return await render(
            request, "auth/reset.html", status=422, token=token, errors=errors_from(exc, translator)
        )
    return redirect("/auth/sign_in?notice=password_changed")


@router.get("/auth/confirmation")
async def confirm(request: Request) -> Response:
    secret = web.state(request).settings.effective_secret_key
    errors = FormErrors()
    try:
        async with web.state(request).db.write() as session:
            await recovery.confirm_email(session, secret, request.query_params.get("token", ""))
    except ValidationFailed as exc:
        errors = errors_from(exc, web.translator(request))
    return await render(
        request, "auth/confirmed.html", status=422 if errors else 200, errors=errors
    )


@router.post("/auth/confirmation")
async def resend_confirmation(request: Request) -> Response:
    form = await read_form(request)
    current = await web.require_user(request)
    secret = web.state(request).settings.effective_secret_key
    async with web.state(request).db.write() as session:
        if current.user.confirmed_at is None:
            await send_confirmation(
                session,
                current.user,
                current.account,
                recovery.confirmation_token(secret, current.user),
            )
    return redirect(web.safe_next(text(form, "next") or None))


@router.post("/lang")
async def choose_language(request: Request) -> Response:
    """The language of this browser, and of the current account when one is signed in."""
    form = await read_form(request)
    response = redirect(web.safe_next(text(form, "next") or None, "/"))
    locale = text(form, "locale")
    web.remember_language(request, locale)
    current = (await web.viewer(request)).current
    if current is not None and locale in preferences.INTERFACE_LOCALES:
        async with web.state(request).db.write() as session:
            user = await session.get(User, current.user.id)
            if user is not None:
                await preferences.set_reading_preferences(session, user, locale=locale)
    return response
