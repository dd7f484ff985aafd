"""A progress bar in scenario time, on stderr: redrawn in place on a terminal, a line every 10 % elsewhere."""

from __future__ import annotations

import sys
from typing import TextIO

from scenarios.offsets import offset_text


class ProgressBar:
    def __init__(self, t0_ms: int, stream: TextIO = sys.stderr) -> None:
        self.t0_ms = t0_ms
        self.stream = stream
        self.live = stream.isatty()
        self.step = 1 if self.live else 10
        self.last = -1

    def __call__(self, done: int, total: int, at_ms: int) -> None:
        percent = done * 100 // max(total, 1)
        if percent // self.step == self.last // self.step and done != total:
            return
        self.last = percent
        bar = "#" * (percent // 4) + "." * (25 - percent // 4)
        line = f"  [{bar}] {percent:3d}%  scenario {offset_text(at_ms, self.t0_ms)}"
        if self.live:
            print("\r" + line, end="\n" if done == total else "", file=self.stream, flush=True)
        else:
            print(line, file=self.stream, flush=True)
