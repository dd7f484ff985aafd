"""A one-line progress bar in scenario time, on stderr."""

from __future__ import annotations

import sys
from typing import TextIO

from ebrain.summary import offset


class ProgressBar:
    def __init__(self, t0_ms: int, stream: TextIO = sys.stderr) -> None:
        self.t0_ms = t0_ms
        self.stream = stream
        self.last = -1

    def __call__(self, done: int, total: int, at_ms: int) -> None:
        percent = done * 100 // max(total, 1)
        if percent == self.last and done != total:
            return
        self.last = percent
        bar = "#" * (percent // 4) + "." * (25 - percent // 4)
        end = "\n" if done == total else ""
        print(
            f"\r  [{bar}] {percent:3d}%  scenario {offset(at_ms, self.t0_ms)}",
            end=end,
            file=self.stream,
            flush=True,
        )
