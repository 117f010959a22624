"""The load generator, run as a separate process (``python -m gazouille.bench.loadgen``) so
its CPU is not the server's: reads a JSON job on stdin, writes JSON results on stdout.

Two modes:
- ``closed``: N workers send requests back to back for ``seconds`` (throughput).
- ``open``: requests start on a fixed schedule at ``rate`` per second whatever the answers,
  and latency is measured from the scheduled start, so a slow server cannot hide its queue
  (no coordinated omission).
Each request takes the next of ``requests`` (method, path, token, body) in turn.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import aiohttp


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0, "mean": 0.0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": ordered[-1],
        "mean": sum(ordered) / len(ordered),
    }


async def _send(session: aiohttp.ClientSession, base: str, request: dict[str, Any]) -> int:
    headers = {"Authorization": f"Bearer {request['token']}"} if request.get("token") else {}
    async with session.request(
        request.get("method", "GET"),
        base + request["path"],
        headers=headers,
        json=request.get("json"),
    ) as response:
        await response.read()
        return response.status


async def closed_loop(
    base: str, requests: list[dict[str, Any]], concurrency: int, seconds: float
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    counter = 0
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)

    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal errors, counter
            while time.perf_counter() < deadline:
                request = requests[counter % len(requests)]
                counter += 1
                start = time.perf_counter()
                try:
                    status = await _send(session, base, request)
                    if status >= 400:
                        errors += 1
                except aiohttp.ClientError:
                    errors += 1
                latencies.append((time.perf_counter() - start) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {
        "mode": "closed",
        "concurrency": concurrency,
        "requests": len(latencies),
        "errors": errors,
        "throughput": len(latencies) / elapsed,
        "latency_ms": percentiles(latencies),
        "samples_ms": latencies[:: max(1, len(latencies) // 2000)],
    }


async def open_loop(
    base: str, requests: list[dict[str, Any]], rate: float, seconds: float
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    total = int(rate * seconds)
    connector = aiohttp.TCPConnector(limit=512)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()

        async def one(n: int) -> None:
            nonlocal errors
            scheduled = start + n / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                status = await _send(session, base, requests[n % len(requests)])
                if status >= 400:
                    errors += 1
            except aiohttp.ClientError:
                errors += 1
            latencies.append((time.perf_counter() - scheduled) * 1000)

        await asyncio.gather(*(one(n) for n in range(total)))
        elapsed = time.perf_counter() - start
    return {
        "mode": "open",
        "rate": rate,
        "requests": len(latencies),
        "errors": errors,
        "achieved_rate": len(latencies) / elapsed,
        "latency_ms": percentiles(latencies),
        "samples_ms": latencies[:: max(1, len(latencies) // 2000)],
    }


async def main() -> None:
    job = json.loads(sys.stdin.read())
    if job["mode"] == "closed":
        result = await closed_loop(job["base"], job["requests"], job["concurrency"], job["seconds"])
    else:
        result = await open_loop(job["base"], job["requests"], job["rate"], job["seconds"])
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(main())
