"""The theater's watermark: the event time up to which every source partition has delivered its input.

Each source partition's mark is the newest tick it forwarded. By default (replays, drills) the watermark is the
lowest mark, and it waits for a partition that has not ticked yet: that is what makes a replay deterministic.

Live, a clock writes a wall-time tick to every partition, and a partition whose ticks stop arriving (the clock
cannot write to it, the worker holding it hangs) would stop the whole theater. With `idle_after_ms` set, a
partition that has not been heard from (no tick arrived from it) while the clock moved on by more than that is
*idle*, and the watermark does not wait for it, as Flink's `withIdleness` does; it counts again with its next
tick. A partition catching up on a backlog is heard from all the time, so it is waited for, not skipped. The
clock is the median of the marks rather than the newest one, so one tick far in the future on one partition
cannot make every other partition idle. `lateness_ms` holds the watermark that far behind the marks (bounded
lateness): an input up to that late still takes its place in event-time order. An input behind the watermark all
the same is *late*: the theater processes it on arrival and counts it.

Pure: the clock's time comes in with the ticks, never from the machine's clock.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass

from streams.wire.records import EVERY_PARTITION


@dataclass(frozen=True)
class WatermarkPolicy:
    idle_after_ms: int | None = None  # None: wait for every partition (deterministic replays)
    lateness_ms: int = 0

    def __post_init__(self) -> None:
        if self.idle_after_ms is not None and self.idle_after_ms <= 0:
            raise ValueError(f"idle_after_ms: {self.idle_after_ms} must be positive (or None: never idle)")
        if self.lateness_ms < 0:
            raise ValueError(f"lateness_ms: {self.lateness_ms} must not be negative")


def step(
    marks: MutableMapping[str, int],
    heard: MutableMapping[str, int],
    source: str,
    at_ms: int,
    sources: tuple[str, ...],
    policy: WatermarkPolicy,
) -> int | None:
    """A tick at `at_ms` from `source` arrived: update the marks (and, with idleness, when each partition was last
    heard from, in clock time) and return the watermark, or None while it is not known.

    With no sources named there is one clock, and a tick's own time is the mark. A tick from `EVERY_PARTITION` (the
    embedded runtime's: every partition has passed it) is each partition's mark at once."""
    for each in sources if source == EVERY_PARTITION else (source,):
        marks[each] = max(marks.get(each, at_ms), at_ms)
    if not sources:
        return at_ms - policy.lateness_ms
    if policy.idle_after_ms is not None:
        clock = clock_of(marks)
        if clock is not None:
            heard[source] = clock
    return low_mark(marks, heard, sources, policy)


def clock_of(marks: Mapping[str, int]) -> int | None:
    """The clock's time as the partitions tell it: the median of their marks (the higher one of an even count)."""
    if not marks:
        return None
    ordered = sorted(marks.values())
    return ordered[len(ordered) // 2]


def idle(
    marks: Mapping[str, int], heard: Mapping[str, int], sources: tuple[str, ...], policy: WatermarkPolicy
) -> tuple[str, ...]:
    """The partitions the watermark does not wait for: not heard from while the clock moved on by more than
    `idle_after_ms` (a partition never heard from counts as heard at its own mark, or never)."""
    clock = clock_of(marks)
    if policy.idle_after_ms is None or clock is None:
        return ()
    horizon = clock - policy.idle_after_ms
    return tuple(s for s in sources if heard.get(s, marks.get(s, horizon - 1)) < horizon)


def low_mark(
    marks: Mapping[str, int], heard: Mapping[str, int], sources: tuple[str, ...], policy: WatermarkPolicy
) -> int | None:
    """The watermark over `sources`: the lowest mark of the partitions waited for, less the lateness."""
    if policy.idle_after_ms is None:
        try:  # one list rather than two generators: this runs for every tick of every partition
            low = min([marks[source] for source in sources])
        except KeyError:  # a partition has not ticked yet: nothing is released
            return None
    else:
        skipped = set(idle(marks, heard, sources, policy))
        active = [marks[s] for s in sources if s not in skipped and s in marks]
        if not active:
            return None
        low = min(active)
    return low - policy.lateness_ms
