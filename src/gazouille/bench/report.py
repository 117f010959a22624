"""The Markdown summary of a benchmark run, with the goals, the floor ratios and charts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

GOALS = [
    # (result key, what, goal text, check)
    (
        "home_timeline",
        "Home timeline throughput",
        "≥ 1,000 req/s and ≥ 20 % of the floor",
        lambda r, f: _best(r) >= 1000 and _best(r) >= 0.2 * _best(f),
    ),
    (
        "home_timeline",
        "Home timeline p99 at the open-loop rate",
        "≤ 30 ms at 500 req/s",
        lambda r, f: r["open"]["latency_ms"]["p99"] <= 30 and r["open"]["rate"] >= 500,
    ),
    ("posting", "Posting p99", "≤ 50 ms", lambda r, f: r["open"]["latency_ms"]["p99"] <= 50),
    (
        "fanout_small",
        "Fan-out, 10,000 followers",
        "all active followers within 1 s",
        lambda r, f: r.get("last_miss_s", r["all_visible_s"]) <= 1 and r["missing"] == 0,
    ),
    (
        "fanout_big",
        "Fan-out, 50,000 followers",
        "all active followers within 5 s",
        lambda r, f: r.get("last_miss_s", r["all_visible_s"]) <= 5 and r["missing"] == 0,
    ),
    (
        "search_rare",
        "Search, rare term p95",
        "≤ 50 ms",
        lambda r, f: r["open"]["latency_ms"]["p95"] <= 50,
    ),
    (
        "search_common",
        "Search, common term p99",
        "≤ 200 ms",
        lambda r, f: r["open"]["latency_ms"]["p99"] <= 200,
    ),
    (
        "streaming",
        "Streaming to connected followers",
        "p99 ≤ 500 ms, every client served",
        lambda r, f: r["received"] == r["clients"] and r["latency_ms"]["p99"] <= 500,
    ),
]


def _best(result: dict[str, Any]) -> float:
    return max((c["throughput"] for c in result.get("closed", [])), default=0.0)


def _row(name: str, result: dict[str, Any]) -> str:
    if "open" not in result:
        return f"| {name} | – | – | – | – | – |"
    lat = result["open"]["latency_ms"]
    errors = result["open"]["errors"]
    return (
        f"| {name} | {result['open']['rate']:.0f} | {lat['p50']:.1f} | {lat['p95']:.1f} | "
        f"{lat['p99']:.1f} | {errors} |"
    )


def _charts(record: dict[str, Any], stem: Path) -> list[str]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    results = record["results"]
    images = []
    fig, ax = plt.subplots(figsize=(7, 4))
    for key in ("floor", "home_timeline"):
        if "closed" in results.get(key, {}):
            points = results[key]["closed"]
            ax.plot(
                [p["concurrency"] for p in points],
                [p["throughput"] for p in points],
                marker="o",
                label=key,
            )
    ax.set_xlabel("concurrent clients")
    ax.set_ylabel("requests per second")
    ax.set_title("Throughput against concurrency")
    ax.legend()
    path = stem.with_name(stem.name + "-throughput.png")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    images.append(path.name)
    sampled = {
        key: sorted(result["open"]["samples_ms"])
        for key, result in results.items()
        if isinstance(result, dict) and "open" in result and result["open"].get("samples_ms")
    }
    if not sampled:  # a partial plan without open loops
        return images
    fig, ax = plt.subplots(figsize=(7, 4))
    for key, samples in sampled.items():
        ax.plot(samples, [i / len(samples) for i in range(len(samples))], label=key)
    ax.set_xscale("log")
    ax.set_xlabel("latency (ms, log scale)")
    ax.set_ylabel("fraction of requests")
    ax.set_title("Latency distribution at a fixed request rate")
    ax.legend(fontsize=7)
    path = stem.with_name(stem.name + "-latency.png")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    images.append(path.name)
    return images


def _measured(key: str, what: str, result: Any, floor: dict[str, Any]) -> str:
    if not result or "skipped" in result:
        raise KeyError(key)
    if key.startswith("fanout"):
        return (
            f"last miss at {result.get('last_miss_s', 0):.2f} s, every first hit by "
            f"{result['all_visible_s']:.2f} s (answer {result['post_answer_s'] * 1000:.0f} ms; "
            f"{result['followers_checked']} followers checked in {result['rounds']} round(s))"
        )
    if key == "streaming":
        lat = result["latency_ms"]
        return (
            f"p50 {lat['p50']:.0f} ms, p99 {lat['p99']:.0f} ms, "
            f"{result['received']}/{result['clients']} clients"
        )
    if what.endswith("throughput"):
        ratio = _best(result) / max(_best(floor), 1)
        return f"{_best(result):.0f} req/s ({ratio:.0%} of the floor)"
    lat = result["open"]["latency_ms"]
    return f"p95 {lat['p95']:.1f} ms, p99 {lat['p99']:.1f} ms"


def write_report(record: dict[str, Any], stem: Path) -> str:
    results = record["results"]
    floor = results.get("floor", {})
    lines = [
        f"# Benchmark {record['date']} — {record['backend']}, size {record['size']}"
        + (" (quick check, not a measurement)" if record["quick"] else ""),
        "",
        f"Dataset: {record['dataset']}. CPUs: {record['cpus']}. "
        f"Server processes: {record.get('workers', 1)}."
        + (f" Note: {record['note']}." if record.get("note") else ""),
        "",
        "## Goals",
        "",
        "| goal | target | measured | met |",
        "| --- | --- | --- | --- |",
    ]
    for key, what, target, check in GOALS:
        result = results.get(key)
        try:
            measured, met = _measured(key, what, result, floor), check(result, floor)
        except (KeyError, TypeError):  # not in this run (a partial plan, a failed phase)
            lines.append(f"| {what} | {target} | not measured | – |")
            continue
        lines.append(f"| {what} | {target} | {measured} | {'yes' if met else 'NO'} |")
    memory = results.get("memory_end_mb")
    if memory is not None:
        met = "yes" if memory < 300 else "NO"
        lines.append(f"| Server memory | < 300 MB resident per process | {memory:.0f} MB | {met} |")
    lines += [
        "",
        "## Fixed-rate latency (ms)",
        "",
        "| scenario | rate/s | p50 | p95 | p99 | errors |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for key, result in results.items():
        if isinstance(result, dict):
            lines.append(_row(key, result))
    lines += [
        "",
        "## Throughput (closed loop)",
        "",
        "| scenario | concurrency | req/s | p99 ms | ratio to floor | server CPU ms/req |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    floor_by_c = {p["concurrency"]: p["throughput"] for p in floor.get("closed", [])}
    for key in ("floor", "home_timeline"):
        for point in results.get(key, {}).get("closed", []):
            ratio = point["throughput"] / max(floor_by_c.get(point["concurrency"], 1), 1)
            cpu = point.get("server_cpu_ms_per_request")
            lines.append(
                f"| {key} | {point['concurrency']} | {point['throughput']:.0f} | "
                f"{point['latency_ms']['p99']:.1f} | {ratio:.2f} | "
                + (f"{cpu:.2f} |" if cpu is not None else "– |")
            )
    for image in _charts(record, stem):
        lines += ["", f"![{image}]({image})"]
    text = "\n".join(lines) + "\n"
    stem.with_suffix(".md").write_text(text)
    return text
