"""The Kafka runtime: faust-streaming agents over a real broker, calling the same steps as the embedded runtime.

Agents only move bytes: decode the Kafka event, call the step, send what it returns, write what it changed.
- one ingest agent per source topic (sensor readings, hotline, agency reports, commands, task replies); the
  per-sensor detector state lives in a table keyed by device id, written only when a device's alarm state changes;
- one theater agent on `signals`; incidents, tasks and responder statuses live in tables keyed by id, the
  rest in a `meta` record; on start the theater is rebuilt from those tables (indexes included).
Faust does not create source topics, so `ensure_topics` creates every topic of the map with its partitions first.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faust
import msgspec
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

from geo.fleet import FleetState
from streams import detect, ingest, ingest_store, theater, theater_store, topics
from streams.codec import Rejected
from streams.dedup import ChunkLog
from streams.faust_patches import flush_changelog_before_commit
from streams.wire_internal import decode_input, encode_delta, encode_entity, encode_input

_SENSOR_ENCODER = msgspec.json.Encoder()


@dataclass(frozen=True)
class WorkerConfig:
    bootstrap: str
    app_id: str = "ebrain"
    data_dir: Path = Path(".ebrain-worker")
    processing_guarantee: str = "exactly_once"
    topic_prefix: str = ""


def ensure_topics(bootstrap: str, prefix: str = "") -> list[str]:
    """Create every topic of the map that does not exist yet; returns the names it created."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="ebrain-topics")
    created: list[str] = []
    try:
        existing = set(admin.list_topics())
        new = [
            NewTopic(
                topics.physical(spec, prefix),
                num_partitions=spec.partitions,
                replication_factor=1,
                topic_configs={**({"cleanup.policy": "compact"} if spec.compacted else {}), **dict(spec.config)},
            )
            for spec in topics.ALL
            if topics.physical(spec, prefix) not in existing
        ]
        if new:
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(new, validate_only=False)
            created = [t.name for t in new]
    finally:
        admin.close()
    return created


def faust_settings(config: WorkerConfig) -> dict[str, Any]:
    return {
        "broker": f"kafka://{config.bootstrap}",
        "broker_api_version": "auto",
        "topic_replication_factor": 1,
        "store": "memory://",  # tables are rebuilt from their changelogs on start
        "processing_guarantee": config.processing_guarantee,
        "consumer_auto_offset_reset": "earliest",
        # every key and value is bytes we encode ourselves (msgspec); tables' changelogs use these too
        "key_serializer": "raw",
        "value_serializer": "raw",
        "web_enabled": False,
        "web_bind": "127.0.0.1",
        "datadir": str(config.data_dir),
    }


def _raw_topic(app: faust.App, spec: topics.TopicSpec, prefix: str) -> Any:
    return app.topic(
        topics.physical(spec, prefix),
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=spec.partitions,
    )


class CommitGate:
    """Under exactly-once, a commit falls between events, never inside one.

    faust commits on a timer, with the offsets of the events already acknowledged. An event still being
    processed has sent some outputs and table writes into the open transaction; committed without its offset,
    they were applied again when the event was processed again after a crash (a casualty report counted twice).
    Agents iterate through `events`; the wrapped commit waits until no agent is inside an event, and no agent
    starts one until the commit is done. An event is acknowledged as its agent asks for the next one.
    """

    def __init__(self) -> None:
        self._inside = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._open = asyncio.Event()
        self._open.set()
        self._committing = asyncio.Lock()

    async def events(self, stream: Any) -> AsyncIterator[Any]:
        async for event in stream.events():
            await self._open.wait()
            self._inside += 1
            self._idle.clear()
            try:
                yield event
            finally:
                self._inside -= 1
                if self._inside == 0:
                    self._idle.set()

    def wrap(self, commit: Callable[..., Awaitable[bool]]) -> Callable[..., Awaitable[bool]]:
        async def commit_between_events(*args: Any, **kwargs: Any) -> bool:
            async with self._committing:
                self._open.clear()
                try:
                    await self._idle.wait()
                    return await commit(*args, **kwargs)
                finally:
                    self._open.set()

        commit_between_events.gated = True  # type: ignore[attr-defined]
        return commit_between_events


