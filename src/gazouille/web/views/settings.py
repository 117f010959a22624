"""Settings: the profile (with avatar and header), the preferences (language, posting
defaults, media and content warnings), muted and blocked accounts."""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import FormData
from starlette.responses import Response

from gazouille.core.errors import ValidationFailed
from gazouille.core.pagination import PageParams
from gazouille.domains.accounts import preferences
from gazouille.domains.accounts import service as accounts
from gazouille.domains.media import service as media
from gazouille.domains.relationships import blocks, mutes
from gazouille.models import Account, User
from gazouille.web import context as web
from gazouille.web.forms import FormErrors, errors_from, flag, read_form, text, uploads
from gazouille.web.pages import redirect, render
from gazouille.web.routing import web_router
from gazouille.web.uploads import spooled
from gazouille.web.views.compose import LANGUAGES

router = web_router()


async def _own_rows(request: Request, session: object) -> tuple[Account, User]:
    current = await web.require_user(request)
    account = await session.get(Account, current.account.id)  # type: ignore[attr-defined]
    user = await session.get(User, current.user.id)  # type: ignore[attr-defined]
    return account, user


@router.get("/settings/profile")
async def profile_page(request: Request) -> Response:
    current = await web.require_user(request)
    return await render(
        request,
        "settings/profile.html",
        account=current.account,
        errors=FormErrors(),
        saved=bool(request.query_params.get("saved")),
    )


async def _stage_images(form: FormData, account_id: int) -> dict[str, str]:
    keys: dict[str, str] = {}
    try:
        for variant in ("avatar", "header"):
            for upload in uploads(form, variant)[:1]:
                async with spooled(upload, variant) as path:
                    try:
                        keys[variant] = await media.stage_profile_image(path, account_id, variant)
                    except ValidationFailed as exc:
                        description = exc.message.removeprefix("Validation failed: ")
                        raise ValidationFailed(
                            exc.message,
                            details={
                                variant: [{"error": "ERR_INVALID", "description": description}]
                            },
                        ) from None
    except BaseException:
        await media.discard_files(list(keys.values()))
        raise
    return keys


@router.post("/settings/profile")
async def save_profile(request: Request) -> Response:
    current = await web.require_user(request)
    form = await read_form(request)
    fields = [
        (text(form, f"field_name_{n}"), text(form, f"field_value_{n}"))
        for n in range(accounts.MAX_FIELDS)
    ]
    change = accounts.ProfileUpdate(
        display_name=text(form, "display_name"),
        note=text(form, "note"),
        locked=flag(form, "locked"),
        bot=flag(form, "bot"),
        discoverable=flag(form, "discoverable"),
        hide_collections=flag(form, "hide_collections"),
        fields=fields,
    )
    replaced: list[str] = []
    images: dict[str, str] = {}
    try:
        images = await _stage_images(form, current.account.id)
        async with web.state(request).db.write() as session:
            account, user = await _own_rows(request, session)
            await accounts.update_profile(session, account, user, change)
            replaced = await media.set_profile_images(session, account, images)
    except ValidationFailed as exc:
        await media.discard_files(list(images.values()))
        return await render(
            request,
            "settings/profile.html",
            status=422,
            account=current.account,
            values=form,
            errors=errors_from(exc, web.translator(request)),
            saved=False,
        )
    except BaseException:
        await media.discard_files(list(images.values()))
        raise
    await media.discard_files(replaced)
    return redirect("/settings/profile?saved=1")


@router.get("/settings/preferences")
async def preferences_page(request: Request) -> Response:
    current = await web.require_user(request)
    return await render(
        request,
        "settings/preferences.html",
        user=current.user,
        languages=LANGUAGES,
        errors=FormErrors(),
        saved=bool(request.query_params.get("saved")),
    )


@router.post("/settings/preferences")
async def save_preferences(request: Request) -> Response:
    current = await web.require_user(request)
    form = await read_form(request)
    try:
        async with web.state(request).db.write() as session:
            account, user = await _own_rows(request, session)
            await preferences.set_reading_preferences(
                session,
                user,
                locale=text(form, "locale") or user.locale,
                expand_media=text(form, "expand_media") or user.expand_media,
                expand_spoilers=flag(form, "expand_spoilers"),
            )
            await accounts.update_profile(
                session,
                account,
                user,
                accounts.ProfileUpdate(
                    privacy=text(form, "default_privacy") or user.default_privacy,
                    sensitive=flag(form, "default_sensitive"),
                    language=text(form, "default_language"),
                ),
            )
    except ValidationFailed as exc:
        return await render(
            request,
            "settings/preferences.html",
            status=422,
            user=current.user,
            languages=LANGUAGES,
            errors=errors_from(exc, web.translator(request)),
            saved=False,
        )
    web.remember_language(request, text(form, "locale"))
    return redirect("/settings/preferences?saved=1")


@router.get("/settings/relationships")
async def relationships_page(request: Request) -> Response:
    current = await web.require_user(request)
    page = PageParams(limit=80)
    async with web.state(request).db.read() as session:
        muted = await mutes.muted_accounts(session, current.account.id, page)
        blocked = await blocks.blocked_accounts(session, current.account.id, page)
    return await render(
        request,
        "settings/relationships.html",
        muted=[m.account for _, m in muted],
        blocked=[a for _, a in blocked],
    )
