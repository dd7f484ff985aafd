"""What the feed weighs: bytes per delta of a replay's `--out` file, and the time to fold it into an API picture.

    .venv/bin/python bench/bench_deltas.py [--out FILE | --scenario FILE] [--runs 3] [--same-as FILE]

Without `--out`, the scenario (default: the 72-hour load scenario, generated under bench/out/ on first use) is
replayed first with `ebrain replay FILE --out …` in its own process, timed from outside. Printed: the number of
deltas, bytes per line (median, p99 by nearest rank, max) for every delta and for incident deltas, the file's size;
then the fold: each line decoded, checked and applied with `Picture.apply` (no words), what an API instance
started from the feed, and one following it, does per delta; median, spread and worst of `--runs`, beside its
ceiling in the same run: the lines decoded as JSON alone. With `--same-as`, the file is compared line by line with
another `--out` file (a replay before and after a change to the runtime must give the same lines).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def nearest_rank(ordered: list[int], q: float) -> int:
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def sizes_line(what: str, sizes: list[int]) -> str:
    if not sizes:
        return f"  {what}: none"
    ordered = sorted(sizes)
    return (
        f"  {what}: {len(ordered):,} deltas, bytes per delta median {statistics.median(ordered):,.0f} B, "
        f"p99 {nearest_rank(ordered, 0.99):,} B, max {ordered[-1]:,} B, total {sum(ordered):,} B"
    )


def fold(lines: list[bytes]) -> tuple[float, int, int]:
    """Seconds to fold every line into a fresh picture; its incidents and their evidence at the end."""
    from dashboard_api.deltas import delta_from_json
    from dashboard_api.picture import Picture

    picture = Picture()
    started = time.perf_counter()
    for raw in lines:
        picture.apply(delta_from_json(raw))
    seconds = time.perf_counter() - started
    evidence = sum(len(i.get("evidence") or ()) for i in picture.incidents.values())
    return seconds, len(picture.incidents), evidence


def decode_only(lines: list[bytes]) -> float:
    import msgspec

    decode = msgspec.json.Decoder().decode
    started = time.perf_counter()
    for raw in lines:
        decode(raw)
    return time.perf_counter() - started


def replayed(scenario: Path, out: Path) -> None:
    command = [sys.executable, "-m", "ebrain.cli", "replay", str(scenario), "--out", str(out)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"ebrain replay failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    print(f"  `ebrain replay {scenario.name} --out …`: {time.perf_counter() - started:.1f} s wall", flush=True)


def compare(lines: list[bytes], other: Path) -> bool:
    theirs = other.read_bytes().splitlines()
    differ = [n for n, (a, b) in enumerate(zip(lines, theirs, strict=False), start=1) if a != b]
    if len(lines) == len(theirs) and not differ:
        print(f"  same lines as {other}: {len(lines):,} of {len(theirs):,}")
        return True
    first = differ[0] if differ else min(len(lines), len(theirs)) + 1
    print(
        f"  NOT the same lines as {other}: {len(lines):,} against {len(theirs):,} lines, {len(differ):,} differ, "
        f"the first at line {first:,}"
    )
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--out", type=Path, help="a replay's --out file to read (default: replay the scenario)")
    source.add_argument("--scenario", type=Path, help="the scenario to replay (default: the 72-hour load scenario)")
    parser.add_argument("--runs", type=int, default=3, help="folds to time (default 3)")
    parser.add_argument("--same-as", type=Path, help="another --out file that must have the same lines")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} at the start ({os.cpu_count()} cores)", flush=True)
    with tempfile.TemporaryDirectory(prefix="ebrain-bench-deltas-") as tmp:
        out = args.out
        if out is None:
            scenario = args.scenario
            if scenario is None:
                from scenarios.generate_load import ensure_load_scenario

                scenario = ensure_load_scenario(ROOT / "bench" / "out")
            out = Path(tmp) / "deltas.jsonl"
            replayed(scenario, out)
        lines = out.read_bytes().splitlines()
        print(f"  {out.name}: {out.stat().st_size:,} B ({out.stat().st_size / 2**20:.1f} MiB), {len(lines):,} lines")
        print(sizes_line("every delta", [len(raw) + 1 for raw in lines]))
        incident = [len(raw) + 1 for raw in lines if b'"kind":"incident"' in raw[:200]]
        print(sizes_line("incident deltas", incident))
        same = compare(lines, args.same_as) if args.same_as is not None else True
    folds, ceilings = [], []
    incidents = evidence = 0
    for _ in range(max(1, args.runs)):
        seconds, incidents, evidence = fold(lines)
        folds.append(seconds)
        ceilings.append(decode_only(lines))
    print(
        f"  fold into an API picture: median {statistics.median(folds):.2f} s (spread {min(folds):.2f}-"
        f"{max(folds):.2f} s, worst {max(folds):.2f} s, {len(folds)} runs); the picture: {incidents} incidents, "
        f"{evidence:,} pieces of evidence kept"
    )
    print(f"  ceiling: the lines decoded as JSON alone, median {statistics.median(ceilings):.2f} s")
    print(f"  load average {os.getloadavg()[0]:.1f} at the end")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
