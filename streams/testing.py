"""A testing kit shipped with the product: inputs through the real steps, without a broker, for tests and tools.

- `StepPipeline` feeds every message through the ingest step of its partition and then the theater step, in the
  order given, in one thread: what a runtime does, minus queues and tasks. It keeps every signal, theater input,
  rejection and delta, so a test (or the clustering score) can look at any stage.
- `Recorder` only records what a replay would send (messages and ticks), for tests of the replay itself.
- `tick_bytes` is the tick message every source partition gets; `gas_call` a located call about a gas smell, the
  signal most tests and benchmarks of fusion and the feed start from.

Both are producers in the sense of `scenarios.replay` (`produce`, `produce_tick`), so a scenario replays into them
as into the embedded runtime or Kafka. The embedded runtime itself runs a scenario through
`scenarios.run.replay_embedded`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from geo.fleet import FleetState
from playbooks.evidence import Signal
from streams import ingest, theater
from streams.wire import topics
from streams.wire.codec import Rejected
from streams.wire.records import Delta, TheaterInput
from streams.wire.timefmt import format_time_ms

_PARTITIONS = {spec.name: spec.partitions for spec in topics.SOURCES}


def tick_bytes(at_ms: int) -> bytes:
    """The tick every source partition gets: no input older than `at_ms` follows on it."""
    return b'{"type":"tick","schema_version":"1.0","at":"%s"}' % format_time_ms(at_ms).encode()


def gas_call(signal_id: str, at_ms: int, **fields: Any) -> Signal:
    """A located 12345 call about a smell of gas in 燕郊 (三河市, Hebei), as ingest makes it; `fields` change any
    other field of the signal (the province and county, the severity, the caller's words and personal data)."""
    call = Signal(signal_id, "hotline", "call:gas_smell", at_ms, "130000", adcode="131082", lon=116.81, lat=39.96)
    return replace(call, **fields) if fields else call


@dataclass
class Recorder:
    """Records what is produced: `(topic, key, value)` for a message, the event time for a tick."""

    sent: list[tuple[str, str, bytes] | int] = field(default_factory=list)

    async def produce(self, topic: str, key: str, value: bytes) -> None:
        self.sent.append((topic, key, value))

    async def produce_tick(self, at_ms: int) -> None:
        self.sent.append(at_ms)


class StepPipeline:
    """Ingest and theater steps in one thread, in the order messages are produced (keys placed as Kafka would).

    `theater_steps=False` stops after ingest: `items` then holds the theater's inputs for a test to step itself.
    """

    def __init__(
        self,
        ingest_ctx: ingest.IngestContext,
        theater_ctx: theater.TheaterContext,
        fleet: FleetState,
        theater_steps: bool = True,
    ) -> None:
        self.ingest_ctx, self.theater_ctx, self.theater_steps = ingest_ctx, theater_ctx, theater_steps
        self.parts = {
            (name, p): ingest.IngestPartition.new(name, p, ingest_ctx)
            for name, count in _PARTITIONS.items()
            for p in range(count)
        }
        self.state = theater.TheaterState(fleet=fleet)
        self.items: list[TheaterInput] = []
        self.signals: list[Signal] = []
        self.rejected: list[Rejected] = []
        self.deltas: list[Delta] = []

    def feed(self, topic: str, partition: int, value: bytes) -> None:
        _, routed = ingest.step(self.parts[(topic, partition)], value, 0, self.ingest_ctx)
        for item in routed:
            if isinstance(item, Rejected):
                self.rejected.append(item)
                continue
            self.items.append(item)
            if isinstance(item, Signal):
                self.signals.append(item)
            if self.theater_steps:
                _, deltas = theater.step(self.state, item, self.theater_ctx)
                self.deltas.extend(deltas)

    async def produce(self, topic: str, key: str, value: bytes) -> None:
        self.feed(topic, topics.partition_for(key, _PARTITIONS[topic]), value)

    async def produce_tick(self, at_ms: int) -> None:
        value = tick_bytes(at_ms)
        for name, count in _PARTITIONS.items():
            for p in range(count):
                self.feed(name, p, value)
