"""Python's cyclic garbage collector, for a long-running server process.

A full collection walks every object the collector tracks. In a server process most of
them live long: the modules and the app, and the per-process caches of rendered statuses
and accounts (tens of thousands of entries on size M). Measured on the live server (size
M, two processes, 500 home pages a second): a full collection every 0.5 s in each
process, 22–28 ms each, which made the p99 55 ms.

So a full collection's survivors are frozen (``gc.freeze``): they were all reachable a
moment ago, and the next full collections walk only what was made since (3–6 ms; p99
13–15 ms in the same run). Frozen objects are still freed by reference counting when the
caches drop them; only a cycle among them that becomes garbage later would stay. To bound
that, every ``THAW_EVERY`` seconds everything is unfrozen, the next full collection walks
it all once, and its survivors are frozen again.

Raising the thresholds instead was tried and rejected: longer collections, and on size M
the searches' slowest 5 % got worse (p95 32 → 46 ms in process).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

THAW_EVERY = 600.0  # seconds between two full collections that walk every object


class _Freezer:
    """The ``gc.callbacks`` entry that freezes a full collection's survivors."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.thawed_at = clock()
        self.thawed = False  # unfrozen, waiting for the full collection that walks all

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase != "stop" or info.get("generation") != 2:
            return
        if not self.thawed and self.clock() - self.thawed_at >= THAW_EVERY:
            gc.unfreeze()
            self.thawed = True
            self.thawed_at = self.clock()
            return
        self.thawed = False
        gc.freeze()


def tune_for_serving() -> None:
    """Call once the process is ready to serve: freezes the start-up objects and, from
    then on, each full collection's survivors."""
    gc.collect()
    gc.freeze()
    if not any(isinstance(callback, _Freezer) for callback in gc.callbacks):
        gc.callbacks.append(_Freezer())


def stop_tuning() -> None:
    """Undo ``tune_for_serving`` (tests)."""
    gc.callbacks[:] = [c for c in gc.callbacks if not isinstance(c, _Freezer)]
    gc.unfreeze()
