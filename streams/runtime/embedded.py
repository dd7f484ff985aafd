"""The embedded runtime: the pipeline in one asyncio process, no broker.

The same topics as Kafka, as bounded in-memory queues per partition (keys placed by Kafka's partitioner, so
per-key order holds), and the same step functions. A full queue makes the producer wait: backpressure, not loss.

A partition with nothing in flight has its message stepped by the producer itself (no hand-over to the
partition's task), and a tick passes every partition and reaches the theater as one input when the last has
passed it: a replay ticks every partition after each instant, most of what it moves. So a single producer's
inputs reach the theater in the order it produced them, whatever the queue sizes.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

from streams import ingest, theater
from streams.theater import containment
from streams.wire import topics
from streams.wire.codec import Origin, Rejected
from streams.wire.records import EVERY_PARTITION, Counts, TheaterInput, Tick

DeltaSink = Callable[[theater.Delta], None]


class _TickRound:
    """One tick on its way through every source partition: when the last has passed it (its silence scan's signals
    queued for the theater), the theater gets one tick for all of them."""

    __slots__ = ("at_ms", "waiting")

    def __init__(self, at_ms: int, waiting: int) -> None:
        self.at_ms = at_ms
        self.waiting = waiting


@dataclass
class _Message:
    key: str
    value: bytes
    offset: int
    tick: _TickRound | None = None  # a tick, not encoded: the ingest step's tick path is called directly


@dataclass
class EmbeddedRuntime:
    ingest_ctx: ingest.IngestContext
    theater_ctx: theater.TheaterContext
    theater_state: theater.TheaterState
    queue_size: int = 10_000
    sinks: list[DeltaSink] = field(default_factory=list)
    dead_letters: list[Rejected] = field(default_factory=list)
    dead_letter_limit: int = 100_000
    failed: list[containment.Failure] = field(default_factory=list)  # inputs the theater could not handle

    def __post_init__(self) -> None:
        self._queues: dict[str, list[asyncio.Queue[_Message | None]]] = {}
        self._offsets: dict[str, list[int]] = {}
        self._partitions: dict[str, list[ingest.IngestPartition]] = {}
        for spec in topics.SOURCES:
            self._queues[spec.name] = [asyncio.Queue(self.queue_size) for _ in range(spec.partitions)]
            self._offsets[spec.name] = [0] * spec.partitions
            self._partitions[spec.name] = [
                ingest.IngestPartition.new(spec.name, p, self.ingest_ctx) for p in range(spec.partitions)
            ]
        # per partition, messages queued or in hand: a partition with none has passed everything produced to it
        self._in_flight: dict[str, list[int]] = {spec.name: [0] * spec.partitions for spec in topics.SOURCES}
        # per partition, set while outputs stepped by a producer wait for room in the theater's queue: the
        # partition's queued messages wait behind them, so its outputs keep their order
        self._held: dict[str, list[asyncio.Future[None] | None]] = {
            spec.name: [None] * spec.partitions for spec in topics.SOURCES
        }
        self._signals: asyncio.Queue[TheaterInput | None] = asyncio.Queue(self.queue_size)
        self._tasks: list[asyncio.Task[None]] = []
        self.dead_letter_count = 0
        self.sink_failures = 0
        self._failed_sinks: set[str] = set()

    async def start(self) -> None:
        for name, queues in self._queues.items():
            for p, queue in enumerate(queues):
                self._tasks.append(asyncio.create_task(self._ingest_loop(self._partitions[name][p], queue)))
        self._tasks.append(asyncio.create_task(self._theater_loop()))

    async def produce(self, topic: str, key: str, value: bytes) -> None:
        queues = self._queues.get(topic)
        if queues is None:
            raise ValueError(f"topic: {topic!r} is not an input topic ({', '.join(self._queues)})")
        p = self.ingest_ctx.normalize.memo.partition(key, len(queues))  # murmur2 once per key
        offset = self._offsets[topic][p]
        self._offsets[topic][p] = offset + 1
        in_flight = self._in_flight[topic]
        message = _Message(key, value, offset)
        if in_flight[p]:
            in_flight[p] += 1
            await queues[p].put(message)
            return
        # the partition has passed everything produced to it: stepped here, no hand-over to its task
        part = self._partitions[topic][p]
        routed = self._step(part, message)
        if routed:
            await self._to_theater(part, routed)

    async def produce_tick(self, at_ms: int) -> None:
        """Punctuate every source partition: no input older than `at_ms` follows. In one process a tick needs no
        bytes and no message per partition: a partition that has passed everything produced to it takes the tick
        here and now; a busy one finds it in its queue after its messages. When the last partition has passed it,
        the theater gets one tick for all of them (the same watermarks as one per partition: the theater's low
        watermark moves only when the last of them arrives)."""
        # a tick message carries whole seconds (streams.wire.timefmt), and Kafka's ticks are such messages: the same
        # watermarks here, so both runtimes release input at the same moments
        at_ms -= at_ms % 1000
        round_ = _TickRound(at_ms, sum(len(parts) for parts in self._partitions.values()))
        for name, queues in self._queues.items():
            offsets, in_flight, parts = self._offsets[name], self._in_flight[name], self._partitions[name]
            for p, queue in enumerate(queues):
                offset = offsets[p]
                offsets[p] = offset + 1  # the offset a tick message would take
                if not in_flight[p]:  # the usual case in a replay: here, no queue and no coroutine per partition
                    await self._tick(parts[p], round_)
                    continue
                in_flight[p] += 1
                message = _Message("tick", b"", offset, round_)
                if queue.full():
                    await queue.put(message)
                else:
                    queue.put_nowait(message)

    async def _tick(self, part: ingest.IngestPartition, round_: _TickRound) -> None:
        """This partition passes the tick round: its signals go to the theater, then (the last partition) the tick."""
        signals = ingest.advance(part, round_.at_ms, self.ingest_ctx)
        if signals:
            await self._to_theater(part, signals)
        round_.waiting -= 1
        if not round_.waiting:
            await self._to_theater(part, (Tick(round_.at_ms, EVERY_PARTITION),))

    def _step(self, part: ingest.IngestPartition, message: _Message) -> list[TheaterInput]:
        """The ingest step on one message; rejections become dead letters, the rest is for the theater."""
        try:
            _, routed = ingest.step(part, message.value, message.offset, self.ingest_ctx)
        except Exception as exc:  # a defect must not stop the worker: the message becomes a dead letter
            routed = [Rejected(f"internal error: {type(exc).__name__}: {exc}", message.value, part_origin(part))]
            part.counts.received += 1
            part.counts.rejected += 1
        if not routed:
            return []
        out: list[TheaterInput] = []
        for item in routed:
            if isinstance(item, Rejected):
                self._dead_letter(item)
            else:
                out.append(item)
        return out

    async def _to_theater(self, part: ingest.IngestPartition, items: Sequence[TheaterInput]) -> None:
        signals = self._signals
        if signals.maxsize <= 0 or signals.maxsize - signals.qsize() >= len(items):
            for item in items:
                signals.put_nowait(item)  # the usual case: room for all, no coroutine per item
            return
        # the theater is behind: wait for room, and let nothing of this partition overtake these outputs
        held = self._held[part.topic]
        done = held[part.partition] = asyncio.get_running_loop().create_future()
        self._in_flight[part.topic][part.partition] += 1
        try:
            for item in items:
                await signals.put(item)
        finally:
            self._in_flight[part.topic][part.partition] -= 1
            held[part.partition] = None
            done.set_result(None)

    async def drain(self) -> None:
        """Wait until everything produced so far has gone through every stage; a stage that died is an error
        here, never a silent wait forever."""
        self._check_stages()
        waits = [queue.join() for queues in self._queues.values() for queue in queues]
        joined = asyncio.ensure_future(self._join_all(waits))
        done, _ = await asyncio.wait([joined, *self._tasks], return_when=asyncio.FIRST_COMPLETED)
        if joined not in done:
            joined.cancel()
            self._check_stages()

    def _check_stages(self) -> None:
        for task in self._tasks:
            if task.done():
                why = "cancelled" if task.cancelled() else repr(task.exception())
                raise RuntimeError(f"embedded runtime: a stage stopped ({why}); what it held is not processed")

    async def _join_all(self, waits: list[Coroutine[Any, Any, None]]) -> None:
        for wait in waits:
            await wait
        await self._signals.join()

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()

    def counts(self) -> dict[str, int]:
        total = Counts()
        for parts in self._partitions.values():
            for part in parts:
                total = total.add(part.counts)
        return {
            "received": total.received,
            "accepted": total.accepted,
            "rejected": total.rejected,
            "duplicates": total.duplicates,
            "ticks": total.ticks,
            "dead_letters": self.dead_letter_count,
            # accepted by ingest, then not handled by the theater: counted inside `accepted`
            "failed": self.theater_state.failed_count,
        }

    def counts_by_source(self) -> dict[str, Counts]:
        """Counts per source partition ("ingest.sensor/2"); received = accepted + rejected in each."""
        return {part.source: part.counts for parts in self._partitions.values() for part in parts}

    def metrics_text(self) -> str:
        """The counts as Prometheus text, for a /metrics endpoint."""
        state = self.theater_state
        return ingest.metrics_text(
            self.counts_by_source(), self.dead_letter_count, state.failed_count, state.late_inputs
        )

    async def _ingest_loop(self, part: ingest.IngestPartition, queue: asyncio.Queue[_Message | None]) -> None:
        in_flight, held = self._in_flight[part.topic], self._held[part.topic]
        while True:
            message = await queue.get()
            try:
                if message is None:
                    return
                waiting = held[part.partition]
                if waiting is not None:  # outputs stepped before this message are still on their way
                    await waiting
                if message.tick is not None:
                    await self._tick(part, message.tick)
                    continue
                routed = self._step(part, message)
                if routed:
                    await self._to_theater(part, routed)
            finally:
                if message is not None:
                    in_flight[part.partition] -= 1
                queue.task_done()

    def _dead_letter(self, rejected: Rejected) -> None:
        self.dead_letter_count += 1
        if len(self.dead_letters) < self.dead_letter_limit:
            self.dead_letters.append(rejected)

    async def _theater_loop(self) -> None:
        while True:
            item = await self._signals.get()
            try:
                if item is None:
                    return
                try:
                    _, deltas = theater.step(self.theater_state, item, self.theater_ctx)
                except Exception as exc:  # escaped the step's own containment: kept, and the stage goes on
                    containment.kept(self.theater_state, exc, containment.describe(item), "", item)
                    deltas = []
                self.theater_state.dirty.clear()  # nothing to write durably in one process
                for failure in containment.take(self.theater_state):
                    if len(self.failed) < self.dead_letter_limit:
                        self.failed.append(failure)
                for delta in deltas:
                    for sink in self.sinks:
                        self._deliver(sink, delta)
            finally:
                self._signals.task_done()

    def _deliver(self, sink: DeltaSink, delta: theater.Delta) -> None:
        """A consumer that fails on one delta (a defect at the edge) must not stop the pipeline: it is counted and
        reported once per sink, and the other sinks and the theater go on."""
        try:
            sink(delta)
        except Exception as exc:
            self.sink_failures += 1
            name = getattr(sink, "__qualname__", repr(sink))
            if name not in self._failed_sinks:
                self._failed_sinks.add(name)
                print(f"embedded runtime: sink {name} failed on {delta.kind} {delta.key}: {exc!r}", file=sys.stderr)

    @property
    def now_ms(self) -> int:
        return self.theater_state.now_ms


def part_origin(part: ingest.IngestPartition) -> Origin:
    return Origin(part.topic, part.partition, -1)


__all__ = ["EmbeddedRuntime", "Tick"]
