"""``gazouille serve --workers 2``: each server process has its own socket on the port and
gets connections (``gazouille.serving``); a process killed with SIGKILL is replaced; SIGTERM
stops them all."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import psutil
import pytest

from gazouille.serving import reuse_port_supported
from tests.live.conftest import free_port, fresh_database, server_env, start, stop, wait_healthy

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not reuse_port_supported(), reason="SO_REUSEPORT spreads only on Linux"),
]


def _listeners(root: psutil.Process, port: int) -> dict[int, psutil.Process]:
    found = {}
    for process in root.children(recursive=True):
        try:
            for conn in process.net_connections(kind="tcp"):
                if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port:
                    found[process.pid] = process
        except psutil.Error:
            continue
    return found


def _established(process: psutil.Process, port: int) -> int:
    try:
        return sum(
            1
            for conn in process.net_connections(kind="tcp")
            if conn.status == psutil.CONN_ESTABLISHED and conn.laddr.port == port
        )
    except psutil.Error:
        return 0


def _wait(predicate: object, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


def test_processes_share_the_port_and_are_replaced(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://localhost:{port}"
    with fresh_database() as database:
        env = server_env(base, tmp_path, database)
        log_path = tmp_path / "server.log"
        proc = start(["serve", "--migrate", "--workers", "2", "--port", str(port)], env, log_path)
        try:
            wait_healthy(proc, base, log_path)
            root = psutil.Process(proc.pid)
            assert _wait(lambda: len(_listeners(root, port)) == 2), log_path.read_text()
            listeners = _listeners(root, port)

            # Kept-alive connections opened in a burst land on both processes.
            clients = [httpx.Client(base_url=base, trust_env=False) for _ in range(24)]
            try:
                for client in clients:
                    assert client.get("/health/live").status_code == 200
                counts = [_established(p, port) for p in listeners.values()]
                assert sum(counts) == len(clients) and min(counts) > 0, counts
            finally:
                for client in clients:
                    client.close()

            victim = next(iter(listeners))
            os.kill(victim, signal.SIGKILL)
            assert _wait(
                lambda: len(_listeners(root, port)) == 2 and victim not in _listeners(root, port)
            ), log_path.read_text()
            wait_healthy(proc, base, log_path)
            children = root.children(recursive=True)
        finally:
            stop(proc)
        _gone, alive = psutil.wait_procs(children, timeout=30)
        assert not alive, alive
