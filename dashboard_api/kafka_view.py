"""The command-centre API on Kafka: its view fed from the worker's topics, its commands sent to `commands`.

`KafkaView.start()` rebuilds the picture from the compacted `picture` topic (`dashboard_api.rebuild`) and finds
where the `feed` topic takes over; `follow(hub)` then publishes every delta after that into the hub and keeps the
ingest counts the worker writes to `ingest.counts`. Reads are read_committed: the worker writes transactionally,
and a delta of an aborted transaction must never reach a command centre. This module only moves records.

Every instance reading the same feed topic has the same epoch (from the topic's id), because seqs are the
theater's, not the instance's: a client may resume with `since=<seq>` on any instance.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import msgspec
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from kafka.admin import KafkaAdminClient

from dashboard_api.deltas import DeltaError, delta_from_json
from dashboard_api.feed import FeedHub
from dashboard_api.picture import Picture
from dashboard_api.rebuild import LatestDeltas, takeover
from streams import ingest
from streams.runtime.kafka_auth import KafkaCredentials, aiokafka_options, kafka_python_options
from streams.wire import codec, contract, topics
from streams.wire.records import Counts

log = logging.getLogger("ebrain.api")

FIRST_LOOK_BACK = 256  # feed records read back from the end at first; the takeover point is nearly always there
_COUNT_NAMES = ("received", "accepted", "rejected", "duplicates", "ticks")
_COUNTS = msgspec.json.Decoder(dict[str, int])


class ViewError(RuntimeError):
    """The view cannot be built from what the topics hold; the message says what and where."""


def feed_epoch(topic_id: str) -> str:
    """The epoch of a feed topic: the same on every instance, new when the topic is created again."""
    return hashlib.sha256(f"feed/{topic_id}".encode()).hexdigest()[:12]


class IngestCounts:
    """The latest counts of each source partition ("ingest.sensor/2"), as the worker last saved them, and the
    theater's own (key `theater/<theater>`: late and failed inputs)."""

    def __init__(self) -> None:
        self.by_source: dict[str, dict[str, int]] = {}
        self.theater: dict[str, int] = {}

    def add(self, key: bytes | None, value: bytes | None) -> None:
        if key is None or value is None:
            return
        try:
            counts = _COUNTS.decode(value)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            log.warning("ingest.counts %r: not counts: %s", key, exc)
            return
        name = key.decode(errors="replace")
        if name.startswith(topics.THEATER_COUNTS_KEY):
            self.theater = counts
            return
        self.by_source[name] = counts

    def totals(self) -> dict[str, int]:
        """The embedded runtime's shape: every ingest rejection is a dead letter, so dead_letters = rejected."""
        out = {name: sum(c.get(name, 0) for c in self.by_source.values()) for name in _COUNT_NAMES}
        out["dead_letters"] = out["rejected"]
        return out


