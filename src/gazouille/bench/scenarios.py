"""The benchmark scenarios, each measured against the floor in the same run."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
import psutil

from gazouille.bench.data import bench_token


@dataclass
class Plan:
    """How hard to push: `quick` checks the suite works (CI), the full plan measures."""

    concurrency: list[int]
    closed_seconds: float
    open_seconds: float
    home_rate: float
    other_rate: float
    post_rate: float
    search_rate: float
    stream_clients: int

    @classmethod
    def for_mode(cls, quick: bool) -> Plan:
        if quick:
            return cls([1, 8], 2, 2, 50, 30, 5, 5, 50)
        return cls([1, 8, 32, 64], 10, 15, 500, 200, 20, 20, 1000)


@dataclass
class Context:
    base: str
    meta: dict[str, Any]
    plan: Plan
    results: dict[str, Any] = field(default_factory=dict)
    server_pid: int | None = None

    def server_cpu_seconds(self) -> float:
        """CPU time used so far by the server's processes (user + system): CPU per request
        is a figure that other load on the machine hardly changes, unlike req/s."""
        if self.server_pid is None:
            return 0.0
        root = psutil.Process(self.server_pid)
        total = 0.0
        for process in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                total += times.user + times.system
        return total

    @property
    def active(self) -> list[str]:
        return list(self.meta["active_ids"])

    def token(self, account_id: str) -> str:
        return bench_token(int(account_id))


def loadgen(job: dict[str, Any]) -> dict[str, Any]:
    """Run the load generator in its own process and return its results."""
    proc = subprocess.run(
        [sys.executable, "-m", "gazouille.bench.loadgen"],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"load generator failed: {proc.stderr[-2000:]}")
    return dict(json.loads(proc.stdout))


def closed(ctx: Context, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    results = []
    for c in ctx.plan.concurrency:
        before = ctx.server_cpu_seconds()
        result = loadgen(
            {
                "mode": "closed",
                "base": ctx.base,
                "requests": requests,
                "concurrency": c,
                "seconds": ctx.plan.closed_seconds,
            }
        )
        used = ctx.server_cpu_seconds() - before
        result["server_cpu_ms_per_request"] = used * 1000 / max(result["requests"], 1)
        results.append(result)
    return results


def open_(ctx: Context, requests: list[dict[str, Any]], rate: float) -> dict[str, Any]:
    return loadgen(
        {
            "mode": "open",
            "base": ctx.base,
            "requests": requests,
            "rate": rate,
            "seconds": ctx.plan.open_seconds,
        }
    )


def _get(paths: list[tuple[str, str | None]]) -> list[dict[str, Any]]:
    return [{"method": "GET", "path": p, "token": t} for p, t in paths]


async def _fetch_json(base: str, path: str, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession() as session, session.get(base + path, headers=headers) as r:
        return await r.json() if r.status == 200 else None


def run_read_scenarios(ctx: Context) -> None:
    rng = random.Random(7)
    active = ctx.active
    tokens = [ctx.token(a) for a in active]
    floor = _get([("/health/live", None)])
    ctx.results["floor"] = {
        "closed": closed(ctx, floor),
        "open": open_(ctx, floor, ctx.plan.home_rate),
    }
    home = _get([("/api/v1/timelines/home?limit=20", t) for t in tokens])
    ctx.results["home_timeline"] = {
        "closed": closed(ctx, home),
        "open": open_(ctx, home, ctx.plan.home_rate),
    }
    public = _get([("/api/v1/timelines/public?limit=20", t) for t in tokens[:50]])
    ctx.results["public_timeline"] = {"open": open_(ctx, public, ctx.plan.other_rate)}
    tag = asyncio.run(_popular_tag(ctx))
    if tag:
        hashtag = _get([(f"/api/v1/timelines/tag/{tag}?limit=20", t) for t in tokens[:50]])
        ctx.results["hashtag_timeline"] = {
            "tag": tag,
            "open": open_(ctx, hashtag, ctx.plan.other_rate),
        }
    accounts = _get(
        [(f"/api/v1/accounts/{rng.choice(active)}/statuses?limit=20", t) for t in tokens[:200]]
    )
    ctx.results["account_statuses"] = {"open": open_(ctx, accounts, ctx.plan.other_rate)}
    notes = _get([("/api/v1/notifications?limit=20", t) for t in tokens])
    ctx.results["notifications"] = {"open": open_(ctx, notes, ctx.plan.other_rate)}
    for label, word in (
        ("search_rare", ctx.meta["rare_word"]),
        ("search_common", ctx.meta["common_word"]),
    ):
        search = _get(
            [
                (f"/api/v2/search?{urlencode({'q': word, 'type': 'statuses', 'limit': 20})}", t)
                for t in tokens[:100]
            ]
        )
        probe = asyncio.run(_fetch_json(ctx.base, search[0]["path"], tokens[0]))
        if probe is None:
            ctx.results[label] = {"skipped": "GET /api/v2/search is not available"}
            continue
        ctx.results[label] = {
            "word": word,
            "hits": len(probe.get("statuses", [])),
            "open": open_(ctx, search, ctx.plan.search_rate),
        }


async def _popular_tag(ctx: Context) -> str | None:
    statuses = await _fetch_json(
        ctx.base, "/api/v1/timelines/public?limit=40", ctx.token(ctx.active[0])
    )
    for status in statuses or []:
        if status["tags"]:
            return str(status["tags"][0]["name"])
    return None


def run_posting(ctx: Context) -> None:
    tokens = [ctx.token(a) for a in ctx.active]
    posts = [
        {
            "method": "POST",
            "path": "/api/v1/statuses",
            "token": t,
            "json": {"status": f"Benchmark post {n} #bench", "visibility": "public"},
        }
        for n, t in enumerate(tokens)
    ]
    ctx.results["posting"] = {"open": open_(ctx, posts, ctx.plan.post_rate)}


async def _fanout(ctx: Context, author: str, followers: list[str]) -> dict[str, Any]:
    """Post as ``author``; time until the post is on every given follower's home timeline.

    Checking a thousand home timelines itself takes seconds, so the end of a round of checks
    says little about when the post became visible. Each check's sending time is recorded
    (slots taken before sending make it exact): ``last_miss_s`` is the latest check that
    did not find the post yet (the fan-out was not complete then), ``all_visible_s`` the
    latest first successful check of a follower (it was complete by then)."""
    token = ctx.token(author)
    slots = asyncio.Semaphore(32)
    visible_at: dict[str, float] = {}
    last_miss = 0.0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=32)) as session:
        started = time.perf_counter()
        async with session.post(
            f"{ctx.base}/api/v1/statuses",
            headers={"Authorization": f"Bearer {token}"},
            json={"status": "Fan-out probe"},
        ) as response:
            status_id = (await response.json())["id"]
        answered = time.perf_counter() - started
        waiting = set(followers)
        rounds = 0
        while waiting and time.perf_counter() - started < 120:
            rounds += 1

            async def check(account: str) -> str | None:
                nonlocal last_miss
                async with slots:
                    sent = time.perf_counter() - started
                    async with session.get(
                        f"{ctx.base}/api/v1/timelines/home?limit=5",
                        headers={"Authorization": f"Bearer {ctx.token(account)}"},
                    ) as r:
                        ids = [s["id"] for s in await r.json()] if r.status == 200 else []
                if status_id not in ids:
                    last_miss = max(last_miss, sent)
                    return None
                visible_at[account] = sent
                return account

            seen = await asyncio.gather(*(check(a) for a in waiting))
            waiting -= {a for a in seen if a}
        checked_after = time.perf_counter() - started
    return {
        "followers_checked": len(followers),
        "post_answer_s": answered,
        "all_visible_s": max(visible_at.values(), default=checked_after),
        "last_miss_s": last_miss,
        "checks_done_s": checked_after,
        "missing": len(waiting),
        "rounds": rounds,
    }


async def _active_followers(ctx: Context, celebrity: str) -> list[str]:
    """The dataset's active accounts that follow the celebrity, asked through the API."""
    async with aiohttp.ClientSession() as session:

        async def follows(account: str) -> bool:
            headers = {"Authorization": f"Bearer {ctx.token(account)}"}
            url = f"{ctx.base}/api/v1/accounts/relationships?id[]={celebrity}"
            async with session.get(url, headers=headers) as r:
                return r.status == 200 and bool((await r.json())[0]["following"])

        flags = await asyncio.gather(*(follows(a) for a in ctx.active))
    return [a for a, yes in zip(ctx.active, flags, strict=True) if yes]


