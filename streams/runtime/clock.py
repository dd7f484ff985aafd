"""The live clock: a tick of the machine's wall time to every source partition, every `every_s` seconds.

Live, nothing else moves the theater's event time: a tick says "no input older than this follows in this partition",
so the theater releases what it holds up to the lowest tick (less the lateness; streams/theater/watermark.py).
This is the only place where the pipeline reads the wall clock; a replay writes ticks in scenario time instead, and
must never run on the topics a clock ticks (give it its own --topic-prefix).

A tick carries milliseconds (a replay's carry whole seconds, as the embedded runtime's do), so the watermark
follows the wall clock closely. Ticks never go back, even when the machine's clock is stepped back. Each partition
is written on its own: a partition the clock cannot write to (its leader is away) is reported and stays behind, and
the theater stops waiting for it after its idle time; the others go on. With a tick key each tick is signed for its
partition and time: a worker given the same key takes no other tick (streams/wire/tick_signature.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaProducer

from streams.runtime.kafka_auth import KafkaCredentials, aiokafka_options
from streams.wire import topics
from streams.wire.tick_signature import TickKey
from streams.wire.timefmt import CST, parse_time_ms

log = logging.getLogger("ebrain.clock")


def live_tick(at_ms: int, topic: str = "", partition: int = 0, key: TickKey | None = None) -> bytes:
    """A tick of `at_ms`; with a key, signed for `topic` (logical name) / `partition` (streams/wire/tick_signature.py).
    The signature covers the time as the worker parses it back from `at`, to the millisecond."""
    at = datetime.fromtimestamp(at_ms / 1000, tz=CST).isoformat(timespec="milliseconds")
    if key is None:
        return b'{"type":"tick","schema_version":"1.0","at":"%s","source":"clock"}' % at.encode()
    signature = key.sign(topic, partition, parse_time_ms(at, "at"))
    return b'{"type":"tick","schema_version":"1.2","at":"%s","source":"clock","signature":"%s"}' % (
        at.encode(),
        signature.encode(),
    )


def clock_partitions(skip: Iterable[str] = ()) -> list[tuple[str, int]]:
    """(logical topic, partition) of every source partition, but those named in `skip` ("topic/partition")."""
    everything = [(spec.name, p) for spec in topics.SOURCES for p in range(spec.partitions)]
    left_out = set(skip)
    unknown = left_out - {f"{name}/{p}" for name, p in everything}
    if unknown:
        known = ", ".join(topics.tick_sources())
        raise ValueError(f"skip: {', '.join(sorted(unknown))} is not a source partition ({known})")
    return [(name, p) for name, p in everything if f"{name}/{p}" not in left_out]


class KafkaClock:
    def __init__(
        self,
        bootstrap: str,
        prefix: str = "",
        every_s: float = 0.5,
        skip: Iterable[str] = (),
        wall_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000,
        credentials: KafkaCredentials | None = None,
        tick_key: TickKey | None = None,
    ) -> None:
        if every_s <= 0:
            raise ValueError(f"every: {every_s} s must be positive")
        self.prefix = prefix
        self.every_s = every_s
        self.partitions = clock_partitions(skip)
        self.wall_ms = wall_ms
        self.last_ms = 0
        self.ticks = 0  # ticks written (one per partition per beat)
        self.failing: set[str] = set()  # partitions whose last tick failed
        self.bootstrap = bootstrap
        self.credentials = credentials  # a closed broker: the clock's principal, the only one that may write ticks
        self.tick_key = tick_key  # live on a closed broker: the workers take only ticks signed with it
        self._producer: Any = None  # made in start(), in the running loop

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap,
            acks="all",
            linger_ms=0,
            client_id="ebrain-clock",
            **aiokafka_options(self.credentials),
        )
        await self._producer.start()

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()

    async def beat(self) -> int:
        """One tick to every partition, at the wall clock's time (never before the last one); returns that time.
        Delivery is not waited for: a partition whose leader is away must not hold back the others' ticks."""
        at_ms = self.last_ms = max(self.last_ms, self.wall_ms())
        unsigned = live_tick(at_ms) if self.tick_key is None else b""
        for name, p in self.partitions:
            topic = topics.physical(topics.source(name), self.prefix)
            value = unsigned or live_tick(at_ms, name, p, self.tick_key)
            future = await self._producer.send(topic, value, key=b"tick", partition=p)
            future.add_done_callback(lambda done, source=f"{name}/{p}": self._delivered(source, done))
        return at_ms

    def _delivered(self, source: str, done: asyncio.Future[object]) -> None:
        failure = done.exception() if not done.cancelled() else asyncio.CancelledError()
        if failure is not None:
            if source not in self.failing:
                log.warning("clock: cannot write a tick to %s: %s; the theater stops waiting for it", source, failure)
            self.failing.add(source)
            return
        self.ticks += 1
        if source in self.failing:
            self.failing.discard(source)
            log.warning("clock: ticks reach %s again", source)

    async def flush(self) -> None:
        if self._producer is not None:
            await self._producer.flush()

    async def run(self, stop: asyncio.Event) -> None:
        """Beat every `every_s` seconds, on the beat of the wall clock, until `stop` is set."""
        while not stop.is_set():
            await self.beat()
            wait = self.every_s - (time.time() % self.every_s)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
