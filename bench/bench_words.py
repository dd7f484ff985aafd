"""What saying the feed costs the API, beside the same picture without words. Run: .venv/bin/python bench/bench_words.py

Every delta of the shipped Yanjiao and 23·7 scenarios (replayed on the embedded runtime once, then kept as the
feed's JSON) is applied to a fresh `Picture` twice per round: without words (the ceiling: what applying cost
before the operator language) and with `Words` (labels for the entity, feed lines for the delta). Printed: the
time per delta, median with the spread over rounds and the worst round, for both, and the difference. CPU time
of this process only; the machine's load average is printed too.
"""

from __future__ import annotations

import asyncio
import copy
import os
import statistics
import time

from dashboard_api.deltas import as_delta_json
from dashboard_api.picture import Picture
from ebrain.compose import build_core, embedded_runtime
from ebrain.settings import PACKAGE_ROOT, Settings
from scenarios.model import load_scenario
from scenarios.run import replay_embedded

SCENARIOS = ("yanjiao_gas_explosion_2024.yaml", "flood_23_7_2023.yaml")
ROUNDS = 5


def deltas_of(file: str) -> list[dict]:
    scenario = load_scenario(PACKAGE_ROOT / "scenarios" / "files" / file)
    core = build_core(Settings(), fleet_seed=scenario.fleet_seed, fleet_scale=scenario.fleet_scale)
    return [as_delta_json(d)[0] for d in asyncio.run(replay_embedded(scenario, embedded_runtime(core))).deltas]


def per_delta_us(deltas: list[dict], words: object | None) -> float:
    fresh = copy.deepcopy(deltas)  # apply adds to the dicts; every round starts from the core's form
    picture = Picture()
    if words is not None:
        picture.speak_with(words)  # type: ignore[arg-type]
    start = time.process_time()
    for delta in fresh:
        picture.apply(delta)
    return (time.process_time() - start) / len(fresh) * 1e6


def main() -> None:
    print(f"words bench: cpus={os.cpu_count()}, load average at start {os.getloadavg()[0]:.2f}")
    words = build_core(Settings()).words
    for file in SCENARIOS:
        deltas = deltas_of(file)
        bare = [per_delta_us(deltas, None) for _ in range(ROUNDS)]
        said = [per_delta_us(deltas, words) for _ in range(ROUNDS)]
        print(f"{file}: {len(deltas):,} deltas, {ROUNDS} rounds (median, min–max, CPU time per delta)")
        print(f"  ceiling: apply without words  {statistics.median(bare):8.1f} µs  ({min(bare):.1f}–{max(bare):.1f})")
        print(f"  apply and say in words         {statistics.median(said):8.1f} µs  ({min(said):.1f}–{max(said):.1f})")
        print(f"  the words' share               {statistics.median(said) - statistics.median(bare):8.1f} µs per delta")
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
