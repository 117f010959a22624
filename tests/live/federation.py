"""Helpers for tests with two Gazouille instances on loopback, federating over ActivityPub:
each instance is a ``gazouille serve`` process with its own data dir (and database on
PostgreSQL runs); each user speaks that instance's Mastodon API with a token."""

from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from tests.live.conftest import (
    free_port,
    fresh_database,
    register_token,
    server_env,
    start,
    stop,
    wait_healthy,
)

T = TypeVar("T")
PATIENCE = 60.0  # seconds a federated effect may take (jobs, deliveries, retries)


def eventually(check: Callable[[], T | None], what: str, timeout: float = PATIENCE) -> T:
    """Poll ``check`` until it gives a truthy value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for: {what}")
        time.sleep(0.3)


@dataclass
class Instance:
    name: str
    port: int
    data_dir: Path
    database: str
    proc: Any = None

    @property
    def base(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def domain(self) -> str:
        return f"localhost:{self.port}"

    def env(self) -> dict[str, str]:
        env = server_env(self.base, self.data_dir, self.database)
        env["GAZOUILLE_ALLOW_PRIVATE_ADDRESSES"] = "true"
        return env

    def start(self) -> None:
        log = self.data_dir / "server.log"
        self.proc = start(["serve", "--migrate", "--port", str(self.port)], self.env(), log)
        wait_healthy(self.proc, self.base, log)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        stop(self.proc)

    def log(self) -> str:
        return (self.data_dir / "server.log").read_text(errors="replace")[-6000:]


@contextlib.contextmanager
def two_instances(
    tmp_path_factory: pytest.TempPathFactory, prefix: str = "fed"
) -> Iterator[tuple[Instance, Instance]]:
    """Instances A and B, started, each with its own database; stopped afterwards."""
    with fresh_database() as db_a, fresh_database() as db_b:
        a = Instance("A", free_port(), tmp_path_factory.mktemp(f"{prefix}-a"), db_a)
        b = Instance("B", free_port(), tmp_path_factory.mktemp(f"{prefix}-b"), db_b)
        a.start()
        b.start()
        try:
            yield a, b
        finally:
            for instance in (a, b):
                if instance.proc is not None:
                    instance.stop()


def logs(a: Instance, b: Instance) -> str:
    return "---- A's log ----\n" + a.log() + "\n---- B's log ----\n" + b.log()


class User:
    """One account on one instance, with a token, speaking the Mastodon API."""

    def __init__(self, instance: Instance, username: str, *, locked: bool = False):
        self.instance = instance
        self.username = username
        self.token = register_token(instance.base, username)
        self.http = httpx.Client(
            base_url=instance.base,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=30,
            trust_env=False,
        )
        self.id = self.get("/api/v1/accounts/verify_credentials")["id"]
        if locked:
            self.call("PATCH", "/api/v1/accounts/update_credentials", data={"locked": "true"})

    @property
    def acct(self) -> str:
        return f"{self.username}@{self.instance.domain}"

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, path, **kwargs)
        assert response.status_code < 300, (
            f"{method} {path}: {response.status_code} {response.text}"
        )
        return response.json()

    def get(self, path: str, **params: Any) -> Any:
        return self.call("GET", path, params=params)

    def post(self, path: str, **json: Any) -> Any:
        return self.call("POST", path, json=json)

    def status_or_none(self, status_id: str) -> dict[str, Any] | None:
        response = self.http.get(f"/api/v1/statuses/{status_id}")
        return response.json() if response.status_code == 200 else None

    def find(self, acct: str) -> dict[str, Any]:
        """The local copy of a remote account, fetched through search with resolve=true."""
        found = self.get("/api/v2/search", q=acct, resolve="true", type="accounts")
        matches = [a for a in found["accounts"] if a["acct"] == acct]
        assert matches, f"{acct} not found from {self.instance.name}: {found}"
        return matches[0]

    def resolve_status(self, url: str) -> dict[str, Any]:
        found = self.get("/api/v2/search", q=url, resolve="true", type="statuses")
        assert found["statuses"], f"{url} not resolved from {self.instance.name}"
        return found["statuses"][0]

    def relationship(self, account_id: str) -> dict[str, Any]:
        return self.get("/api/v1/accounts/relationships", **{"id[]": account_id})[0]

    def home_copy(self, uri: str) -> dict[str, Any] | None:
        for status in self.get("/api/v1/timelines/home", limit=40):
            if status["uri"] == uri or (status["reblog"] or {}).get("uri") == uri:
                return dict(status)
        return None

    def notification(self, kind: str, acct: str) -> dict[str, Any] | None:
        for item in self.get("/api/v1/notifications", limit=40):
            if item["type"] == kind and item["account"]["acct"] == acct:
                return dict(item)
        return None
