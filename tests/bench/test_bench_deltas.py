"""bench/bench_deltas.py: its figures come from a real replay's --out, and --same-as tells equal files apart."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "bench_deltas.py"
SMALL = ROOT / "scenarios" / "files" / "load_sample.yaml"


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_deltas", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_replay_is_measured_and_compared_line_by_line(tmp_path: Path) -> None:
    out = tmp_path / "deltas.jsonl"
    subprocess.run(
        [sys.executable, "-m", "ebrain.cli", "replay", str(SMALL), "--out", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    run = [sys.executable, str(SCRIPT), "--out", str(out), "--runs", "1", "--same-as", str(out)]
    done = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    lines = len(out.read_bytes().splitlines())
    assert f"same lines as {out}: {lines:,} of {lines:,}" in done.stdout
    assert "bytes per delta median" in done.stdout and "fold into an API picture: median" in done.stdout
    other = tmp_path / "other.jsonl"
    other.write_bytes(b"\n".join(out.read_bytes().splitlines()[:-1]) + b"\n")
    assert not _module().compare(out.read_bytes().splitlines(), other)


def test_p99_is_the_nearest_rank() -> None:
    nearest_rank = _module().nearest_rank
    assert nearest_rank(list(range(1, 101)), 0.99) == 99
    assert nearest_rank([5], 0.99) == 5