class KafkaView:
    def __init__(
        self,
        bootstrap: str,
        prefix: str = "",
        client_id: str = "ebrain-api",
        timeout_s: float = 120.0,
        credentials: KafkaCredentials | None = None,
    ):
        self.bootstrap = bootstrap
        self.credentials = credentials
        self.prefix = prefix
        self.client_id = client_id
        self.timeout_s = timeout_s
        self.epoch = ""
        self.rebuilt_seq = 0
        self.entities = 0
        self.ingest_counts = IngestCounts()
        self.skipped = 0  # feed records that are not deltas this API knows
        self._feed = TopicPartition(topics.physical(topics.FEED, prefix), 0)
        self._picture = TopicPartition(topics.physical(topics.PICTURE, prefix), 0)
        self._counts = TopicPartition(topics.physical(topics.INGEST_COUNTS, prefix), 0)
        self._consumer: AIOKafkaConsumer | None = None
        self._pending: list[dict[str, Any]] = []
        self._feed_from = 0

    def counts(self) -> dict[str, int]:
        return self.ingest_counts.totals()

    def metrics_text(self) -> str:
        """The worker's ingest counts per source partition as Prometheus text, as the embedded runtime gives."""
        by_source = {
            source: Counts(*(counts.get(name, 0) for name in _COUNT_NAMES))
            for source, counts in self.ingest_counts.by_source.items()
        }
        theater = self.ingest_counts.theater
        return ingest.metrics_text(
            by_source, self.ingest_counts.totals()["dead_letters"], theater.get("failed"), theater.get("late")
        )

    async def start(self, attempts: int = 3) -> Picture:
        """The picture rebuilt from the `picture` topic, with the feed's takeover point found and remembered."""
        self.epoch = feed_epoch(await asyncio.to_thread(self._feed_topic_id))
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            client_id=self.client_id,
            group_id=None,  # every instance reads everything; nothing to commit
            enable_auto_commit=False,
            isolation_level="read_committed",
            **aiokafka_options(self.credentials),
        )
        await self._consumer.start()
        for _ in range(attempts):
            latest = LatestDeltas()
            async for record in self._read_to_end(self._picture):
                latest.add(record.value, f"{self._picture.topic}/0@{record.offset}")
            for problem in latest.problems[:5]:
                log.warning("picture topic: %s", problem)
            if await self._find_takeover(latest.seq):
                self.rebuilt_seq, self.entities = latest.seq, len(latest.by_entity)
                return latest.picture()
        raise ViewError(
            f"{self._feed.topic}: the deltas after seq {latest.seq} are no longer retained, {attempts} times "
            f"(the feed's retention is shorter than a start-up takes)"
        )

    async def follow(self, hub: FeedHub) -> None:
        """Publish the feed into `hub` and keep the ingest counts, until cancelled."""
        consumer = self._consumer
        if consumer is None:
            raise ViewError("KafkaView.follow before start()")
        for held in self._pending:
            hub.publish(held)
        self._pending = []
        consumer.assign([self._feed, self._counts])
        consumer.seek(self._feed, self._feed_from)
        consumer.seek(self._counts, (await consumer.beginning_offsets([self._counts]))[self._counts])
        while True:
            batch = await consumer.getmany(timeout_ms=1000, max_records=5000)
            for record in batch.get(self._counts, ()):
                self.ingest_counts.add(record.key, record.value)
            for record in batch.get(self._feed, ()):
                delta = self._decode(record)
                if delta is not None:
                    hub.publish(delta)

    async def stop(self, grace_s: float = 10.0) -> None:
        """Stop reading. Bounded: aiokafka 0.14's consumer, asked for the offsets of a partition it was not
        assigned and stopped at once, can wait for a fetch that never ends."""
        if self._consumer is not None:
            consumer, self._consumer = self._consumer, None
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(consumer.stop(), grace_s)

    # -- start-up -----------------------------------------------------------------------------------

    def _feed_topic_id(self) -> str:
        """The feed topic's id, once the three topics the view reads have a leader (a consumer asked for the
        offsets of a partition that has none yet waits forever)."""
        names = [tp.topic for tp in (self._feed, self._picture, self._counts)]
        admin = KafkaAdminClient(
            bootstrap_servers=self.bootstrap,
            client_id=f"{self.client_id}-admin",
            **kafka_python_options(self.credentials),
        )
        deadline = time.monotonic() + self.timeout_s
        try:
            while True:
                described = {t["name"]: t for t in admin.describe_topics(names)}
                missing = [name for name in names if not topic_ready(described.get(name))]
                if not missing:
                    return str(described[self._feed.topic]["topic_id"])
                if time.monotonic() > deadline:
                    raise ViewError(
                        f"{', '.join(missing)}: no such topic with a leader on {self.bootstrap} after "
                        f"{self.timeout_s:.0f} s (is the prefix the worker's?)"
                    )
                time.sleep(0.5)
        finally:
            admin.close()

    async def _find_takeover(self, rebuilt_seq: int) -> bool:
        """Find the feed offset from which every delta after `rebuilt_seq` follows; keep the deltas read from there
        on for `follow`. Reads back from the end, further each time; False when retention removed some."""
        assert self._consumer is not None
        self._consumer.assign([self._feed])  # before asking for its offsets (see `stop`)
        begin = (await self._consumer.beginning_offsets([self._feed]))[self._feed]
        end = (await self._consumer.end_offsets([self._feed]))[self._feed]
        back = FIRST_LOOK_BACK
        while True:
            at = max(begin, end - back)
            deltas = [d async for d in self._deltas(at, end)]
            where = takeover(deltas[0]["seq"] if deltas else None, rebuilt_seq, at == begin)
            if where == "gap":
                return False
            if where == "here":
                self._pending = [d for d in deltas if d["seq"] > rebuilt_seq]
                self._feed_from = end
                return True
            back *= 8

    async def _deltas(self, start: int, end: int) -> AsyncIterator[dict[str, Any]]:
        async for record in self._read_to_end(self._feed, start, end):
            delta = self._decode(record)
            if delta is not None:
                yield delta

    async def _read_to_end(
        self, tp: TopicPartition, start: int | None = None, end: int | None = None
    ) -> AsyncIterator[ConsumerRecord[Any, Any]]:
        """Committed records of one partition from `start` (default: its beginning) up to `end` (default: the
        last stable offset now)."""
        consumer = self._consumer
        assert consumer is not None
        consumer.assign([tp])
        if start is None:
            start = (await consumer.beginning_offsets([tp]))[tp]
        if end is None:
            end = (await consumer.end_offsets([tp]))[tp]
        consumer.seek(tp, start)
        deadline = time.monotonic() + self.timeout_s
        while await consumer.position(tp) < end:
            if time.monotonic() > deadline:
                position = await consumer.position(tp)
                raise ViewError(f"{tp.topic}: read to offset {position} of {end} in {self.timeout_s:.0f} s")
            batch = await consumer.getmany(tp, timeout_ms=500, max_records=5000)
            for record in batch.get(tp, ()):
                if record.offset >= end:
                    return
                yield record

    def _decode(self, record: ConsumerRecord[Any, Any]) -> dict[str, Any] | None:
        try:
            return delta_from_json(record.value)
        except DeltaError as exc:
            self.skipped += 1
            if self.skipped <= 5:
                log.warning("%s/%d@%d skipped: %s", record.topic, record.partition, record.offset, exc)
            return None


def topic_ready(topic: dict[str, Any] | None) -> bool:
    """A described topic exists, has an id, and every partition has a leader."""
    if topic is None or topic.get("error_code") or not topic.get("topic_id"):
        return False
    partitions = topic.get("partitions") or []
    return bool(partitions) and all(p.get("leader_id", -1) >= 0 and not p.get("error_code") for p in partitions)


class KafkaCommands:
    """Operator commands onto the `commands` topic, keyed and placed as the embedded runtime places them; a
    command counts as submitted once the broker has it (acks=all)."""

    def __init__(
        self,
        bootstrap: str,
        prefix: str = "",
        client_id: str = "ebrain-api-commands",
        credentials: KafkaCredentials | None = None,
    ) -> None:
        self.topic = topics.physical(topics.COMMANDS, prefix)
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap,
            acks="all",
            enable_idempotence=True,
            client_id=client_id,
            **aiokafka_options(credentials),
        )

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def submit(self, command: contract.Command) -> None:
        key = command.incident_id or command.event_id
        partition = topics.partition_for(key, topics.COMMANDS.partitions)
        await self._producer.send_and_wait(self.topic, codec.encode(command), key=key.encode(), partition=partition)
