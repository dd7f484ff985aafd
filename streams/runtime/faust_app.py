"""The Kafka runtime: faust-streaming agents over a real broker, calling the same steps as the embedded runtime.

Agents only move bytes: decode the Kafka event, call the step, send what it returns, write what it changed.
- one ingest agent per source topic (sensor readings, hotline, agency reports, commands, task replies); the
  per-sensor detector state lives in a table keyed by device id;
- one theater agent on `signals`; incidents, tasks and responder statuses live in tables keyed by id, the
  rest in a `meta` record; on start the theater is rebuilt from those tables (indexes included).
How input, outputs and table writes are committed together is the worker's checkpoint (`checkpoint.py`, the
exactly-once protocol). Agents take their input in batches (`Checkpoint.batches`): faust's cost per event is far
above the steps' own, and a batch pays the theater's table writes once instead of once per event. Within a batch
events are processed one by one in arrival order (so per-partition order holds); a commit falls between batches.
Faust does not create source topics, so `ensure_topics` creates every topic of the map with its partitions first.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faust
import msgspec
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import ClusterAuthorizationFailedError, TopicAlreadyExistsError, TopicAuthorizationFailedError

from geo.fleet import FleetState
from streams import ingest, theater
from streams.ingest import store as ingest_store
from streams.ingest.dedup import ChunkLog
from streams.runtime.checkpoint import Checkpoint, TableWrites
from streams.runtime.faust_patches import apply_all as apply_faust_patches
from streams.runtime.kafka_auth import KafkaCredentials, faust_options, kafka_python_options
from streams.runtime.leaders import LeaderWatch
from streams.theater import containment, watermark
from streams.theater import store as theater_store
from streams.wire import topics
from streams.wire.codec import Origin, Rejected
from streams.wire.envelope import decode_input, encode_delta, encode_entity, encode_input, encode_latest

_FAILURE_ENCODER = msgspec.json.Encoder()
#: The largest theater meta record the worker can write (the producer's limit, and its changelog topic's). The
#: record holds the inputs waiting for the watermark, so it grows with the signals of a tick interval and with how
#: far the slowest source partition lags: over 1 MB (Kafka's default limit) with 10,000 sensors a tick a minute.
META_RECORD_MAX = 16 * 1024 * 1024
_log = logging.getLogger(__name__)
#: Topics (the map's and faust's changelogs) are created with the broker's `default.replication.factor` (CreateTopics
#: with -1, KIP-464), and their `min.insync.replicas` is the broker's too: 1 on the development broker, 3 and 2 on a
#: cluster (broker/cluster.properties). A worker then never needs to know the cluster's size.
BROKER_REPLICATION = -1
LEADER_CHECK_EVERY_S = 2.0


@dataclass(frozen=True)
class WorkerConfig:
    bootstrap: str
    app_id: str = topics.APP_ID
    data_dir: Path = Path(".ebrain-worker")
    processing_guarantee: str = "exactly_once"
    topic_prefix: str = ""
    # an agent takes up to batch_max events at a time, or what arrived within batch_within_s; measured (docs/
    # performance.md "Sensor ingest"): 100 gave 7,200 records/s, 1,000 9,200, 5,000 9,700 while a commit waits
    # for the batch in progress (~0.5 s at 5,000). The wait for a batch to fill, measured with bench_e2e at 2,000
    # events/s (docs/performance.md "End to end"): under exactly-once a commit waits for the batch in progress and
    # holds the next, so 10 ms (p50 0.34 s against 1.8 s with 50 ms); under at-least-once 50 ms (p50 135 ms
    # against 637 ms with 10 ms: the smaller batches cost more than they saved)
    batch_max: int = 1000
    batch_within_s: float | None = None  # None: 0.01 s under exactly-once, 0.05 s otherwise
    # Under exactly-once a record is visible downstream (read_committed) only once its transaction commits, and a
    # call's signal crosses two commits on its way to the feed (signals, then feed): the commit interval sets the
    # latency. Kafka Streams commits every 100 ms under exactly-once for this reason; faust's default is 2.8 s,
    # which stays for at-least-once (there a commit only records offsets; readers see records at once).
    commit_interval_s: float | None = None  # None: 0.1 s under exactly-once, faust's 2.8 s otherwise
    credentials: KafkaCredentials | None = None  # a closed broker: the worker's principal
    # replicas of faust's own topics (changelogs, leader topic): faust wants a number, so the worker takes the one
    # the broker gave the topic map's topics (`replication_of`)
    replication: int = 1

    @property
    def group_id(self) -> str:
        return topics.pipeline_id(self.topic_prefix, self.app_id)

    @property
    def exactly_once(self) -> bool:
        return self.processing_guarantee == "exactly_once"

    @property
    def batch_within(self) -> float:
        if self.batch_within_s is not None:
            return self.batch_within_s
        return 0.01 if self.exactly_once else 0.05

    @property
    def commit_interval(self) -> float:
        if self.commit_interval_s is not None:
            return self.commit_interval_s
        return 0.1 if self.exactly_once else 2.8


def ensure_topics(bootstrap: str, prefix: str = "", credentials: KafkaCredentials | None = None) -> list[str]:
    """Create every topic of the map that does not exist yet; returns the names it created."""
    options = kafka_python_options(credentials)
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="ebrain-topics", **options)
    created: list[str] = []
    try:
        existing = set(admin.list_topics())
        new = [
            NewTopic(
                topics.physical(spec, prefix),
                num_partitions=spec.partitions,
                replication_factor=BROKER_REPLICATION,
                topic_configs={**({"cleanup.policy": "compact"} if spec.compacted else {}), **dict(spec.config)},
            )
            for spec in topics.ALL
            if topics.physical(spec, prefix) not in existing
        ]
        if new:
            try:
                with contextlib.suppress(TopicAlreadyExistsError):
                    admin.create_topics(new, validate_only=False)
            except (TopicAuthorizationFailedError, ClusterAuthorizationFailedError):
                # a closed broker: this principal may neither see nor create them (docs/broker.md)
                who = f"principal {credentials.username!r}" if credentials else "a client without credentials"
                names = ", ".join(t.name for t in new)
                raise TopicAuthorizationFailedError(
                    f"{who} may not use {names}: check --kafka-credentials (the worker's principal creates the "
                    "topics; this one's rights are in the broker's access file)"
                ) from None
            created = [t.name for t in new]
    finally:
        admin.close()
    return created


def wait_for_group_coordinator(
    bootstrap: str, group_id: str, timeout_s: float = 60.0, credentials: KafkaCredentials | None = None
) -> bool:
    """Until the broker names a coordinator for the worker's group; False if it did not within the timeout.

    On a broker where no group has met yet, the first coordinator lookup creates `__consumer_offsets`, and until
    its partitions have leaders a joining consumer is told GroupCoordinatorNotAvailable, which aiokafka logs at
    ERROR. Asking here first (and waiting) leaves that transient out of the worker's log."""
    from kafka.errors import KafkaError

    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap, client_id="ebrain-coordinator", **kafka_python_options(credentials)
    )
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            try:
                admin.describe_groups([group_id])
                return True
            except KafkaError:
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.25)
    finally:
        admin.close()


