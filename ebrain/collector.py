"""Garbage-collector settings for the processes that run the pipeline."""

from __future__ import annotations

import gc

#: Young-generation threshold of the cyclic garbage collector in a long-running pipeline process (default 700).
#: Every fused signal allocates a few dozen tuples and records that outlive it (the incident's new value), so at
#: the default the collector runs every ~20 signals and keeps promoting them; measured with bench/bench_fusion.py
#: this costs about a tenth of the theater's time at 10,000 open incidents. Nothing here forms cycles that must
#: be freed promptly, so collecting less often only delays freeing memory that reference counting cannot.
GC_YOUNG_THRESHOLD = 20_000


def tune_collector() -> None:
    """Collector settings for a process that runs the pipeline (demo, replay, drill, worker, API)."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)
