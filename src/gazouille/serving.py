"""Several server processes on one port, each with its own listening socket.

uvicorn's ``--workers`` shares one socket between its processes, and whichever process
wakes first accepts the next connection. Clients that keep their connections alive (a
reverse proxy's upstream pool, a load generator) open them in a burst, so one process often
got them all: in the size-M benchmark, two processes served 460 or 880 home pages a second,
depending on the run. Here each process binds its own socket with ``SO_REUSEPORT``, and the
kernel spreads new connections across them by address hash. The supervisor restarts a
process that dies and stops them all on SIGINT or SIGTERM.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import time
from multiprocessing.process import BaseProcess
from typing import Any

RESTART_PAUSE = 1.0  # seconds between a process's death and its replacement


def reuse_port_supported() -> bool:
    """Only Linux's ``SO_REUSEPORT`` spreads connections; elsewhere uvicorn's workers run."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _serve(host: str, port: int, options: dict[str, Any]) -> None:
    """One server process (run by the supervisor in a fresh interpreter)."""
    import uvicorn

    config = uvicorn.Config("gazouille.main:app_from_environment", factory=True, **options)
    uvicorn.Server(config).run(sockets=[listening_socket(host, port)])


def supervise(host: str, port: int, processes: int, options: dict[str, Any]) -> None:
    """Run ``processes`` server processes until SIGINT or SIGTERM; replace any that dies."""
    # Each process binds its own socket; binding here first reports a taken port at once.
    listening_socket(host, port).close()
    context = multiprocessing.get_context("spawn")
    stopping = False

    def start() -> BaseProcess:
        process = context.Process(target=_serve, args=(host, port, options), daemon=False)
        process.start()
        return process

    def stop(_signal: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    running = [start() for _ in range(processes)]
    try:
        while not stopping:
            time.sleep(0.2)
            for index, process in enumerate(running):
                if not process.is_alive() and not stopping:
                    time.sleep(RESTART_PAUSE)
                    running[index] = start()
    finally:
        for process in running:
            if process.is_alive():
                process.terminate()
        for process in running:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