class Outputs:
    """Sends what an agent produced. Under exactly-once, every output joins the transaction of the input being
    processed, so the input's offset, the tables and the outputs commit or abort together.

    faust alone does not do that here: it routes a send to the transaction of the *destination* partition's
    topic group, and sends to a topic no agent reads (feed, tasks, incidents, dlq) to no transaction at all.
    A worker killed mid-stream then left committed feed deltas of input it would process again, and signals
    from sensor readings whose offsets were never committed (or the reverse: readings committed, signals lost).
    """

    def __init__(self, app: faust.App, exactly_once: bool) -> None:
        self.app = app
        self.exactly_once = exactly_once

    async def send(self, channel: Any, key: bytes, value: bytes, source: Any) -> None:
        if not self.exactly_once:
            await channel.send(key=key, value=value)
            return
        app = self.app
        transactional_id = f"{app.conf.id}-{app.assignor.group_for_topic(source.topic)}-{source.partition}"
        producer = app.consumer.transactions.producer
        await producer.send(channel.get_topic_name(), key, value, None, None, None, transactional_id=transactional_id)


def _raw_table(app: faust.App, name: str, partitions: int) -> Any:
    return app.Table(
        name,
        key_type=str,
        value_type=bytes,
        partitions=partitions,
        default=None,
    )


