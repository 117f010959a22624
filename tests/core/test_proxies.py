"""X-Forwarded-* headers are believed from trusted proxies only."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gazouille.core.proxies import TrustedProxyMiddleware, parse_networks


async def echo(request: Request) -> JSONResponse:
    assert request.client is not None
    return JSONResponse(
        {"url": str(request.url), "client": request.client.host, "host": request.headers["host"]}
    )


async def call(peer: str, headers: dict[str, str], trusted: str = "10.0.0.0/8, ::1") -> Any:
    app = TrustedProxyMiddleware(Starlette(routes=[Route("/p", echo)]), trusted)
    transport = httpx.ASGITransport(app=app, client=(peer, 4321))
    async with httpx.AsyncClient(transport=transport, base_url="http://internal:3000") as c:
        return (await c.get("/p?x=1", headers=headers)).json()


FORWARDED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "social.example",
    "X-Forwarded-For": "198.51.100.7, 203.0.113.5, 10.0.0.2",
}


async def test_trusted_proxy_is_believed() -> None:
    seen = await call("10.0.0.1", FORWARDED)
    assert seen == {
        "url": "https://social.example/p?x=1",
        "client": "203.0.113.5",  # the nearest untrusted hop; the leftmost could be forged
        "host": "social.example",
    }
    v6 = await call("::1", {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.9"})
    assert v6["url"] == "https://internal:3000/p?x=1" and v6["client"] == "10.0.0.9"


async def test_untrusted_peer_is_not() -> None:
    seen = await call("203.0.113.9", FORWARDED)
    assert seen == {
        "url": "http://internal:3000/p?x=1",
        "client": "203.0.113.9",
        "host": "internal:3000",
    }
    assert (await call("10.0.0.1", FORWARDED, trusted=""))["client"] == "10.0.0.1"


async def test_last_values_win_and_bad_values_are_ignored() -> None:
    seen = await call(
        "10.0.0.1",
        {
            "X-Forwarded-Proto": "http, https",
            "X-Forwarded-Host": "evil.example, social.example:8443",
            "X-Forwarded-For": "[2001:db8::1]:555",
        },
    )
    assert seen["url"] == "https://social.example:8443/p?x=1"
    assert seen["client"] == "2001:db8::1"
    bad = await call(
        "10.0.0.1",
        {"X-Forwarded-Proto": "gopher", "X-Forwarded-Host": "a b/c", "X-Forwarded-For": "nope"},
    )
    assert bad == {
        "url": "http://internal:3000/p?x=1",
        "client": "10.0.0.1",
        "host": "internal:3000",
    }


async def test_websocket_scheme() -> None:
    seen: dict[str, Any] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.update(scope)

    scope = {
        "type": "websocket",
        "scheme": "ws",
        "client": ("10.1.2.3", 1),
        "headers": [(b"x-forwarded-proto", b"https"), (b"host", b"internal")],
    }
    await TrustedProxyMiddleware(app, "10.0.0.0/8")(scope, None, None)  # type: ignore[arg-type]
    assert seen["scheme"] == "wss"
    await TrustedProxyMiddleware(app, "10.0.0.0/8")({"type": "lifespan"}, None, None)  # type: ignore[arg-type]
    assert seen["type"] == "lifespan"


def test_parse_networks() -> None:
    assert [str(n) for n in parse_networks("127.0.0.1, 10.0.0.0/8 ::1")] == [
        "127.0.0.1/32", "10.0.0.0/8", "::1/128",
    ]  # fmt: skip
    assert parse_networks("") == []
    with pytest.raises(ValueError, match=r"proxy\.example"):
        parse_networks("proxy.example")
