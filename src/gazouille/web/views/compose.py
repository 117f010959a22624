"""Compose: write a post (text, content warning, visibility, language, photos and video with
alt text, poll, schedule, reply, quote) and edit one's post. The checks are the domains'."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData
from starlette.responses import Response

from gazouille.core import clock
from gazouille.core.errors import NotFound, ValidationFailed
from gazouille.core.ids import parse_id
from gazouille.domains import instance
from gazouille.domains.compose import service as compose
from gazouille.domains.media import service as media
from gazouille.domains.polls.service import PollSpec, parse_poll
from gazouille.domains.statuses import edits
from gazouille.domains.statuses.composition import NewStatus
from gazouille.domains.statuses.policy import access_status
from gazouille.domains.statuses.presenters import StatusView, present_statuses
from gazouille.models import Poll, Status
from gazouille.web import context as web
from gazouille.web.forms import FormErrors, errors_from, flag, read_form, text, uploads
from gazouille.web.pages import redirect, render, render_fragment
from gazouille.web.routing import web_router
from gazouille.web.uploads import discard, stage_all

router = web_router()
MAX_MEDIA = 4
POLL_OPTIONS = 4
LANGUAGES = [
    ("", "—"),
    ("fr", "Français"),
    ("en", "English"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("pt", "Português"),
    ("nl", "Nederlands"),
    ("br", "Brezhoneg"),
    ("oc", "Occitan"),
    ("ca", "Català"),
    ("eu", "Euskara"),
]


def _values(form: FormData | None, **defaults: Any) -> dict[str, Any]:
    keys = ("status", "spoiler_text", "visibility", "language", "in_reply_to_id", "quote_id")
    values: dict[str, Any] = {k: "" for k in keys} | defaults
    if form is not None:
        values |= {k: text(form, k) for k in keys}
        values["sensitive"] = flag(form, "sensitive")
        values["poll_options"] = [text(form, f"poll_option_{n}") for n in range(POLL_OPTIONS)]
        values["poll_expires_in"] = text(form, "poll_expires_in")
        values["poll_multiple"] = flag(form, "poll_multiple")
        values["scheduled_at"] = text(form, "scheduled_at")
        values["descriptions"] = [text(form, f"description_{n}") for n in range(MAX_MEDIA)]
    return values


async def _context_views(
    request: Request, reply_id: int | None, quote_id: int | None
) -> tuple[StatusView | None, StatusView | None]:
    current = await web.require_user(request)
    wanted: list[Status] = []
    async with web.state(request).db.read() as session:
        for status_id in (reply_id, quote_id):
            if status_id is not None:
                wanted.append(await access_status(session, current.account.id, status_id))
        views = {
            v.status.id: v for v in await present_statuses(session, current.account.id, wanted)
        }
    return (views.get(reply_id) if reply_id else None, views.get(quote_id) if quote_id else None)


async def compose_box_values(request: Request) -> dict[str, Any]:
    current = await web.require_user(request)
    return {
        "compose": _values(
            None,
            visibility=current.user.default_privacy,
            language=current.user.default_language or "",
        ),
        "errors": FormErrors(),
        "languages": LANGUAGES,
    }


@router.get("/compose")
async def compose_page(request: Request) -> Response:
    current = await web.require_user(request)
    reply_id = parse_id(request.query_params.get("in_reply_to_id"))
    quote_id = parse_id(request.query_params.get("quote_id"))
    reply_to, quoted = await _context_views(request, reply_id, quote_id)
    values = _values(
        None,
        visibility=current.user.default_privacy,
        language=current.user.default_language or "",
        in_reply_to_id=str(reply_id or ""),
        quote_id=str(quote_id or ""),
    )
    wanted_visibility = request.query_params.get("visibility", "")
    if wanted_visibility in ("public", "unlisted", "private", "direct"):
        values["visibility"] = wanted_visibility
    mention = request.query_params.get("mention", "").strip().lstrip("@")
    if mention and len(mention) <= 330:
        values["status"] = f"@{mention} "
    if reply_to is not None:
        mentions = {reply_to.account.id: reply_to.account, **{a.id: a for a in reply_to.mentions}}
        handles = [f"@{_acct(a)}" for a in mentions.values() if a.id != current.account.id]
        values["status"] = " ".join(handles) + (" " if handles else "")
        if reply_to.status.visibility in ("private", "direct", "unlisted"):
            values["visibility"] = reply_to.status.visibility
        values["spoiler_text"] = reply_to.status.spoiler_text
    return await render(
        request,
        "statuses/compose.html",
        compose=values,
        errors=FormErrors(),
        reply_to=reply_to,
        quoted=quoted,
        languages=LANGUAGES,
        in_feed=False,
    )


def _acct(account: Any) -> str:
    return account.username if account.domain is None else f"{account.username}@{account.domain}"


def _scheduled_at(form: FormData) -> str | None:
    """The form's local date and time, made UTC with the browser's offset when it sent one."""
    raw = text(form, "scheduled_at").strip()
    if not raw:
        return None
    try:
        at = datetime.fromisoformat(raw)
    except ValueError:
        return raw  # the domain refuses it with its own message
    offset = parse_id(text(form, "tz_offset").lstrip("-")) or 0
    minutes = -offset if text(form, "tz_offset").startswith("-") else offset
    if at.tzinfo is None:
        at = (at + timedelta(minutes=minutes)).replace(tzinfo=UTC)
    return at.isoformat()


def _poll(form: FormData) -> dict[str, Any]:
    options = [text(form, f"poll_option_{n}").strip() for n in range(POLL_OPTIONS)]
    if not any(options):
        return {}
    return {
        "options": [o for o in options if o],
        "expires_in": text(form, "poll_expires_in") or "86400",
        "multiple": flag(form, "poll_multiple"),
    }


@router.post("/compose")
async def publish(request: Request) -> Response:
    current = await web.require_user(request)
    form = await read_form(request)
    in_feed = flag(form, "in_feed")
    translator = web.translator(request)
    files = uploads(form, "media")[:MAX_MEDIA]
    staged: list[Any] = []
    try:
        command = NewStatus(
            text=text(form, "status"),
            visibility=text(form, "visibility") or None,
            spoiler_text=text(form, "spoiler_text"),
            sensitive=flag(form, "sensitive"),
            in_reply_to_id=parse_id(text(form, "in_reply_to_id")),
            language=text(form, "language") or None,
            idempotency_key=text(form, "idempotency_key") or None,
            poll=parse_poll(_poll(form)),
            quoted_status_id=parse_id(text(form, "quote_id")),
        )
        staged = await stage_all(files)
        composed = compose.Composed(
            command,
            [
                compose.Upload(
                    s, text(form, f"description_{n}"), media.parse_focus(text(form, f"focus_{n}"))
                )
                for n, s in enumerate(staged)
            ],
            _scheduled_at(form),
        )
        async with web.state(request).db.write() as session:
            posted = await compose.publish(session, current.account, current.user, composed)
            views = (
                await present_statuses(session, current.account.id, [posted])
                if isinstance(posted, Status)
                else []
            )
    except ValidationFailed as exc:
        await discard(staged)
        errors = errors_from(exc, translator)
        reply_to, quoted = await _safe_context(request, form)
        values: dict[str, Any] = {
            "compose": _values(form),
            "errors": errors,
            "languages": LANGUAGES,
            "reply_to": reply_to,
            "quoted": quoted,
            "in_feed": in_feed,
        }
        if web.is_htmx(request):
            response = await render_fragment(request, "statuses/_compose_box.html", **values)
            response.status_code = 422
            response.headers["HX-Retarget"] = "#compose-box"
            response.headers["HX-Reswap"] = "outerHTML"
            return response
        return await render(request, "statuses/compose.html", status=422, **values)
    except BaseException:
        await discard(staged)
        raise
    if not views:  # scheduled
        return redirect("/scheduled")
    if web.is_htmx(request) and in_feed:
        fresh = await compose_box_values(request)
        return await render_fragment(
            request, "statuses/_posted.html", item=views[0], in_feed=True, **fresh
        )
    status = views[0].status
    if status.in_reply_to_id:
        return redirect(f"/@{_acct(current.account)}/{status.id}")
    return redirect("/home")


async def _safe_context(
    request: Request, form: FormData
) -> tuple[StatusView | None, StatusView | None]:
    try:
        return await _context_views(
            request, parse_id(text(form, "in_reply_to_id")), parse_id(text(form, "quote_id"))
        )
    except Exception:
        return None, None


def _same_poll(poll: Poll) -> PollSpec | None:
    """The post's poll kept as it is (the edit form changes the text, not the poll); its
    remaining time carries over, at least the five minutes a poll may last."""
    left = (poll.expires_at - clock.now()).total_seconds() if poll.expires_at else 86400
    return parse_poll(
        {
            "options": poll.options,
            "expires_in": str(max(int(left), 300)),
            "multiple": poll.multiple,
            "hide_totals": poll.hide_totals,
        }
    )


@router.get("/statuses/{status_id}/edit")
async def edit_page(request: Request, status_id: str) -> Response:
    current = await web.require_user(request)
    async with web.state(request).db.read() as session:
        status = await access_status(session, current.account.id, parse_id(status_id))
        if status.account_id != current.account.id or status.reblog_of_id is not None:
            raise NotFound()
        (view,) = await present_statuses(session, current.account.id, [status])
    values = _values(
        None, status=status.text, spoiler_text=status.spoiler_text, language=status.language or ""
    )
    values["sensitive"] = status.sensitive
    values["descriptions"] = [m.description or "" for m in view.media]
    return await render(
        request,
        "statuses/edit.html",
        item=view,
        compose=values,
        errors=FormErrors(),
        languages=LANGUAGES,
    )


@router.post("/statuses/{status_id}/edit")
async def edit(request: Request, status_id: str) -> Response:
    current = await web.require_user(request)
    form = await read_form(request)
    async with web.state(request).db.read() as session:
        status = await access_status(session, current.account.id, parse_id(status_id))
        (view,) = await present_statuses(session, current.account.id, [status])
    change = edits.StatusChange(
        text=text(form, "status"),
        spoiler_text=text(form, "spoiler_text"),
        sensitive=flag(form, "sensitive"),
        language=text(form, "language") or None,
        media_ids=[m.id for m in view.media],
        media_attributes=[
            {"id": str(m.id), "description": text(form, f"description_{n}")}
            for n, m in enumerate(view.media)
        ],
        poll=None,
    )
    try:
        async with web.state(request).db.write() as session:
            settings = await instance.load_settings(session)
            if view.poll is not None:
                change.poll = _same_poll(view.poll.poll)
            edited = await edits.edit_status(
                session, current.account, status.id, change, max_characters=settings.max_characters
            )
    except ValidationFailed as exc:
        values = _values(form)
        return await render(
            request,
            "statuses/edit.html",
            status=422,
            item=view,
            compose=values,
            errors=errors_from(exc, web.translator(request)),
            languages=LANGUAGES,
        )
    return redirect(f"/@{_acct(current.account)}/{edited.id}")
