"""The collector's tuning for server processes."""

from __future__ import annotations

import gc

from gazouille.core.gc_tuning import tune_for_serving


def test_start_up_objects_are_frozen_and_cycles_still_collected() -> None:
    before = gc.get_threshold()
    try:
        tune_for_serving()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == before
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1
    finally:
        gc.unfreeze()
