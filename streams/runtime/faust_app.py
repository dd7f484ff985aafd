"""The Kafka runtime: faust-streaming agents over a real broker, calling the same steps as the embedded runtime.

Agents only move bytes: decode the Kafka event, call the step, send what it returns, write what it changed.
- one ingest agent per source topic (sensor readings, hotline, agency reports, commands, task replies); the
  per-sensor detector state lives in a table keyed by device id, written only when a device's alarm state changes;
- one theater agent on `signals`; incidents, tasks and responder statuses live in tables keyed by id, the
  rest in a `meta` record; on start the theater is rebuilt from those tables (indexes included).
Agents take their input in batches (`CommitGate.batches`): faust's cost per event is far above the steps' own, and a
batch pays the theater's table writes once instead of once per event. Within a batch events are processed one by
one in arrival order (so per-partition order holds); a commit falls between batches, never inside one.
Faust does not create source topics, so `ensure_topics` creates every topic of the map with its partitions first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, MutableMapping
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
COMMIT_REPORT_EVERY_S = 10.0
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


class UnfinishedBatch(RuntimeError):
    """A batch's outputs are partly in the open transaction: committing it would apply them twice."""


class CommitGate:
    """Under exactly-once, a commit falls between batches of events, never inside one.

    faust commits on a timer, with the offsets of the events already acknowledged. A batch still being
    processed has sent some outputs and table writes into the open transaction; committed without its offsets,
    they were applied again when the batch was processed again after a crash (a casualty report counted twice).
    Agents iterate through `batches`; the wrapped commit waits until no agent is inside a batch, and no agent
    starts one until the commit is done. A batch is acknowledged as its agent asks for the next one (faust acks
    the events of a `take_events` batch when the generator resumes, before it waits again, so no commit can run
    between the end of a batch and its acknowledgement).

    A batch left unfinished (the agent raised or was cancelled, e.g. while the worker stops) may still be
    acknowledged by faust's cleanup; its outputs are partial, so from then on this worker commits nothing: its
    next commit raises `UnfinishedBatch`, which stops the worker, the open transactions are aborted and a restarted
    (or surviving) worker takes over from the last commit.

    `before_commit` hooks run when no agent is inside a batch, just before the commit: state written there
    describes exactly the input the commit covers.
    """

    def __init__(self) -> None:
        self._inside = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._open = asyncio.Event()
        self._open.set()
        self._committing = asyncio.Lock()
        self._hooks: list[Callable[[], Awaitable[None]]] = []
        self.broken: str | None = None
        # seconds each commit took, from the wait for the batches in progress to the end of the transactions
        self.commit_seconds: list[float] = []

    def commit_report(self) -> str | None:
        """One line on the commits since the last report (None when there were none), and start afresh."""
        took, self.commit_seconds = sorted(self.commit_seconds), []
        if not took:
            return None
        ms = [1000 * t for t in took]
        return (
            f"commits: {len(ms)}, median {ms[len(ms) // 2]:.1f} ms, p99 {ms[min(len(ms) - 1, len(ms) * 99 // 100)]:.1f}"
            f" ms, max {ms[-1]:.1f} ms"
        )

    def before_commit(self, hook: Callable[[], Awaitable[None]]) -> None:
        self._hooks.append(hook)

    async def batches(self, stream: Any, size: int, within_s: float) -> AsyncIterator[list[Any]]:
        async for events in stream.take_events(size, within=within_s):
            await self._open.wait()
            self._inside += 1
            self._idle.clear()
            try:
                yield events
            except BaseException as exc:  # raised in the agent, or the generator closed at the yield
                if self.broken is None:
                    self.broken = f"a batch of {len(events)} events was left unfinished: {exc!r}"
                    _log.error("%s; this worker commits nothing more and stops", self.broken)
                raise
            finally:
                self._inside -= 1
                if self._inside == 0:
                    self._idle.set()

    def wrap(self, commit: Callable[..., Awaitable[bool]]) -> Callable[..., Awaitable[bool]]:
        async def commit_between_batches(*args: Any, **kwargs: Any) -> bool:
            async with self._committing:
                self._open.clear()
                began = time.perf_counter()
                try:
                    await self._idle.wait()
                    if self.broken is not None:
                        # the worker must not go on without commits: stopping lets a restarted or surviving
                        # worker take over from the last commit (the open transactions are aborted)
                        raise UnfinishedBatch(self.broken)
                    for hook in self._hooks:
                        await hook()
                    return await commit(*args, **kwargs)
                finally:
                    self._open.set()
                    if len(self.commit_seconds) < 100_000:
                        self.commit_seconds.append(time.perf_counter() - began)

        commit_between_batches.gated = True  # type: ignore[attr-defined]
        return commit_between_batches


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
        self._transactional_ids: dict[Any, str] = {}  # source partition -> id (fixed by the app's topic groups)

    async def send(self, channel: Any, key: bytes, value: bytes, source: Any) -> None:
        if not self.exactly_once:
            await channel.send(key=key, value=value)
            return
        await self._send_in_transaction(channel.get_topic_name(), key, value, None, source)

    async def _send_in_transaction(
        self, topic: str, key: bytes, value: bytes | None, partition: int | None, source: Any
    ) -> None:
        transactional_id = self._transactional_ids.get(source)
        if transactional_id is None:
            app = self.app
            transactional_id = f"{app.conf.id}-{app.assignor.group_for_topic(source.topic)}-{source.partition}"
            self._transactional_ids[source] = transactional_id
        producer = self.app.consumer.transactions.producer
        await producer.send(topic, key, value, partition, None, None, transactional_id=transactional_id)

    async def write(self, writes: TableWrites, source: Any) -> None:
        """Send the changelog records of table writes made while processing input from `source`, and forget them.

        Each goes to the changelog partition of the input (tables are co-partitioned with their source) and, under
        exactly-once, into the input's transaction: faust's own path (`table[key] = value`) takes the partition from
        the current event, which a batch does not have, and queues every record through its producer buffer.
        """
        for table, key, value in writes.pending:
            topic = table.changelog_topic
            if not self.exactly_once:
                await topic.send(
                    key=key,
                    value=value,
                    partition=source.partition,
                    key_serializer=table.key_serializer,
                    value_serializer="raw",
                )
                continue
            raw_key, _ = topic.prepare_key(key, table.key_serializer)
            await self._send_in_transaction(topic.get_topic_name(), raw_key, value, source.partition, source)
        writes.pending.clear()