def build_app(
    config: WorkerConfig,
    ingest_ctx: ingest.IngestContext,
    theater_ctx: theater.TheaterContext,
    initial_fleet: FleetState,
) -> faust.App:
    flush_changelog_before_commit()
    app = faust.App(config.app_id + config.topic_prefix, **faust_settings(config))
    signals_topic = _raw_topic(app, topics.SIGNALS, config.topic_prefix)
    dlq_topic = _raw_topic(app, topics.DLQ, config.topic_prefix)
    incidents_topic = _raw_topic(app, topics.INCIDENTS, config.topic_prefix)
    tasks_topic = _raw_topic(app, topics.TASKS, config.topic_prefix)
    feed_topic = _raw_topic(app, topics.FEED, config.topic_prefix)
    picture_topic = _raw_topic(app, topics.PICTURE, config.topic_prefix)
    counts_topic = _raw_topic(app, topics.INGEST_COUNTS, config.topic_prefix)
    theater_key = theater_ctx.theater.encode()

    sensor_table = _raw_table(app, "sensor-state", topics.INGEST_SENSOR.partitions)
    outputs = Outputs(app, config.processing_guarantee == "exactly_once")
    # In-memory step state per assigned partition; rebuilt from the tables after any rebalance, because
    # while a partition was elsewhere another worker may have moved its state on.
    ingest_caches: list[dict[int, ingest.IngestPartition]] = []
    holder: dict[str, theater.TheaterState] = {}

    def forget_state(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        holder.clear()
        for cache in ingest_caches:
            cache.clear()

    app.on_partitions_revoked.connect(forget_state)
    gate = CommitGate()

    def gate_commits(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        transactions = app.consumer.transactions
        if outputs.exactly_once and not getattr(transactions.commit, "gated", False):
            transactions.commit = gate.wrap(transactions.commit)  # type: ignore[assignment]

    app.on_partitions_assigned.connect(gate_commits)

    async def route(routed: list[ingest.Routed], source: Any) -> None:
        for item in routed:
            if isinstance(item, Rejected):
                await outputs.send(dlq_topic, item.origin.topic.encode(), item.to_dead_letter(), source)
            else:
                await outputs.send(signals_topic, theater_key, encode_input(item), source)

    def ingest_agent(spec: topics.TopicSpec) -> None:
        source = _raw_topic(app, spec, config.topic_prefix)
        # counts and remembered event ids per source partition, co-partitioned with the source topic
        durable = _raw_table(app, f"ingest-{spec.name}", spec.partitions)
        partitions: dict[int, ingest.IngestPartition] = {}
        logs: dict[int, ChunkLog] = {}
        ingest_caches.append(partitions)

        async def process(stream: Any) -> None:
            async for event in gate.events(stream):
                p = event.message.partition
                part = partitions.get(p)
                if part is None:
                    part = partitions[p] = ingest.IngestPartition.new(spec.name, p, ingest_ctx)
                    logs[p] = ingest_store.restore(part, durable.items(), durable.get(f"counts/{p}"))
                    if spec is topics.INGEST_SENSOR:
                        _load_detector(part.detector, sensor_table, p)
                raw = event.value if isinstance(event.value, bytes) else bytes(event.value or b"")
                ticks = part.counts.ticks
                try:
                    _, routed = ingest.step(part, raw, event.message.offset, ingest_ctx)
                except Exception as exc:  # a defect must not stop the worker: the message becomes a dead letter
                    origin = ingest.Origin(spec.name, p, event.message.offset)
                    routed = [Rejected(f"internal error: {type(exc).__name__}: {exc}", raw, origin)]
                    part.counts.received += 1
                    part.counts.rejected += 1
                await route(routed, event.message.tp)
                if part.detector.dirty:
                    for device_id in sorted(part.detector.dirty):
                        sensor_table[f"{p}/{device_id}"] = _SENSOR_ENCODER.encode(part.detector.devices[device_id])
                    part.detector.dirty.clear()
                if ingest_store.due(part, ticks):
                    ingest_store.save(part, logs[p], durable)
                    # API instances serve /api/counts from this compacted topic; the tables are the worker's own
                    counts = msgspec.json.encode(part.counts.as_dict())
                    await outputs.send(counts_topic, part.source.encode(), counts, event.message.tp)

        process.__name__ = f"ingest_{spec.name.replace('.', '_')}"
        app.agent(source, name=process.__name__)(process)

    for spec in topics.SOURCES:
        ingest_agent(spec)

    incident_table = _raw_table(app, "incident", topics.SIGNALS.partitions)
    task_table = _raw_table(app, "task", topics.SIGNALS.partitions)
    responder_table = _raw_table(app, "responder", topics.SIGNALS.partitions)
    meta_table = _raw_table(app, "theater-meta", topics.SIGNALS.partitions)
    tables = {"incident": incident_table, "task": task_table, "responder": responder_table, "meta": meta_table}

    async def run_theater(stream: Any) -> None:
        async for event in gate.events(stream):
            raw = event.value if isinstance(event.value, bytes) else bytes(event.value or b"")
            source = event.message.tp
            state = holder.get("state")
            if state is None:
                state = holder["state"] = theater_store.restore(
                    initial_fleet,
                    incidents=[v for _, v in incident_table.items() if v is not None],
                    tasks=[v for _, v in task_table.items() if v is not None],
                    statuses=[(k, v) for k, v in responder_table.items() if v is not None],
                    meta=meta_table.get(theater_store.META_KEY),
                )
            try:
                item = decode_input(raw)
            except (msgspec.DecodeError, msgspec.ValidationError, KeyError) as exc:
                await outputs.send(dlq_topic, b"signals", _bad_signal(raw, exc), source)
                continue
            _, deltas = theater.step(state, item, theater_ctx)
            for table, key, value in theater_store.changed_records(state):
                if value is None:
                    tables[table].pop(key, None)
                else:
                    tables[table][key] = value
            for delta in deltas:
                raw_delta = encode_delta(delta)
                await outputs.send(feed_topic, theater_key, raw_delta, source)
                # in the same transaction, so the latest delta of each entity never runs ahead of the feed
                await outputs.send(picture_topic, f"{delta.kind}/{delta.key}".encode(), raw_delta, source)
                if delta.kind == "incident":
                    await outputs.send(incidents_topic, delta.key.encode(), encode_entity(delta.entity), source)
                elif delta.kind == "task":
                    province = delta.entity.responder_province or delta.entity.incident_province
                    await outputs.send(tasks_topic, province.encode(), encode_entity(delta.entity), source)

    app.agent(signals_topic, name="theater")(run_theater)
    return app


def _load_detector(detector: detect.DetectorState, table: Any, partition: int) -> None:
    """Table keys are "<partition>/<device id>": a device belongs to the partition that carried its readings."""
    prefix = f"{partition}/"
    for key, raw in table.items():
        if raw is not None and key.startswith(prefix):
            detector.devices[key[len(prefix) :]] = msgspec.json.decode(raw, type=detect.SensorState)


def _bad_signal(raw: bytes, exc: Exception) -> bytes:
    rejected = Rejected(f"signals: not a pipeline record: {exc}", raw, ingest.Origin(topics.SIGNALS.name))
    return rejected.to_dead_letter()
