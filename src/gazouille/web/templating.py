"""Jinja2 for the web pages, with the i18n extension fed per request (the environment is
shared, the language is not)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from gazouille.core.storage import public_url
from gazouille.core.text import render_inline
from gazouille.web.i18n import Translator

TEMPLATES = Path(__file__).resolve().parent / "templates"

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"], default_for_string=True),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.newstyle_gettext = True  # type: ignore[attr-defined]


def _gettext_callables(translator: Translator) -> dict[str, Any]:
    """``gettext``/``ngettext``/``_`` as the i18n extension calls them in newstyle mode:
    the translation is marked safe and the variables are escaped into it."""

    @pass_context
    def gettext(context: Context, message: str, **variables: Any) -> str:
        text = translator._catalogue.gettext(message)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        text = translator._catalogue.ngettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return {"gettext": gettext, "ngettext": ngettext, "_": gettext}


def render_template(name: str, translator: Translator, context: dict[str, Any]) -> str:
    template = environment.get_template(name)
    return template.render({**context, **_gettext_callables(translator), "t": translator})


def acct(account: Any) -> str:
    return account.username if account.domain is None else f"{account.username}@{account.domain}"


def account_path(account: Any) -> str:
    return f"/@{acct(account)}"


def status_path(status: Any, account: Any) -> str:
    return f"/@{acct(account)}/{status.id}"


def avatar_url(account: Any) -> str:
    own = public_url(account.avatar_key) if account.avatar_key else None
    return str(own or account.avatar_url or "/avatars/original/missing.png")


def header_url(account: Any) -> str:
    own = public_url(account.header_key) if account.header_key else None
    return str(own or account.header_url or "/headers/original/missing.png")


def media_url(media: Any, thumbnail: bool = False) -> str | None:
    key = (media.thumbnail_key if thumbnail else None) or media.file_key
    return public_url(key) if key else media.remote_url


def display_name(account: Any) -> str:
    return str(account.display_name or account.username)


def linkify(value: str) -> Markup:
    """One line of user text, escaped, with its links made clickable."""
    return Markup(render_inline(value or ""))


environment.filters["linkify"] = linkify
environment.globals.update(
    acct=acct,
    account_path=account_path,
    status_path=status_path,
    avatar_url=avatar_url,
    header_url=header_url,
    media_url=media_url,
    display_name=display_name,
)
