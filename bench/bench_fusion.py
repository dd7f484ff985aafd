"""Fusion performance, each figure beside its naive alternative. Run: .venv/bin/python bench/bench_fusion.py

For 1,000 / 10,000 / 100,000 open incidents spread over the theater (synthetic, seeded), 20,000 signals
(one event-hour; 95 % about an open incident, 5 % opening a new one) go through
- `fuse.step` alone (grid index over open incidents), vs the same match by a linear scan over them (naive);
- the embedded path, `theater.step`: watermark ordering, fusion, deltas (target ≥ 20,000 signals/s at 10,000
  open incidents). Incidents here are fire reports, run without playbooks (fire has one, whose dispatch decisions
  route units: a cost per rule fired, not per open incident), so playbook work is left out of this figure unless
  --playbooks is given;
and the cost per signal is shown beside the number of open incidents, to show it stays flat. Call understanding is
measured too: calls per second on one core for the whole-text reader (streams/ingest/understand.py, cues and
learned model), its cues alone, and the first-keyword matcher it replaced, all over the 1,701 texts of the labelled
hotline corpus, in the same run. Times are time of this process (time.process_time), the median over chunks of
1,000 signals, and the best of --repeat runs (each from a fresh state), so that other load on a shared machine
inflates them as little as possible; the spread of the runs is printed too.
Options: --sizes 1000,10000,100000 --signals 20000 --seed 7 --repeat 3 --playbooks
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

import numpy as np
from machine import cpu_model

from ebrain.collector import GC_YOUNG_THRESHOLD, tune_collector
from ebrain.compose import build_core
from ebrain.settings import Settings
from geo.fleet import FleetState
from geo.regions import RegionIndex
from playbooks.evidence import Signal
from playbooks.incident import Incident
from scenarios import call_quality
from streams import theater
from streams.fusion import fuse
from streams.fusion.merge import distance_km
from streams.fusion.rules import FusionRules
from streams.ingest.understand import CallReader
from streams.wire.records import Tick

T = TypeVar("T")
Place = tuple[float, float, str, str]  # lon, lat, county adcode, province adcode
T0 = 1_689_000_000_000
HOUR = 3_600_000
KIND = "report:fire"


def places(regions: RegionIndex, n: int, rng: np.random.Generator) -> list[Place]:
    """n distinct points inside the theater, 1.3 km apart or more (a jittered lattice, sampled), with their
    county and province: far enough apart that no two open one incident."""
    step_lat = 1.3 / 111.2
    step_lon = 1.3 / (111.2 * math.cos(math.radians(42.7)))
    lon, lat = np.meshgrid(np.arange(113.4, 119.9, step_lon), np.arange(36.0, 42.7, step_lat))
    lon, lat = lon.ravel(), lat.ravel()
    found = regions.locate_many(lon, lat)
    inside = np.flatnonzero(found >= 0)
    if len(inside) < n:
        raise SystemExit(f"only {len(inside):,} lattice points in the theater; ask for fewer than {n:,}")
    chosen = rng.choice(inside, size=n, replace=False)
    units = [regions.units[int(found[i])] for i in chosen]
    return [(float(lon[i]), float(lat[i]), u.adcode, u.province_adcode) for i, u in zip(chosen, units, strict=True)]


def signal(n: int, where: Place, at_ms: int) -> Signal:
    lon, lat, adcode, province = where
    return Signal(f"b{n}", "agency", KIND, at_ms, province, adcode, lon, lat, "gps", 3)


def near(where: Place, rng: random.Random) -> Place:
    lon, lat, adcode, province = where
    return lon + rng.uniform(-0.002, 0.002), lat + rng.uniform(-0.002, 0.002), adcode, province


def workload(anchors: list[Place], fresh: list[Place], count: int, seed: int) -> list[Signal]:
    """Signals over one event-hour after the anchors were opened: most about an open incident, some new."""
    rng = random.Random(seed)
    out: list[Signal] = []
    for i in range(count):
        at = T0 + HOUR + i * HOUR // count
        where = fresh[i % len(fresh)] if i % 20 == 0 else near(anchors[rng.randrange(len(anchors))], rng)
        out.append(signal(10_000_000 + i, where, at))
    return out


def per_signal(
    items: Sequence[T], work: Callable[[T], object], count: Callable[[Sequence[T]], int] = len, chunk: int = 1_000
) -> float:
    """CPU µs per signal: the median over chunks of the stream (robust to other load on a shared machine)."""
    costs: list[float] = []
    for start in range(0, len(items), chunk):
        part = items[start : start + chunk]
        t0 = time.process_time()
        for item in part:
            work(item)
        if count(part):
            costs.append((time.process_time() - t0) / count(part) * 1e6)
    return statistics.median(costs)


def naive_find(incidents: dict[str, Incident], rules: FusionRules, s: Signal) -> Incident | None:
    """The same choice as fuse.find_match for a GPS signal, by a scan over every open incident."""
    home = rules.family_of_kind[s.kind]
    best: tuple[float, str] | None = None
    assert s.lon is not None and s.lat is not None
    for incident in incidents.values():
        if incident.status != "open" or incident.family not in rules.joinable[home]:
            continue
        family = rules.families[incident.family]
        if s.at_ms - incident.last_evidence_ms > family.window_ms:
            continue
        radius = max(family.radius_km, rules.families[home].radius_km)
        d = distance_km(s.lon, s.lat, incident.lon, incident.lat)
        if d <= radius and (best is None or (d, incident.id) < best):
            best = (d, incident.id)
    return incidents[best[1]] if best else None


def measure_fusion(rules: FusionRules, name: str, anchors: list[Place], signals: list[Signal]) -> tuple[float, float]:
    """Fusion alone: µs per signal with the grid index, and with a linear scan over the open incidents."""
    state = fuse.FusionState()
    for i, where in enumerate(anchors):
        fuse.step(state, rules, signal(i, where, T0 + i * HOUR // len(anchors)), name)
    grid_us = per_signal(signals, lambda s: fuse.step(state, rules, s, name))
    sample = signals[: max(20, min(2_000, 2_000_000 // len(anchors)))]
    t0 = time.process_time()
    for s in sample:
        naive_find(state.incidents, rules, s)
    naive_us = (time.process_time() - t0) / len(sample) * 1e6
    for s in signals[:200]:
        assert fuse.find_match(state, rules, s, "fire") == naive_find(state.incidents, rules, s), "grid ≠ scan"
    return grid_us, naive_us


def measure_theater(
    ctx: theater.TheaterContext, fleet: FleetState, anchors: list[Place], signals: list[Signal]
) -> tuple[int, float, int]:
    """The embedded path, a tick every event-minute: open incidents, µs per signal, deltas published."""
    state = theater.TheaterState(fleet=fleet)
    for i, where in enumerate(anchors):
        theater.step(state, signal(i, where, T0 + i * HOUR // len(anchors)), ctx)
    theater.step(state, Tick(T0 + HOUR), ctx)
    opened = sum(1 for inc in state.fusion.incidents.values() if inc.status == "open")
    items: list[Signal | Tick] = []
    for i, s in enumerate(signals):
        items.append(s)
        if (i + 1) % max(1, len(signals) // 60) == 0:
            items.append(Tick(s.at_ms))
    items.append(Tick(T0 + 2 * HOUR + 1))
    deltas = [0]

    def step(item: Signal | Tick) -> None:
        deltas[0] += len(theater.step(state, item, ctx)[1])

    step_us = per_signal(items, step, count=lambda chunk: sum(isinstance(i, Signal) for i in chunk))
    return opened, step_us, deltas[0]


def measure_calls(reader: CallReader, repeat: int) -> tuple[float, float, float]:
    """Calls per second on one core: the reader, its cues alone and the first-keyword matcher, median chunk of the
    best run."""
    calls = call_quality.load_corpus()
    keywords = call_quality.single_topic_classifier()
    cues = CallReader.load(learned=False)

    def rate(classify: Callable[[call_quality.LabelledCall], object]) -> float:
        return 1e6 / min(per_signal(calls, classify, len, 200) for _ in range(repeat))

    return (
        rate(lambda c: reader.read(c.content, c.category, c.urgency, c.address)),
        rate(lambda c: cues.read(c.content, c.category, c.urgency, c.address)),
        rate(lambda c: keywords(c.content, c.category, c.urgency, c.address)),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--signals", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is shown")
    parser.add_argument("--playbooks", action="store_true", help="run the shipped playbooks in theater.step too")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    tune_collector()  # as every pipeline process runs (ebrain/collector.py)
    print(f"garbage collector as the runtime sets it: young-generation threshold {GC_YOUNG_THRESHOLD:,}")
    core = build_core(Settings())
    rules = core.theater.fusion
    # one clock: a tick releases everything before it. No playbooks: fire has one now (dispatch decisions, routing),
    # and this figure is fusion and the theater's own work; `--playbooks` keeps them to measure the whole step
    ctx = replace(core.theater, tick_sources=(), playbooks=core.theater.playbooks if args.playbooks else {})
    rng = np.random.default_rng(args.seed)
    every = places(core.regions, max(sizes) + args.signals // 20 + 1, rng)
    print(f"{args.signals:,} signals per size, one event-hour, 95 % about an open incident; one core.")
    header = f"{'open incidents':>15} | {'fuse.step (grid)':>18} | {'naive scan':>14} | {'theater.step (embedded)':>32}"
    print(header)
    print("-" * len(header))
    spread: list[str] = []
    for size in sizes:
        anchors, fresh = every[:size], every[size:]
        signals = workload(anchors, fresh, args.signals, args.seed)
        fusion_runs = [measure_fusion(rules, ctx.theater, anchors, signals) for _ in range(args.repeat)]
        theater_runs = [measure_theater(ctx, core.initial_fleet, anchors, signals) for _ in range(args.repeat)]
        grid_us, naive_us = min(r[0] for r in fusion_runs), min(r[1] for r in fusion_runs)
        opened, step_us, deltas = min(theater_runs, key=lambda r: r[1])
        print(
            f"{opened:>15,} | {grid_us:>15.1f} µs | {naive_us:>11.1f} µs | "
            f"{step_us:>6.1f} µs = {1e6 / step_us:>8,.0f} signals/s ({deltas:,} deltas)"
        )
        spread.append(
            f"{opened:,}: fuse.step {'/'.join(f'{r[0]:.1f}' for r in fusion_runs)} µs, "
            f"theater.step {'/'.join(f'{r[1]:.1f}' for r in theater_runs)} µs"
        )
    print("naive scan: the same match by a linear scan over open incidents (fuse only, no theater work)")
    print(f"best of {args.repeat} runs each; every run, by open incidents:")
    for line in spread:
        print(f"  {line}")
    reader_rate, cue_rate, keyword_rate = measure_calls(core.ingest.normalize.topics, args.repeat)
    print(
        f"call understanding, one core: whole-text reader (cues and model) {reader_rate:,.0f} calls/s; "
        f"its cues alone {cue_rate:,.0f} calls/s; first-keyword matcher (before) {keyword_rate:,.0f} calls/s; "
        f"corpus texts, best of {args.repeat}"
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
