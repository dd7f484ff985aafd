"""The machine a benchmark ran on, printed beside its figures (bench scripts import it as a sibling module: they
run as `python bench/<script>.py`, which puts bench/ first on the path)."""

from __future__ import annotations

import platform
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
