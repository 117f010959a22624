"""``make bench``: prepare a dataset, start a live server, run the scenarios, write
bench/results/<date>-<backend>.json and a Markdown summary with charts.

    python -m gazouille.bench.run --backend sqlite|postgres --size S|M [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil

from gazouille.bench.report import write_report
from gazouille.bench.scenarios import (
    Context,
    Plan,
    run_fanout,
    run_posting,
    run_read_scenarios,
    run_streaming,
)

ROOT = Path.cwd()
BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("GAZOUILLE_BENCH_POSTGRES", "postgresql://127.0.0.1:5432")
REDIS_URL = os.environ.get("GAZOUILLE_BENCH_REDIS", "redis://127.0.0.1:6379/1")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(data_dir: Path, backend: str, size: str, workers: int = 1) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAZOUILLE_")}
    env.update(
        {
            "GAZOUILLE_DATA_DIR": str(data_dir),
            "GAZOUILLE_SECRET_KEY": "bench",
            "GAZOUILLE_PUBLIC_URL": "http://localhost:3000",
            # The dataset's remote followers live on made-up domains: delivering to them
            # would only measure DNS failures. Federation's cost is not what is measured here.
            "GAZOUILLE_FEDERATION": "false",
        }
    )
    if backend == "postgres":
        env["GAZOUILLE_DATABASE_URL"] = f"{PG_SERVER}/gazouille_bench_{size.lower()}"
    if backend == "postgres" or workers > 1:
        # Several processes need Redis to share streaming events and job wake-ups.
        env["GAZOUILLE_REDIS_URL"] = REDIS_URL
    return env


def _psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG_SERVER}/postgres", "-q", "-c", sql], check=True)


def prepare(
    backend: str, size: str, fresh: bool, workers: int = 1
) -> tuple[Path, dict[str, str], dict[str, Any]]:
    data_dir = ROOT / "bench" / "data" / f"{size}-{backend}"
    env = _env(data_dir, backend, size, workers)
    meta_path = data_dir / "bench-dataset.json"
    if fresh or not meta_path.exists():
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
        if backend == "postgres":
            name = f"gazouille_bench_{size.lower()}"
            _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            _psql(f'CREATE DATABASE "{name}"')
        subprocess.run([str(BIN / "gazouille"), "bench-data", "--size", size], env=env, check=True)
    return data_dir, env, json.loads(meta_path.read_text())


def start_server(
    env: dict[str, str], data_dir: Path, workers: int = 1
) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    log = (data_dir / "server.log").open("ab")
    command = [str(BIN / "gazouille"), "serve", "--migrate", "--no-access-log", "--port", str(port)]
    proc = subprocess.Popen(
        [*command, "--workers", str(workers)] if workers > 1 else command,
        env={**env, "GAZOUILLE_PUBLIC_URL": "http://localhost:3000"},
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/health", timeout=2, trust_env=False).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"the server did not start; see {data_dir / 'server.log'}")


def _largest_rss_mb(server: psutil.Process) -> float:
    """The resident memory of the largest server process (the supervisor's children too)."""
    processes = [server, *server.children(recursive=True)]
    return max(p.memory_info().rss for p in processes if p.is_running()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--size", choices=("S", "M"), default="S")
    parser.add_argument(
        "--quick", action="store_true", help="a short run that checks the suite works"
    )
    parser.add_argument("--fresh", action="store_true", help="regenerate the dataset")
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (gazouille serve --workers)"
    )
    args = parser.parse_args()
    data_dir, env, meta = prepare(args.backend, args.size, args.fresh or args.quick, args.workers)
    proc, base = start_server(env, data_dir, args.workers)
    ctx = Context(base, meta, Plan.for_mode(args.quick), server_pid=proc.pid)
    server = psutil.Process(proc.pid)
    try:
        for path in ("/health/live", "/api/v1/timelines/home?limit=20", "/api/v1/timelines/public"):
            for account in ctx.active[:100]:
                httpx.get(
                    base + path,
                    headers={"Authorization": f"Bearer {ctx.token(account)}"},
                    trust_env=False,
                )
        run_read_scenarios(ctx)
        ctx.results["memory_after_reads_mb"] = _largest_rss_mb(server)
        for phase in (run_posting, run_fanout, run_streaming):
            try:
                phase(ctx)
            except Exception as exc:  # keep what was measured; report what failed
                ctx.results.setdefault("errors", []).append(f"{phase.__name__}: {exc!r}")
        ctx.results["memory_end_mb"] = _largest_rss_mb(server)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    record = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "backend": args.backend,
        "size": args.size,
        "quick": args.quick,
        "workers": args.workers,
        "dataset": meta["counts"],
        "cpus": os.cpu_count(),
        "results": ctx.results,
    }
    suffix = ("-quick" if args.quick else "") + (f"-w{args.workers}" if args.workers > 1 else "")
    json_path = out / f"{stamp}-{args.backend}-{args.size}{suffix}.json"
    json_path.write_text(json.dumps(record, indent=1))
    summary = write_report(record, out / f"{stamp}-{args.backend}-{args.size}{suffix}")
    print(summary)
    print(f"\nResults: {json_path}")


if __name__ == "__main__":
    main()
