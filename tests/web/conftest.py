"""A browser-like client for the web pages: keeps cookies, reads the CSRF token from the
page's forms, and signs up or in through the real forms."""

from __future__ import annotations

import html
import os
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.conftest import BASE_URL

CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
REDIS_URL = os.environ.get("GAZOUILLE_TEST_REDIS_URL", "")


class Browser:
    def __init__(self, client: httpx.AsyncClient):
        self.client = client
        self.csrf = ""

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        response = await self.client.get(path, **kwargs)
        found = CSRF_RE.search(response.text)
        if found:
            self.csrf = html.unescape(found.group(1))
        return response

    async def post(
        self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kwargs: Any
    ) -> httpx.Response:
        if csrf and not self.csrf:
            await self.get("/about")
        body = {"csrf": self.csrf, **(data or {})} if csrf else dict(data or {})
        return await self.client.post(path, data=body, **kwargs)

    async def htmx_post(self, path: str, data: dict[str, Any] | None = None) -> httpx.Response:
        return await self.post(path, data, headers={"HX-Request": "true"})

    async def sign_up(self, username: str, password: str = "correct horse") -> httpx.Response:
        await self.get("/auth/sign_up")
        return await self.post(
            "/auth/sign_up",
            {
                "username": username,
                "email": f"{username}@example.com",
                "password": password,
                "password_confirmation": password,
                "agreement": "1",
            },
        )

    async def sign_in(self, login: str, password: str = "correct horse") -> httpx.Response:
        await self.get("/auth/sign_in")
        return await self.post("/auth/sign_in", {"login": login, "password": password})


async def _flush_rate_limits() -> None:
    if not REDIS_URL:
        return
    import redis.asyncio as redis

    client = redis.from_url(REDIS_URL)
    try:
        keys = [k async for k in client.scan_iter("gazouille:ratelimit:*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


def _browser(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL, follow_redirects=False
    )


@pytest.fixture
async def browser(app: Any) -> AsyncIterator[Browser]:
    await _flush_rate_limits()
    async with _browser(app) as client:
        yield Browser(client)


@pytest.fixture
async def browser2(app: Any) -> AsyncIterator[Browser]:
    async with _browser(app) as client:
        yield Browser(client)


@pytest.fixture
async def anonymous(app: Any) -> AsyncIterator[Browser]:
    async with _browser(app) as client:
        yield Browser(client)
