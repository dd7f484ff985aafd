"""Replay a scenario in scenario time: its messages, then ticks, at a chosen speed (or as fast as possible).

Ticks go to every source partition after each instant and every `tick_every_ms` of scenario time between
events, so watermarks advance and timers fire exactly as they would live. The same file always produces the
same sequence of messages, so a replay is deterministic on either runtime.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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


@dataclass
class ReplayControl:
    """Pause, resume and change speed during a live drill (the API calls these). speed None = as fast as possible."""

    speed: float | None = None
    _running: asyncio.Event = field(default_factory=asyncio.Event)
    position_ms: int = 0
    sent: int = 0
    total: int = 0
    done: bool = False

    def __post_init__(self) -> None:
        self._running.set()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def set_speed(self, speed: float | None) -> None:
        if speed is not None and speed <= 0:
            raise ValueError(f"speed: {speed} must be positive (or None for as fast as possible)")
        self.speed = speed

    def status(self) -> dict[str, object]:
        return {
            "paused": not self._running.is_set(),
            "speed": self.speed,
            "position_ms": self.position_ms,
            "sent": self.sent,
            "total": self.total,
            "done": self.done,
        }

    async def wait_running(self) -> None:
        await self._running.wait()


async def replay(
    scenario: Scenario,
    producer: Producer,
    control: ReplayControl,
    progress: Callable[[int, int, int], None] | None = None,
) -> int:
    """Send the scenario; returns how many timeline messages were sent. Wall time is used only for pacing."""
    steps = list(plan(scenario))
    control.total = len(steps)
    wall_start = time.monotonic()
    scenario_start = steps[0].at_ms if steps else scenario.t0_ms
    paced_from = (wall_start, scenario_start)
    sent = 0
    for index, step in enumerate(steps):
        if not control._running.is_set():
            await control.wait_running()
            paced_from = (time.monotonic(), step.at_ms)
        if control.speed is not None:
            due = paced_from[0] + (step.at_ms - paced_from[1]) / 1000 / control.speed
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        if step.entry is None:
            await producer.produce_tick(step.at_ms)
        else:
            await producer.produce(step.entry.topic, step.entry.key, step.entry.value)
            sent += 1
        control.position_ms = step.at_ms
        control.sent = index + 1
        if progress is not None:
            progress(index + 1, len(steps), step.at_ms)
    control.done = True
    return sent
