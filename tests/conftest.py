"""Fixtures: a migrated database per test (SQLite by default; PostgreSQL and Redis when
GAZOUILLE_TEST_DATABASE_URL / GAZOUILLE_TEST_REDIS_URL are set), the ASGI app, an API
client with helpers, and a job runner."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from gazouille.config import Settings, set_settings
from gazouille.main import build_registry, create_app
from gazouille.migrations.runner import upgrade, upgrade_async
from gazouille.models import Base
from gazouille.worker.runtime import JobContext, run_pending

PG_URL = os.environ.get("GAZOUILLE_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("GAZOUILLE_TEST_REDIS_URL", "")
BASE_URL = "http://localhost:3000"


def _async_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url[len("postgresql://") :]
    return url


@pytest.fixture(autouse=True)
def _real_clock() -> Iterator[None]:
    """Each test starts on the real clock, and a test that moved the clock forward does not
    leave ids "from the future" to the next one (ids never go backwards in a process)."""
    from gazouille.core import clock, ids

    yield
    clock.set_clock(None)
    ids._last_ms = 0


LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests reach no host but this one: any other name fails as if it did not resolve
    (remote servers in tests are served on 127.0.0.1 or faked)."""
    from gazouille.core import http

    real = http.resolve_public

    async def loopback_only(host: str, port: int, *, allow_private: bool) -> list[str]:
        if host.lower().strip("[]") not in LOOPBACK_NAMES:
            raise http.HostNotFound(f"tests reach no other host ({host})")
        return await real(host, port, allow_private=allow_private)

    monkeypatch.setattr(http, "resolve_public", loopback_only)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_ready() -> bool:
    if not PG_URL:
        return False

    async def prepare() -> None:
        engine = create_async_engine(_async_url(PG_URL), poolclass=NullPool)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
        await upgrade_async(_async_url(PG_URL))

    asyncio.run(prepare())
    return True


async def _truncate_postgres(url: str) -> None:
    engine = create_async_engine(url, poolclass=NullPool)
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} CASCADE"))
    await engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path, sqlite_template: Path, postgres_ready: bool) -> Iterator[str]:
    if postgres_ready:
        url = _async_url(PG_URL)
        asyncio.run(_truncate_postgres(url))
        yield url
        return
    path = tmp_path / "gazouille.db"
    shutil.copy(sqlite_template, path)
    yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Iterator[Settings]:
    value = Settings(
        public_url=BASE_URL,
        data_dir=tmp_path / "data",
        database_url=database_url,
        redis_url=REDIS_URL,
        secret_key="test-secret",
        password_grant=True,
    )
    set_settings(value)
    yield value
    set_settings(None)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Any]:
    application = create_app(settings, run_worker=False)
    limiter = application.state.gazouille.ratelimiter
    if hasattr(limiter, "prefix"):  # Redis keeps counts between tests: give each its own
        limiter.prefix = f"gazouille:test:{secrets.token_hex(6)}:ratelimit:"
    yield application
    state = application.state.gazouille
    await state.pubsub.close()
    await state.db.dispose()


@pytest.fixture
def db(app: Any) -> Any:
    return app.state.gazouille.db


@pytest.fixture
def run_jobs(app: Any) -> Any:
    """Run every due background job now (tests run no worker)."""
    state = app.state.gazouille
    ctx = JobContext(state.db, state.pubsub)
    registry = build_registry()

    async def run() -> int:
        return await run_pending(ctx, registry)

    return run


class Api:
    """A Mastodon API client for tests, with a few helpers."""

    def __init__(self, client: httpx.AsyncClient):
        self.client = client
        self.app_credentials: tuple[str, str] | None = None

    async def request(
        self, method: str, path: str, token: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return await self.client.request(method, path, headers=headers, **kwargs)

    async def get(self, path: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", path, token, **kwargs)

    async def post(self, path: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
        return await self.request("POST", path, token, **kwargs)

    async def client_app(self) -> tuple[str, str]:
        if self.app_credentials is None:
            r = await self.post(
                "/api/v1/apps",
                json={
                    "client_name": "tests",
                    "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                    "scopes": "read write follow push",
                },
            )
            assert r.status_code == 200, r.text
            self.app_credentials = (r.json()["client_id"], r.json()["client_secret"])
        return self.app_credentials

    async def app_token(self) -> str:
        client_id, secret = await self.client_app()
        r = await self.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret,
                "scope": "read write follow push",
            },
        )
        assert r.status_code == 200, r.text
        return str(r.json()["access_token"])

    async def register(self, username: str, **extra: Any) -> str:
        r = await self.post(
            "/api/v1/accounts",
            await self.app_token(),
            json={
                "username": username,
                "email": f"{username}@example.com",
                "password": "correct horse",
                "agreement": True,
                "locale": "en",
                **extra,
            },
        )
        assert r.status_code == 200, r.text
        return str(r.json()["access_token"])

    async def me(self, token: str) -> dict[str, Any]:
        r = await self.get("/api/v1/accounts/verify_credentials", token)
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def post_status(self, token: str, text: str, **extra: Any) -> dict[str, Any]:
        r = await self.post("/api/v1/statuses", token, json={"status": text, **extra})
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def follow(self, token: str, account_id: str) -> dict[str, Any]:
        r = await self.post(f"/api/v1/accounts/{account_id}/follow", token)
        assert r.status_code == 200, r.text
        return dict(r.json())


@pytest.fixture
async def api(app: Any) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield Api(client)


@pytest.fixture
async def alice(api: Api) -> str:
    return await api.register("alice")


@pytest.fixture
async def bob(api: Api) -> str:
    return await api.register("bob")


@pytest.fixture
async def carol(api: Api) -> str:
    return await api.register("carol")
