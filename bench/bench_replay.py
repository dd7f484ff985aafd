"""Replay speed: the 72-hour load scenario through `ebrain replay` (embedded runtime, one process), timed from outside.

    .venv/bin/python bench/bench_replay.py [--runs 3]

Printed: wall and CPU seconds per run, the speed as a multiple of real time (72 h of scenario time over the wall
time; target 10,000x = 25.9 s), median with spread and worst case; beside it, the ceiling of the same run: the
replay driver alone (every message and tick of the plan handed to a producer that drops it), which bounds what
any runtime under it can reach. The scenario is generated on first use under bench/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class _Nothing:
    """A producer that drops everything: the replay driver's own cost."""

    async def produce(self, topic: str, key: str, value: bytes) -> None:
        return None

    async def produce_tick(self, at_ms: int) -> None:
        return None


def main() -> None:
    from scenarios.generate_load import ensure_load_scenario
    from scenarios.model import load_scenario
    from scenarios.replay import ReplayControl, replay

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    scenario = load_scenario(ensure_load_scenario(ROOT / "bench" / "out"))
    span_s = (scenario.end_ms - min(scenario.t0_ms, *(e.at_ms for e in scenario.timeline))) / 1000
    print(
        f"replay of {scenario.id}: {len(scenario.timeline):,} messages over {span_s / 3600:.0f} h of scenario "
        f"time, embedded runtime; load average {os.getloadavg()[0]:.1f} at the start ({os.cpu_count()} cores)"
    )
    walls, cpus = [], []
    # `ebrain replay` itself, in its own process (its collector settings, its progress bar on stderr)
    command = [sys.executable, "-m", "ebrain.cli", "replay", str(scenario.file)]
    for run in range(1, args.runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - wall)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"ebrain replay failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
        print(
            f"  run {run}: {walls[-1]:6.1f} s wall, {cpus[-1]:6.1f} s CPU = {span_s / walls[-1]:,.0f}x real time "
            f"(summary: {len(done.stdout.splitlines())} lines)",
            flush=True,
        )
    wall = time.perf_counter()
    asyncio.run(replay(scenario, _Nothing(), ReplayControl(speed=None)))
    ceiling = time.perf_counter() - wall
    median = statistics.median(walls)
    print(
        f"  embedded replay: median {median:.1f} s = {span_s / median:,.0f}x real time "
        f"(spread {min(walls):.1f}-{max(walls):.1f} s, worst {span_s / max(walls):,.0f}x); CPU median "
        f"{statistics.median(cpus):.1f} s; target 10,000x = {span_s / 10_000:.1f} s"
    )
    print(f"  ceiling: the replay driver alone {ceiling:.1f} s = {span_s / ceiling:,.0f}x real time")
    print(f"  load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