def run_fanout(ctx: Context) -> None:
    for label, celebrity in zip(
        ("fanout_big", "fanout_small"), ctx.meta["celebrity_ids"], strict=True
    ):
        followers = asyncio.run(_active_followers(ctx, celebrity))
        ctx.results[label] = asyncio.run(_fanout(ctx, celebrity, followers))


async def _follow_all(ctx: Context, author: str, followers: list[str]) -> int:
    """Make each of ``followers`` follow ``author`` (already following is fine)."""
    connector = aiohttp.TCPConnector(limit=8)
    timeout = aiohttp.ClientTimeout(total=None)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def follow(account: str) -> bool:
            headers = {"Authorization": f"Bearer {ctx.token(account)}"}
            url = f"{ctx.base}/api/v1/accounts/{author}/follow"
            async with session.post(url, headers=headers) as r:
                return r.status == 200

        done = await asyncio.gather(*(follow(a) for a in followers))
    return sum(done)


def run_streaming(ctx: Context) -> None:
    """``stream_clients`` (1,000) followers of one author connected to the user stream; the
    time from posting to each one's receipt of the post. The author is the dataset's second
    celebrity, whom nearly every active account follows already; the few others are made to
    follow it first (following costs a write each, so the setup stays short)."""
    author = ctx.meta["celebrity_ids"][1]
    already = asyncio.run(_active_followers(ctx, author))
    known = {*already, author}
    others = [a for a in ctx.active if a not in known]
    wanted = max(0, ctx.plan.stream_clients - len(already))
    followers = already[: ctx.plan.stream_clients] + others[:wanted]
    following = len(already) + asyncio.run(_follow_all(ctx, author, others[:wanted]))
    result = loadgen(
        {
            "mode": "stream",
            "base": ctx.base,
            "tokens": [ctx.token(a) for a in followers],
            "author_token": ctx.token(author),
            "timeout": 30.0,
        }
    )
    result["following"] = following
    ctx.results["streaming"] = result