def replication_of(bootstrap: str, topic: str, credentials: KafkaCredentials | None = None) -> int:
    """How many replicas the broker gave a topic's first partition."""
    options = kafka_python_options(credentials)
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="ebrain-topics", **options)
    try:
        (described,) = admin.describe_topics([topic])
    finally:
        admin.close()
    return max(1, len(described["partitions"][0]["replica_nodes"]))


def faust_settings(config: WorkerConfig) -> dict[str, Any]:
    return {
        "broker": f"kafka://{config.bootstrap}",
        "broker_api_version": "auto",
        "topic_replication_factor": config.replication,  # changelogs, the assignor's leader topic
        "store": "memory://",  # tables are rebuilt from their changelogs on start
        "processing_guarantee": config.processing_guarantee,
        "consumer_auto_offset_reset": "earliest",
        # every key and value is bytes we encode ourselves (msgspec); tables' changelogs use these too
        "key_serializer": "raw",
        "value_serializer": "raw",
        "web_enabled": False,
        "web_bind": "127.0.0.1",
        "datadir": str(config.data_dir),
        "broker_commit_interval": config.commit_interval,
        # Throughput settings, each measured in docs/performance.md "Sensor ingest":
        # - an agent's queue holds what a fetch brings (about 10,000 records of the sensor topic) beyond its
        #   high-water mark, so the hand-over from the fetcher rarely has to wait for room;
        "stream_buffer_maxsize": 16384,
        # - under exactly-once, outputs wait up to 50 ms to share a produce request (a reader sees them only at
        #   the commit anyway, which sends what waits); a request per record cost more than the ingest step. An
        #   at-least-once reader sees a record when it is sent: 5 ms, on each of the two hops to the feed;
        "producer_linger": 0.05 if config.exactly_once else 0.005,
        # - the theater's meta record carries its watermark buffer, over 1 MB at times (see META_RECORD_MAX)
        "producer_max_request_size": META_RECORD_MAX,
        **faust_options(config.credentials),
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


def _raw_table(app: faust.App, name: str, partitions: int, topic_config: dict[str, Any] | None = None) -> Any:
    return app.Table(
        name,
        key_type=str,
        value_type=bytes,
        partitions=partitions,
        default=None,
        extra_topic_configs=topic_config,
    )


def build_app(
    config: WorkerConfig,
    ingest_ctx: ingest.IngestContext,
    theater_ctx: theater.TheaterContext,
    initial_fleet: FleetState,
) -> faust.App:
    apply_faust_patches()
    app = faust.App(config.group_id, **faust_settings(config))
    signals_topic = _raw_topic(app, topics.SIGNALS, config.topic_prefix)
    dlq_topic = _raw_topic(app, topics.DLQ, config.topic_prefix)
    incidents_topic = _raw_topic(app, topics.INCIDENTS, config.topic_prefix)
    tasks_topic = _raw_topic(app, topics.TASKS, config.topic_prefix)
    feed_topic = _raw_topic(app, topics.FEED, config.topic_prefix)
    picture_topic = _raw_topic(app, topics.PICTURE, config.topic_prefix)
    counts_topic = _raw_topic(app, topics.INGEST_COUNTS, config.topic_prefix)
    failed_topic = _raw_topic(app, topics.FAILED, config.topic_prefix)
    theater_key = theater_ctx.theater.encode()

    sensor_table = _raw_table(app, "sensor-state", topics.INGEST_SENSOR.partitions)
    checkpoint = Checkpoint(app, config.exactly_once)
    outputs = checkpoint.outputs
    # In-memory step state per assigned partition; rebuilt from the tables after any rebalance, because
    # while a partition was elsewhere another worker may have moved its state on.
    ingest_caches: list[dict[int, ingest.IngestPartition]] = []
    holder: dict[str, theater.TheaterState] = {}

    def forget_state() -> None:
        holder.clear()
        for cache in ingest_caches:
            cache.clear()

    checkpoint.on_revoked(forget_state)
    checkpoint.install()

    # a broker of a cluster that dies moves its partitions' leadership to the others: the log says where
    leaders = LeaderWatch(
        config.bootstrap, [topics.physical(spec, config.topic_prefix) for spec in topics.ALL], config.credentials
    )

    @app.timer(LEADER_CHECK_EVERY_S)
    async def watch_leaders() -> None:
        try:
            changes = await leaders.check()
        except Exception as exc:  # the watch only informs; the clients find the leaders themselves
            _log.warning("partition leaders: metadata request failed: %r", exc)
            return
        for line in changes:
            _log.warning("partition leader: %s", line)

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
        devices = TableWrites(sensor_table)
        counts_and_ids = TableWrites(durable)
        unsaved: dict[int, Any] = {}  # partition -> its topic partition, for input processed since the last save

        async def save_devices(p: int, source_tp: Any) -> None:
            part = partitions.get(p)
            if part is not None and part.detector.dirty:
                ingest_store.save_detector(part.detector, p, devices)
                await outputs.write(devices, source_tp)

        async def save(p: int, source_tp: Any) -> None:
            part = partitions.get(p)
            if part is None:  # forgotten at a rebalance, after the commit that saved it
                return
            await save_devices(p, source_tp)
            ingest_store.save(part, logs[p], counts_and_ids)
            await outputs.write(counts_and_ids, source_tp)
            # API instances serve /api/counts from this compacted topic; the tables are the worker's own
            counts = msgspec.json.encode(part.counts.as_dict())
            await outputs.send(counts_topic, part.source.encode(), counts, source_tp)

        async def save_processed() -> None:
            for p, source_tp in sorted(unsaved.items()):
                await save(p, source_tp)
            unsaved.clear()

        # Under exactly-once the counts, remembered ids and every device that changed are also saved just before
        # every commit, into the transaction of the input they count: a restarted worker then resumes with exactly
        # the counts, ids and detector of the input its committed offsets cover (saved only at ticks, they lagged
        # the offsets, and the input in between was never counted; devices saved only on an alarm change had a
        # stale last-seen time, and a healthy device was found silent on the first tick after a restart). Once a
        # commit, a device that read several times since the last one is written once.
        checkpoint.before_commit(save_processed)

        async def process(stream: Any) -> None:
            async for batch in checkpoint.batches(stream, config.batch_max, config.batch_within):
                for event in batch:
                    message = event.message
                    p = message.partition
                    part = partitions.get(p)
                    if part is None:
                        part = partitions[p] = ingest.IngestPartition.new(spec.name, p, ingest_ctx)
                        logs[p] = ingest_store.restore(part, durable.items(), durable.get(f"counts/{p}"))
                        if spec is topics.INGEST_SENSOR:
                            ingest_store.restore_detector(part.detector, sensor_table.items(), p)
                    raw = event.value if isinstance(event.value, bytes) else bytes(event.value or b"")
                    ticks = part.counts.ticks
                    try:
                        _, routed = ingest.step(part, raw, message.offset, ingest_ctx)
                    except Exception as exc:  # a defect must not stop the worker: the message becomes a dead letter
                        origin = Origin(spec.name, p, message.offset)
                        routed = [Rejected(f"internal error: {type(exc).__name__}: {exc}", raw, origin)]
                        part.counts.received += 1
                        part.counts.rejected += 1
                    if routed:
                        await route(routed, message.tp)
                    if ingest_store.due(part, ticks):
                        await save(p, message.tp)
                        unsaved.pop(p, None)
                    else:
                        unsaved[p] = message.tp
                if not config.exactly_once:  # at-least-once: the devices a batch changed, after the batch
                    for p, source_tp in sorted(unsaved.items()):
                        await save_devices(p, source_tp)

        process.__name__ = f"ingest_{spec.name.replace('.', '_')}"
        app.agent(source, name=process.__name__)(process)

    for spec in topics.SOURCES:
        ingest_agent(spec)

    incident_table = _raw_table(app, "incident", topics.SIGNALS.partitions)
    task_table = _raw_table(app, "task", topics.SIGNALS.partitions)
    responder_table = _raw_table(app, "responder", topics.SIGNALS.partitions)
    meta_table = _raw_table(app, "theater-meta", topics.SIGNALS.partitions, {"max.message.bytes": str(META_RECORD_MAX)})
    tables = {
        name: TableWrites(table)
        for name, table in (
            ("incident", incident_table),
            ("task", task_table),
            ("responder", responder_table),
            ("meta", meta_table),
        )
    }

    theater_source: dict[str, Any] = {}  # the signals partition whose transaction the theater's tables join

    async def write_theater_tables() -> None:
        state, source = holder.get("state"), theater_source.get("tp")
        if state is None or source is None:
            return
        for table, key, value in theater_store.changed_records(state):
            if value is None:
                tables[table].pop(key, None)
            else:
                tables[table][key] = value
        for writes in tables.values():
            await outputs.write(writes, source)

    # Under exactly-once the theater's tables are written once a commit, just before it (the meta record holds
    # the whole watermark buffer: written for every event, it cost more than the theater's step); otherwise
    # once a batch.
    checkpoint.before_commit(write_theater_tables)

    idle_now: list[tuple[str, ...]] = [()]
    theater_counts_sent: list[tuple[int, int]] = [(-1, -1)]
    theater_counts_key = f"{topics.THEATER_COUNTS_KEY}{theater_ctx.theater}".encode()

    def report_idle(state: theater.TheaterState) -> None:
        """A line when the partitions the watermark does not wait for change (docs/operations.md, "Late and idle")."""
        idle = watermark.idle(state.watermarks, state.heard, theater_ctx.tick_sources, theater_ctx.watermark)
        if idle != idle_now[0]:
            idle_now[0] = idle
            said = ", ".join(idle) if idle else "none: every source partition is waited for"
            _log.warning("idle source partitions (not waited for): %s; late inputs so far %d", said, state.late_inputs)

    async def run_theater(stream: Any) -> None:
        async for batch in checkpoint.batches(stream, config.batch_max, config.batch_within):
            state = holder.get("state")
            if state is None:
                state = holder["state"] = theater_store.restore(
                    initial_fleet,
                    incidents=[v for _, v in incident_table.items() if v is not None],
                    tasks=[v for _, v in task_table.items() if v is not None],
                    statuses=[(k, v) for k, v in responder_table.items() if v is not None],
                    meta=meta_table.get(theater_store.META_KEY),
                )
            for event in batch:
                raw = event.value if isinstance(event.value, bytes) else bytes(event.value or b"")
                source = event.message.tp
                try:
                    item = decode_input(raw)
                except (msgspec.DecodeError, msgspec.ValidationError, KeyError) as exc:
                    await outputs.send(dlq_topic, b"signals", _bad_signal(raw, exc), source)
                    continue
                try:
                    _, deltas = theater.step(state, item, theater_ctx)
                except Exception as exc:  # escaped the step's own containment: parked below, the offset moves on
                    containment.kept(state, exc, containment.describe(item), "", item)
                    deltas = []
                # parked in the same transaction as the input's outputs: a failing input is neither retried
                # after a restart (no crash loop) nor lost; the offset moves on exactly once
                for failure in containment.take(state):
                    key = (failure.incident_id or theater_key.decode()).encode()
                    await outputs.send(failed_topic, key, _FAILURE_ENCODER.encode(failure), source)
                for delta in deltas:
                    raw_delta = encode_delta(delta)
                    await outputs.send(feed_topic, theater_key, raw_delta, source)
                    # in the same transaction, so the latest delta of each entity never runs ahead of the feed;
                    # whole (an incident with all its evidence), so the latest one alone rebuilds the entity
                    latest = encode_latest(delta) if delta.kind == "incident" else raw_delta
                    await outputs.send(picture_topic, f"{delta.kind}/{delta.key}".encode(), latest, source)
                    if delta.kind == "incident":
                        await outputs.send(incidents_topic, delta.key.encode(), encode_entity(delta.entity), source)
                    elif delta.kind == "task":
                        province = delta.entity.responder_province or delta.entity.incident_province
                        await outputs.send(tasks_topic, province.encode(), encode_entity(delta.entity), source)
            theater_source["tp"] = batch[-1].message.tp
            said = (state.late_inputs, state.failed_count)
            if said != theater_counts_sent[0]:  # for /metrics on the API instances, when they change
                theater_counts_sent[0] = said
                counts = msgspec.json.encode({"late": said[0], "failed": said[1]})
                await outputs.send(counts_topic, theater_counts_key, counts, theater_source["tp"])
            if theater_ctx.watermark.idle_after_ms is not None:
                report_idle(state)
            if not config.exactly_once:
                await write_theater_tables()

    app.agent(signals_topic, name="theater")(run_theater)
    return app


def _bad_signal(raw: bytes, exc: Exception) -> bytes:
    rejected = Rejected(f"signals: not a pipeline record: {exc}", raw, Origin(topics.SIGNALS.name))
    return rejected.to_dead_letter()


def quiet_worker(app: faust.App) -> faust.Worker:
    """A faust Worker logging at WARNING without a terminal spinner when its output is not a terminal: faust's
    spinner is a root log handler at DEBUG, so each debug call of faust and aiokafka (several per record sent)
    would build a log record nobody reads."""
    worker = faust.Worker(app, loglevel=logging.WARNING, quiet=True)
    if not _is_terminal(worker.stdout):
        worker.spinner = None
    return worker


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
