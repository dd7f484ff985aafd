"""The pipeline processes collect garbage less often than Python's default, and change nothing else."""

from __future__ import annotations

import gc

from ebrain.collector import GC_YOUNG_THRESHOLD, tune_collector


def test_tune_collector_raises_only_the_young_threshold() -> None:
    before = gc.get_threshold()
    try:
        tune_collector()
        assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, before[1], before[2])
        assert before[0] < GC_YOUNG_THRESHOLD
    finally:
        gc.set_threshold(*before)
