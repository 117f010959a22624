"""Discovery: WebFinger (``acct:`` and actor or profile URLs), host-meta, and the instance
actor (``/actor``, an Application that signs our fetches). Never behind authorized fetch:
servers must be able to find us, and fetch the instance actor's key, before they sign."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import quoteattr

import orjson
from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import Response

from gazouille.activitypub.vocab import ACTIVITY_JSON, JRD_JSON
from gazouille.core import urls
from gazouille.core.errors import GazouilleError, NotFound
from gazouille.core.storage import content_type_of, public_url
from gazouille.domains.federation import keys
from gazouille.federation import serializers
from gazouille.federation.fetch_auth import state
from gazouille.models import Account

router = APIRouter(include_in_schema=False)
AS2_UTF8 = f"{ACTIVITY_JSON}; charset=utf-8"


def as2(document: dict[str, Any], *, cache: bool = False) -> Response:
    headers = {"Vary": "Accept, Signature"}
    if cache:
        headers["Cache-Control"] = "max-age=180, public"
    return Response(orjson.dumps(document), media_type=AS2_UTF8, headers=headers)


def _username_of(resource: str) -> str | None:
    """The local username a WebFinger resource names (the instance actor's is the domain)."""
    value = unquote(resource.strip())
    domain = urls.local_domain().lower()
    if value.lower().startswith(("https://", "http://")):
        if not value.lower().startswith(urls.base().lower() + "/"):
            return None
        path = urlsplit(value).path.rstrip("/")
        if path == "/actor":
            return domain
        for prefix in ("/users/", "/@"):
            if path.startswith(prefix) and "/" not in path[len(prefix) :]:
                return path[len(prefix) :] or None
        return None
    value = value.removeprefix("acct:").lstrip("@")
    username, at, host = value.rpartition("@")
    if not at or host.lower() != domain or not username:
        return None
    return username


async def _local_account(request: Request, username: str) -> Account | None:
    async with state(request).db.read() as session:
        rows = await session.execute(
            select(Account).where(Account.acct_key == username.lower(), Account.domain.is_(None))
        )
        return rows.scalar_one_or_none()


def _jrd(subject: str, aliases: list[str], links: list[dict[str, Any]]) -> Response:
    return Response(
        orjson.dumps({"subject": subject, "aliases": aliases, "links": links}),
        media_type=JRD_JSON,
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "max-age=259200, public"},
    )


@router.get("/.well-known/webfinger")
async def webfinger(request: Request) -> Response:
    resource = request.query_params.get("resource", "")
    if not resource.strip():
        raise GazouilleError("The resource parameter is required")
    username = _username_of(resource)
    if username is None:
        raise NotFound()
    domain = urls.local_domain()
    if username.lower() == domain.lower():
        actor = keys.instance_actor_uri()
        return _jrd(
            f"acct:{domain}@{domain}",
            [actor],
            [
                {
                    "rel": "http://webfinger.net/rel/profile-page",
                    "type": "text/html",
                    "href": f"{urls.base()}/about",
                },
                {"rel": "self", "type": ACTIVITY_JSON, "href": actor},
            ],
        )
    account = await _local_account(request, username)
    if account is None or account.suspended_at is not None:
        raise NotFound()
    profile = account.url or urls.account_url(account.username)
    links: list[dict[str, Any]] = [
        {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": profile},
        {"rel": "self", "type": ACTIVITY_JSON, "href": account.uri},
        {
            "rel": "http://ostatus.org/schema/1.0/subscribe",
            "template": f"{urls.base()}/search?q={{uri}}",
        },
    ]
    avatar = public_url(account.avatar_key)
    if avatar and account.avatar_key:
        links.append(
            {
                "rel": "http://webfinger.net/rel/avatar",
                "type": content_type_of(account.avatar_key),
                "href": avatar,
            }
        )
    return _jrd(f"acct:{account.username}@{domain}", [profile, account.uri], links)


@router.get("/.well-known/host-meta")
async def host_meta() -> Response:
    template = quoteattr(f"{urls.base()}/.well-known/webfinger?resource={{uri}}")
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" template={template}/>\n'
        "</XRD>\n"
    )
    return Response(
        body,
        media_type="application/xrd+xml; charset=utf-8",
        headers={"Access-Control-Allow-Origin": "*"},
    )


@router.get("/actor")
async def instance_actor(request: Request) -> Response:
    pem = await keys.instance_public_key(state(request).db)
    return as2(serializers.instance_actor(pem), cache=True)


@router.get("/actor/outbox")
async def instance_outbox() -> Response:
    uri = f"{keys.instance_actor_uri()}/outbox"
    return as2(serializers.ordered_collection(uri, 0, items=[]))