class TableWrites(MutableMapping[str, bytes]):
    """A faust table as a mapping whose writes change its store at once and wait in `pending` for `Outputs.write`
    to send their changelog records (reads see the writes at once, as with the table itself)."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self.pending: list[tuple[Any, str, bytes | None]] = []

    def __getitem__(self, key: str) -> bytes:
        value: bytes = self.table.data[key]
        return value

    def __setitem__(self, key: str, value: bytes) -> None:
        self.table.data[key] = value
        self.pending.append((self.table, key, value))

    def __delitem__(self, key: str) -> None:
        del self.table.data[key]
        self.pending.append((self.table, key, None))

    def __iter__(self) -> Iterator[str]:
        return iter(self.table.data)

    def __len__(self) -> int:
        return len(self.table.data)


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
    outputs = Outputs(app, config.processing_guarantee == "exactly_once")
    # In-memory step state per assigned partition; rebuilt from the tables after any rebalance, because
    # while a partition was elsewhere another worker may have moved its state on.
    ingest_caches: list[dict[int, ingest.IngestPartition]] = []
    holder: dict[str, theater.TheaterState] = {}

    gate = CommitGate()

    async def on_revoked(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        """Commit what was processed, then forget the in-memory state (a rebalance may move partitions).

        faust does not commit when partitions are revoked under exactly-once: after the rebalance it seeks every
        partition back to its committed offset, while a partition it keeps keeps its open transaction and its
        tables keep the writes made since the last commit. That input was then processed a second time on top of
        its own effects. Committing here (between batches, through the gate) makes the committed offsets, the
        transactions and the tables describe the same input. If that commit fails, the tables are emptied and
        rebuilt from their committed changelogs instead.
        """
        if outputs.exactly_once and app.consumer.assignment():
            try:
                await app.consumer.commit()
            except Exception as exc:  # fenced, or the broker went away: fall back on the committed changelogs
                _log.warning("commit on revocation failed (%r): tables are rebuilt from their changelogs", exc)
                _forget_tables(app)
        holder.clear()
        for cache in ingest_caches:
            cache.clear()

    app.on_partitions_revoked.connect(on_revoked)

    def gate_commits(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        # The consumer's commit, not the transaction manager's: faust picks the offsets to commit from the
        # acknowledgements before it calls the latter, so a batch that finished while the gate waited had its
        # outputs and table writes committed without its offsets (processed again after a crash).
        consumer = app.consumer
        if outputs.exactly_once and not getattr(consumer.commit, "gated", False):
            consumer.commit = gate.wrap(consumer.commit)  # type: ignore[method-assign, assignment]

    app.on_partitions_assigned.connect(gate_commits)

    if outputs.exactly_once:

        @app.timer(COMMIT_REPORT_EVERY_S)
        async def report_commits() -> None:
            line = gate.commit_report()
            if line is not None:
                # at WARNING, the worker's level: the cost of commits is what bounds exactly-once latency
                _log.warning("%s in the last %.0f s", line, COMMIT_REPORT_EVERY_S)

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
        if outputs.exactly_once:
            gate.before_commit(save_processed)

        async def process(stream: Any) -> None:
            async for batch in gate.batches(stream, config.batch_max, config.batch_within):
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
                if not outputs.exactly_once:  # at-least-once: the devices a batch changed, after the batch
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
    if outputs.exactly_once:
        gate.before_commit(write_theater_tables)

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
        async for batch in gate.batches(stream, config.batch_max, config.batch_within):
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
            if not outputs.exactly_once:
                await write_theater_tables()

    app.agent(signals_topic, name="theater")(run_theater)
    return app


def _forget_tables(app: faust.App) -> None:
    """Empty every table and make recovery read its changelog from the start (committed records only)."""
    for table in app.tables.values():
        store = table.data
        store.data.clear()
        getattr(store, "_key_partition", {}).clear()
    recovery: Any = app.tables.recovery  # type: ignore[attr-defined]
    recovery.active_offsets.clear()


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
