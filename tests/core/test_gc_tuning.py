"""The collector's tuning for server processes."""

from __future__ import annotations

import gc

from gazouille.core import gc_tuning
from gazouille.core.gc_tuning import _Freezer, stop_tuning, tune_for_serving


def test_start_up_objects_are_frozen_and_cycles_still_collected() -> None:
    before = gc.get_threshold()
    try:
        tune_for_serving()
        tune_for_serving()  # once is enough: no second callback
        assert sum(isinstance(c, _Freezer) for c in gc.callbacks) == 1
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == before
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1
    finally:
        stop_tuning()
    assert not any(isinstance(c, _Freezer) for c in gc.callbacks)
    assert gc.get_freeze_count() == 0


def test_survivors_are_frozen_and_everything_is_walked_again_now_and_then() -> None:
    now = [0.0]
    freezer = _Freezer(clock=lambda: now[0])
    gc.callbacks.append(freezer)
    try:
        kept = [[n] for n in range(1000)]  # survivors of the next full collection
        gc.collect()
        frozen = gc.get_freeze_count()
        assert frozen >= len(kept)

        # A cycle made and dropped before the next collection is collected as ever.
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1

        # A frozen cycle that became garbage waits for the thaw.
        late: list[object] = []
        late.append(late)
        gc.collect()  # ``late`` survives: frozen
        del late
        assert gc.collect() == 0
        now[0] += gc_tuning.THAW_EVERY
        gc.collect()  # time to thaw: this collection unfreezes everything
        assert gc.get_freeze_count() == 0
        assert gc.collect() >= 1  # the full walk finds the late cycle, then freezes again
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.callbacks.remove(freezer)
        gc.unfreeze()
