"""A real ``gazouille serve`` process on loopback, for tests that drive it with real clients.

SQLite in a temp data dir by default. When GAZOUILLE_TEST_DATABASE_URL is set (the PostgreSQL
run), the server gets its own throw-away database on the same PostgreSQL server, so it never
meets the in-process tests that TRUNCATE the ``test`` database.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

BIN_DIR = Path(sys.executable).parent
PG_URL = os.environ.get("GAZOUILLE_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("GAZOUILLE_TEST_REDIS_URL", "")
START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def _admin_sql(sql: str) -> None:
    """Run one statement on the PostgreSQL server of GAZOUILLE_TEST_DATABASE_URL."""

    async def run() -> None:
        conn = await asyncpg.connect(PG_URL.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture(scope="session")
def live_database() -> Iterator[str]:
    with fresh_database() as url:
        yield url


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def wait_healthy(proc: subprocess.Popen[bytes], base_url: str, stderr_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"gazouille serve exited with {proc.returncode}:\n{stderr_path.read_text()}"
            )
        try:
            if httpx.get(f"{base_url}/health", timeout=2, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop(proc)
    pytest.fail(f"gazouille serve not healthy after {START_TIMEOUT}s:\n{stderr_path.read_text()}")


def server_env(base_url: str, data_dir: Path, database: str) -> dict[str, str]:
    env = {
        **os.environ,
        "GAZOUILLE_PUBLIC_URL": base_url,
        "GAZOUILLE_DATA_DIR": str(data_dir),
        "GAZOUILLE_PASSWORD_GRANT": "true",
        "GAZOUILLE_SECRET_KEY": "test",
        "GAZOUILLE_HOST": "127.0.0.1",
    }
    for key in ("GAZOUILLE_DATABASE_URL", "GAZOUILLE_REDIS_URL"):
        env.pop(key, None)
    if database:
        env["GAZOUILLE_DATABASE_URL"] = database
    if REDIS_URL:
        env["GAZOUILLE_REDIS_URL"] = REDIS_URL
    return env


def start(args: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    """Start ``gazouille <args>`` with its output appended to ``log_path``."""
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [str(BIN_DIR / "gazouille"), *args], env=env, stdout=log, stderr=log
        )


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    """'' (SQLite in the data dir) or a new PostgreSQL database, dropped afterwards."""
    if not PG_URL:
        yield ""
        return
    name = f"gazouille_live_{secrets.token_hex(4)}"
    _admin_sql(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(PG_URL, name)
    finally:
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, live_database: str) -> Iterator[str]:
    """Start ``gazouille serve --migrate`` on a free loopback port; yield its base URL."""
    port = free_port()
    base_url = f"http://localhost:{port}"
    data_dir = tmp_path_factory.mktemp("live-data")
    env = server_env(base_url, data_dir, live_database)
    log_path = data_dir / "server.log"
    proc = start(["serve", "--migrate", "--port", str(port)], env, log_path)
    try:
        wait_healthy(proc, base_url, log_path)
        yield base_url
    finally:
        stop(proc)


PASSWORD = "correct horse battery"


def register_token(base_url: str, username: str, *, scopes: str = "read write follow") -> str:
    """Sign up through the API as an app would (app, client_credentials token,
    POST /api/v1/accounts) and return the new user's access token."""
    with httpx.Client(base_url=base_url, trust_env=False, timeout=30) as client:
        app = client.post(
            "/api/v1/apps",
            json={
                "client_name": "live",
                "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                "scopes": scopes,
            },
        ).json()
        token = client.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
                "scope": scopes,
            },
        ).json()["access_token"]
        response = client.post(
            "/api/v1/accounts",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "username": username,
                "email": f"{username}@example.com",
                "password": PASSWORD,
                "agreement": True,
                "locale": "en",
            },
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])
