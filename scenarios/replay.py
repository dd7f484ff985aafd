"""Replay a scenario in scenario time: its messages, then ticks, at a chosen speed (or as fast as possible).

Ticks go to every source partition after each instant and every `tick_every_ms` of scenario time between
events, so watermarks advance and timers fire exactly as they would live. The same file always produces the
same sequence of messages, so a replay is deterministic on either runtime.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from scenarios.model import Scenario, TimelineEntry

TICK_EVERY_MS = 60_000


class Producer(Protocol):
    async def produce(self, topic: str, key: str, value: bytes) -> None: ...

    async def produce_tick(self, at_ms: int) -> None: ...


@dataclass(frozen=True)
class Step:
    at_ms: int
    entry: TimelineEntry | None  # None: a tick


def plan(scenario: Scenario, tick_every_ms: int = TICK_EVERY_MS) -> Iterator[Step]:
    """The exact sequence of messages a replay sends."""
    entries = list(scenario.timeline)
    start = min([scenario.t0_ms, *(e.at_ms for e in entries)])
    next_tick = start - start % tick_every_ms + tick_every_ms
    i = 0
    while i < len(entries):
        at = entries[i].at_ms
        while next_tick < at:
            yield Step(next_tick, None)
            next_tick += tick_every_ms
        while i < len(entries) and entries[i].at_ms == at:
            yield Step(at, entries[i])
            i += 1
        yield Step(at, None)
    while next_tick <= scenario.end_ms:
        yield Step(next_tick, None)
        next_tick += tick_every_ms
    yield Step(scenario.end_ms, None)


class ReplayControl:
    """Pause, resume and change speed during a live drill (the API calls these). speed None = as fast as possible.

    Pacing keeps an anchor: a wall-clock instant and the scenario time it corresponds to. Every change of
    speed, and every resume, moves the anchor to "now" and the scenario time reached so far, so a change
    applies from that moment on and never makes the replay jump or stall. Wall time paces the sending only;
    what is sent, and the event time it carries, never depend on it.
    """

    def __init__(self, speed: float | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._check(speed)
        self.speed = speed
        self.position_ms = 0
        self.sent = 0
        self.total = 0
        self.done = False
        self._clock = clock
        self._running = asyncio.Event()
        self._running.set()
        self._changed = asyncio.Event()
        self._anchor: tuple[float, int] | None = None

    @staticmethod
    def _check(speed: float | None) -> None:
        if speed is not None and speed <= 0:
            raise ValueError(f"speed: {speed} must be positive (or None for as fast as possible)")

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def start(self, at_ms: int) -> None:
        """The replay begins at scenario time `at_ms` now."""
        self.position_ms = at_ms
        self._anchor = (self._clock(), at_ms)

    def scenario_now(self) -> int:
        """The scenario time the replay has reached by the wall clock (never behind what was sent)."""
        if self._anchor is None or self.paused or self.speed is None:
            return self.position_ms
        wall, at_ms = self._anchor
        return max(self.position_ms, at_ms + int((self._clock() - wall) * 1000 * self.speed))

    def due_in(self, at_ms: int) -> float:
        """Wall seconds until scenario time `at_ms` is due; 0 when it is due now or speed is max."""
        if self.speed is None or self._anchor is None:
            return 0.0
        wall, anchor_ms = self._anchor
        return max(0.0, wall + (at_ms - anchor_ms) / 1000 / self.speed - self._clock())

    def pause(self) -> None:
        if not self.paused:
            self.position_ms = self.scenario_now()
            self._running.clear()
            self._changed.set()

    def resume(self) -> None:
        if self.paused:
            self._running.set()
            self._anchor = (self._clock(), self.position_ms)
            self._changed.set()

    def set_speed(self, speed: float | None) -> None:
        self._check(speed)
        reached = self.scenario_now()
        self.speed = speed
        if self._anchor is not None:
            self._anchor = (self._clock(), reached)
        self._changed.set()

    def status(self) -> dict[str, object]:
        return {
            "paused": self.paused,
            "speed": self.speed,
            "position_ms": self.position_ms,
            "sent": self.sent,
            "total": self.total,
            "done": self.done,
        }

    async def wait_running(self) -> None:
        await self._running.wait()

    async def wait_until(self, at_ms: int) -> None:
        """Return when scenario time `at_ms` is due and the replay is not paused; wakes on every change."""
        while True:
            if self.paused:
                await self._running.wait()
                continue
            delay = self.due_in(at_ms)
            if delay <= 0:
                return
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), delay)


async def replay(
    scenario: Scenario,
    producer: Producer,
    control: ReplayControl,
    progress: Callable[[int, int, int], None] | None = None,
) -> int:
    """Send the scenario; returns how many timeline messages were sent. Wall time is used only for pacing."""
    steps = list(plan(scenario))
    control.total = len(steps)
    control.start(steps[0].at_ms if steps else scenario.t0_ms)
    sent = 0
    for index, step in enumerate(steps):
        await control.wait_until(step.at_ms)
        if step.entry is None:
            await producer.produce_tick(step.at_ms)
        else:
            await producer.produce(step.entry.topic, step.entry.key, step.entry.value)
            sent += 1
        control.position_ms = max(control.position_ms, step.at_ms)
        control.sent = index + 1
        if progress is not None:
            progress(index + 1, len(steps), step.at_ms)
    control.done = True
    return sent
