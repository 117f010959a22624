"""Nothing is lost: a job committed by a process killed with SIGKILL before any worker ran it
is done by the next process; a separate ``gazouille worker`` process does the jobs of a
``serve --no-worker`` process."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

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

pytestmark = pytest.mark.live


def _client(base: str, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=base, headers=headers, timeout=10, trust_env=False)


def _notifications(base: str, token: str) -> list[dict[str, Any]]:
    with _client(base, token) as client:
        return list(client.get("/api/v1/notifications").json())


def _wait_for(predicate: Any, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_jobs_survive_kill_9_and_run_in_a_separate_worker(tmp_path: Path) -> None:
    with fresh_database() as database:
        port = free_port()
        base = f"http://localhost:{port}"
        env = server_env(base, tmp_path, database)
        log = tmp_path / "server.log"
        server = start(["serve", "--migrate", "--no-worker", "--port", str(port)], env, log)
        try:
            wait_healthy(server, base, log)
            alice, bob = register_token(base, "alice"), register_token(base, "bob")
            with _client(base, alice) as client:
                status = client.post("/api/v1/statuses", json={"status": "durable"}).json()
            with _client(base, bob) as client:
                assert client.post(f"/api/v1/statuses/{status['id']}/favourite").status_code == 200
            time.sleep(0.5)
            assert _notifications(base, alice) == []  # no worker anywhere: the job waits
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=10)

            # The same instance comes back, still without a worker in the web process…
            server = start(["serve", "--no-worker", "--port", str(port)], env, log)
            wait_healthy(server, base, log)
            assert _notifications(base, alice) == []
            # …and a separate worker process does the job the killed process left behind.
            worker = start(["worker", "--concurrency", "2"], env, log)
            try:
                assert _wait_for(
                    lambda: [n["type"] for n in _notifications(base, alice)] == ["favourite"]
                ), log.read_text()[-3000:]
                # New work done by the separate worker, woken through pub/sub or polling.
                with _client(base, bob) as client:
                    client.post("/api/v1/statuses", json={"status": "@alice hello"})
                assert _wait_for(
                    lambda: "mention" in [n["type"] for n in _notifications(base, alice)]
                )
            finally:
                stop(worker)
        finally:
            stop(server)
