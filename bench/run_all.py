"""`make bench`: every benchmark of the project in one run, each figure printed beside its ceiling or naive
alternative by the script that measures it. Run: .venv/bin/python bench/run_all.py [--only NAME ...]

The scripts are listed here by hand (nothing is discovered): each runs as its own process with a time limit,
and one that does not exist yet is reported as "not present" instead of failing the run. The Kafka benchmarks
share one broker started here, on 127.0.0.1 and free ports, stopped at the end.

With --write (the default under `make bench`) the machine header of docs/performance.md is regenerated from
this machine; each section below it is written by hand from the figures printed here.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from machine import cpu_model

ROOT = Path(__file__).resolve().parent.parent
PERFORMANCE_DOC = ROOT / "docs" / "performance.md"
MACHINE_BEGIN = "<!-- machine: written by bench/run_all.py -->"
MACHINE_END = "<!-- /machine -->"
BROKER_ENV = "EBRAIN_BENCH_BROKER"


@dataclass(frozen=True)
class Bench:
    script: str
    what: str
    limit_s: float
    args: tuple[str, ...] = ()
    kafka: bool = False


BENCHES: tuple[Bench, ...] = (
    Bench("bench_ingest.py", "sensor ingest: decode → normalize → detect, vs the raw client", 300),
    Bench("bench_fusion.py", "fusion: signals into incidents, vs a naive scan over open incidents", 600),
    Bench("bench_geo.py", "dispatch and point-in-region, vs a naive loop and a naive spatial join", 300),
    Bench("bench_feed.py", "websocket feed fan-out to 1,000 clients, vs in-process fan-out", 300),
    Bench("bench_replay.py", "the 72-hour load scenario replayed embedded, vs the replay driver alone", 600),
    Bench("bench_deltas.py", "bytes per delta of the 72-hour replay's --out, folded into an API picture", 300),
    Bench("bench_words.py", "saying each delta in the operator language, vs applying it without words", 300),
    Bench("bench_e2e.py", "end to end at 2,000 events/s: produced → delta on the websocket", 900, kafka=True),
    Bench("bench_api_start.py", "API start-up on Kafka from the picture topic, vs folding the feed", 600, kafka=True),
    Bench("bench_scaleout.py", "throughput with one and two workers on a partitioned topic", 900, kafka=True),
)


@dataclass
class Result:
    bench: Bench
    status: str  # ok | failed (exit N) | timed out | not present
    seconds: float = 0.0


def memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return 0.0


def java_version() -> str:
    try:
        out = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "no java"
    first = (out.stderr or out.stdout).splitlines()
    return first[0].strip() if first else "unknown java"


def machine_lines() -> list[str]:
    return [
        f"- CPU: {cpu_model()}, {os.cpu_count()} logical cores; memory {memory_gib():.0f} GiB",
        f"- OS: {platform.system()} {platform.release()}; Python {platform.python_version()}; {java_version()}",
        f"- Last `make bench`: {time.strftime('%Y-%m-%d %H:%M %z')}",
    ]


def write_machine_header(lines: list[str], doc: Path = PERFORMANCE_DOC) -> None:
    """Replace only the block between the machine markers; every other section of the file is left alone."""
    block = "\n".join([MACHINE_BEGIN, "## Machine", "", *lines, MACHINE_END])
    text = doc.read_text(encoding="utf-8") if doc.is_file() else "# Performance\n\n"
    if MACHINE_BEGIN in text and MACHINE_END in text:
        text = re.sub(re.escape(MACHINE_BEGIN) + r".*?" + re.escape(MACHINE_END), lambda _: block, text, flags=re.S)
    else:
        head, sep, rest = text.partition("\n\n")
        text = f"{head}\n\n{block}\n\n{rest}" if sep else f"{text.rstrip()}\n\n{block}\n"
    doc.write_text(text, encoding="utf-8")


@contextmanager
def shared_broker(needed: bool) -> Iterator[str | None]:
    """One broker for every Kafka benchmark, unless EBRAIN_BENCH_BROKER names one already running."""
    if not needed or os.environ.get(BROKER_ENV):
        yield os.environ.get(BROKER_ENV)
        return
    from ebrain.kafka_kit import running_broker

    with tempfile.TemporaryDirectory(prefix="ebrain-bench-kafka-") as tmp, running_broker(Path(tmp), quiet=True) as kb:
        print(f"shared Kafka broker at {kb.bootstrap}", flush=True)
        yield kb.bootstrap


def run_one(bench: Bench, broker: str | None) -> Result:
    path = ROOT / "bench" / bench.script
    print(f"\n=== {bench.script}: {bench.what}", flush=True)
    if not path.is_file():
        print("    not present")
        return Result(bench, "not present")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if broker:
        env[BROKER_ENV] = broker
    started = time.monotonic()
    # its own session, so a timeout can end the script and whatever it started (client processes, workers)
    proc = subprocess.Popen([sys.executable, str(path), *bench.args], cwd=ROOT, env=env, start_new_session=True)
    try:
        code = proc.wait(timeout=bench.limit_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait()
        print(f"    timed out after {bench.limit_s:.0f} s: stopped")
        return Result(bench, "timed out", time.monotonic() - started)
    seconds = time.monotonic() - started
    return Result(bench, "ok" if code == 0 else f"failed (exit {code})", seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--only", nargs="*", default=None, help="script names to run (default: all)")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/performance.md")
    args = parser.parse_args(argv)
    chosen = [b for b in BENCHES if args.only is None or b.script in args.only or b.script[:-3] in args.only]
    lines = machine_lines()
    print("emergency-brain benchmarks (loopback only; every figure beside its ceiling or naive alternative)")
    print("\n".join(lines))
    needs_kafka = any(b.kafka and (ROOT / "bench" / b.script).is_file() for b in chosen)
    with shared_broker(needs_kafka) as broker:
        results = [run_one(bench, broker if bench.kafka else None) for bench in chosen]
    print("\n=== summary")
    for r in results:
        took = f"{r.seconds:6.0f} s" if r.seconds else "       "
        print(f"  {r.bench.script:<20} {r.status:<16} {took}")
    if not args.no_write:
        write_machine_header(lines)
        print(f"machine header written to {PERFORMANCE_DOC.relative_to(ROOT)}")
    return 0 if all(r.status in ("ok", "not present") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
