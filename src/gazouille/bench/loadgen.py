"""The load generator, run as a separate process (``python -m gazouille.bench.loadgen``) so
its CPU is not the server's: reads a JSON job on stdin, writes JSON results on stdout.

Two modes:
- ``closed``: N workers send requests back to back for ``seconds`` (throughput).
- ``open``: requests start on a fixed schedule at ``rate`` per second whatever the answers,
  and latency is measured from the scheduled start, so a slow server cannot hide its queue
  (no coordinated omission). The first second is a warm-up, sent but not recorded.
- ``stream``: ``tokens`` clients connect to the streaming API's WebSocket (user stream),
  then ``author_token`` posts a status; each client's latency is from just before the post
  to the moment its ``update`` frame for that status arrives.
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


# No client-side deadline: a server that falls behind an open-loop schedule must show its
# queue in the latencies, not crash the run (aiohttp's default is 5 minutes in total).
NO_TIMEOUT = aiohttp.ClientTimeout(total=None)


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

    async with aiohttp.ClientSession(connector=connector, timeout=NO_TIMEOUT) as session:

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
                except (aiohttp.ClientError, TimeoutError):
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


# Open loops start with a second at the same rate that is sent but not recorded: the load
# generator opens its connections then, as a client population would have them open already.
WARMUP_S = 1.0
# Scheduled times start this far after the schedule is made: creating thousands of tasks
# takes tens of milliseconds, which the first requests would otherwise count as latency.
LEAD_S = 0.5


async def open_loop(
    base: str, requests: list[dict[str, Any]], rate: float, seconds: float
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    warmup = int(rate * WARMUP_S)
    total = int(rate * seconds)
    connector = aiohttp.TCPConnector(limit=512)
    async with aiohttp.ClientSession(connector=connector, timeout=NO_TIMEOUT) as session:
        start = time.perf_counter() + LEAD_S

        async def one(n: int) -> None:
            nonlocal errors
            scheduled = start + n / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            failed = False
            try:
                status = await _send(session, base, requests[n % len(requests)])
                failed = status >= 400
            except (aiohttp.ClientError, TimeoutError):
                failed = True
            if n < warmup:
                return
            errors += failed
            latencies.append((time.perf_counter() - scheduled) * 1000)

        await asyncio.gather(*(one(n) for n in range(warmup + total)))
        elapsed = time.perf_counter() - start - WARMUP_S
    return {
        "mode": "open",
        "rate": rate,
        "requests": len(latencies),
        "errors": errors,
        "achieved_rate": len(latencies) / elapsed,
        "latency_ms": percentiles(latencies),
        "samples_ms": latencies[:: max(1, len(latencies) // 2000)],
    }


async def stream_delivery(
    base: str, tokens: list[str], author_token: str, wait_s: float
) -> dict[str, Any]:
    ws_base = base.replace("http://", "ws://", 1)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=NO_TIMEOUT) as session:
        sem = asyncio.Semaphore(50)

        async def connect(token: str) -> aiohttp.ClientWebSocketResponse | None:
            async with sem:
                try:
                    return await session.ws_connect(
                        f"{ws_base}/api/v1/streaming?stream=user&access_token={token}",
                        heartbeat=None,
                    )
                except aiohttp.ClientError:
                    return None

        sockets = await asyncio.gather(*(connect(t) for t in tokens))
        live = [ws for ws in sockets if ws is not None]
        await asyncio.sleep(1.0)  # let the server finish registering the subscriptions
        arrivals: list[float] = []
        status_id: dict[str, str] = {}
        posted = asyncio.Event()

        async def listen(ws: aiohttp.ClientWebSocketResponse) -> None:
            try:
                async for message in ws:
                    if message.type != aiohttp.WSMsgType.TEXT:
                        break
                    frame = json.loads(message.data)
                    if frame.get("event") != "update":
                        continue
                    received = time.perf_counter()
                    await posted.wait()
                    if json.loads(frame["payload"]).get("id") == status_id.get("id"):
                        arrivals.append(received)
                        return
            except (aiohttp.ClientError, asyncio.CancelledError):
                return

        async def deliver(text: str) -> tuple[float, float]:
            """Post ``text``; wait until every client got it (or ``wait_s``)."""
            arrivals.clear()
            status_id.clear()
            posted.clear()
            listeners = [asyncio.create_task(listen(ws)) for ws in live]
            started = time.perf_counter()
            async with session.post(
                f"{base}/api/v1/statuses",
                headers={"Authorization": f"Bearer {author_token}"},
                json={"status": text, "visibility": "public"},
            ) as response:
                status_id["id"] = (await response.json())["id"]
            answered = time.perf_counter() - started
            posted.set()
            _done, pending = await asyncio.wait(listeners, timeout=wait_s)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            return started, answered

        # A first post warms the server up (and lets the follows' background jobs end).
        await deliver("Streaming warm-up")
        await asyncio.sleep(2.0)
        started, answered = await deliver("Streaming probe")
        await asyncio.gather(*(ws.close() for ws in live), return_exceptions=True)
    latencies = [(t - started) * 1000 for t in arrivals]
    return {
        "mode": "stream",
        "clients": len(tokens),
        "connected": len(live),
        "received": len(arrivals),
        "post_answer_ms": answered * 1000,
        "latency_ms": percentiles(latencies),
        "samples_ms": latencies,
    }


async def main() -> None:
    job = json.loads(sys.stdin.read())
    if job["mode"] == "closed":
        result = await closed_loop(job["base"], job["requests"], job["concurrency"], job["seconds"])
    elif job["mode"] == "stream":
        result = await stream_delivery(
            job["base"], job["tokens"], job["author_token"], job.get("timeout", 30.0)
        )
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
