"""What every Kafka test and benchmark shares: a broker on 127.0.0.1 and free ports, topics, workers as processes,
a scenario produced in parts, the feed read back, and the undisturbed embedded run to compare with.

One module, shipped with the product, so the integration tests, the fault tests and the benchmarks start brokers
and read feeds the same way (a benchmark never imports the tests). Failures raise ``BrokerError`` or
``AssertionError`` with the reason; pytest fixtures turn the first into a test failure.

Workers get short group timeouts through faust's own environment settings, so a killed worker's partitions
move within seconds instead of a minute; nothing else differs from `ebrain worker`.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

import msgspec
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError
from typing_extensions import Unpack
from websockets.sync.client import ClientConnection, connect

from ebrain.broker import BrokerConfig, BrokerError, KafkaBroker, ensure_jars, free_port
from ebrain.compose import Core, embedded_runtime
from ebrain.settings import PACKAGE_ROOT
from scenarios.model import Scenario
from scenarios.replay import Step, plan
from scenarios.run import replay_embedded
from streams.runtime.kafka_auth import KafkaCredentials, kafka_python_options
from streams.runtime.kafka_io import KafkaIngress, committed_from_start
from streams.wire import topics
from streams.wire.envelope import delta_to_builtins

if TYPE_CHECKING:
    import httpx

PROJECT_ROOT = PACKAGE_ROOT
#: a benchmark run by `make bench` uses the broker this names instead of starting its own
SHARED_BROKER_ENV = "EBRAIN_BENCH_BROKER"

#: faust reads these from the environment: a dead member leaves the group after 10 s, not 60 s.
FAST_FAILOVER = {"BROKER_SESSION_TIMEOUT": "10", "BROKER_HEARTBEAT_INTERVAL": "1"}
DEMO_JOINT_TOKEN = "demo-joint-3f9c1a7e"  # the joint centre's demo token (dashboard_api/data/demo_tokens.yaml)

#: the access file of a closed broker: the users and ACLs the documented deployment runs with
ACCESS_FILE = PROJECT_ROOT / "broker" / "access.yaml"


def new_broker(data_dir: Path, access: Path | None = None) -> KafkaBroker:
    """A broker on 127.0.0.1 and free ports, not started; a restart keeps its ports and data. With `access`
    (``ACCESS_FILE``) it is closed: SASL/SCRAM users and ACLs."""
    port = free_port()
    controller_port = free_port()
    while controller_port == port:
        controller_port = free_port()
    config = BrokerConfig(data_dir, port=port, controller_port=controller_port, access=access)
    return KafkaBroker(config, ensure_jars(PROJECT_ROOT))


@contextmanager
def running_broker(
    data_dir: Path, timeout_s: float = 180.0, quiet: bool = False, access: Path | None = None
) -> Iterator[KafkaBroker]:
    """A started broker (``new_broker``), stopped on exit and by atexit if the process is interrupted.
    The timeout is generous: a busy 2-core machine can take 40 s to start one."""
    broker = new_broker(data_dir, access)
    atexit.register(broker.stop)
    try:
        seconds = broker.start(timeout_s=timeout_s)
        if not quiet:
            print(
                f"\nKafka broker at {broker.bootstrap} accepted clients after {seconds:.1f} s; log: {broker.log_path}"
            )
        yield broker
    finally:
        broker.stop()
        atexit.unregister(broker.stop)


def broker_fixture(folder: str, purpose: str) -> Any:
    """A session-scoped pytest fixture giving a started broker of its own to one folder of tests (its data under
    pytest's temporary folder `folder`); a broker that cannot start fails the tests with the reason."""
    import pytest  # only where tests run: the kit ships without it

    @pytest.fixture(scope="session")
    def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
        try:
            with running_broker(tmp_path_factory.mktemp(folder)) as started:
                yield started
        except BrokerError as exc:
            pytest.fail(f"no Kafka broker {purpose}: {exc}", pytrace=False)

    return broker


@contextmanager
def bench_broker(data_dir: Path) -> Iterator[str]:
    """The bootstrap of the broker `make bench` shares (``EBRAIN_BENCH_BROKER``), or of one of our own."""
    shared = os.environ.get(SHARED_BROKER_ENV)
    if shared:
        yield shared
        return
    with running_broker(data_dir) as broker:
        yield broker.bootstrap


def create_topics(
    bootstrap: str,
    partitions: Mapping[str, int],
    configs: Mapping[str, str] | None = None,
    credentials: KafkaCredentials | None = None,
) -> None:
    """Create topics with the given partition counts (the broker's default replication) and wait until each has a
    leader."""
    options = kafka_python_options(credentials)
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="ebrain-kafka-kit-admin", **options)
    try:
        configs = dict(configs or {})
        # -1: the broker's default replication (1 on one broker, 3 on a cluster)
        new = [NewTopic(name, count, -1, topic_configs=configs) for name, count in partitions.items()]
        admin.create_topics(new, wait_for_metadata=True)
    finally:
        admin.close()


@dataclass
class Worker:
    name: str
    proc: subprocess.Popen[bytes]
    log: Path

    def alive(self) -> bool:
        return self.proc.poll() is None

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else "(no log)"

    def kill9(self) -> None:
        """SIGKILL: no shutdown, no flush, no transaction abort; the process is simply gone."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self, grace_s: float = 15.0) -> None:
        stop_process(self.proc, grace_s)


def stop_process(proc: subprocess.Popen[bytes], grace_s: float = 15.0) -> None:
    """SIGTERM, and SIGKILL when the process has not ended `grace_s` later (nothing when it has ended already)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def start_worker(
    bootstrap: str,
    prefix: str,
    folder: Path,
    name: str = "worker",
    options: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    credentials_file: Path | None = None,
) -> Worker:
    """`ebrain worker` as its own process with its own state folder and log; same group for the same prefix;
    `options`: more of the command's options (e.g. ``["--idle-after", "2"]``); `env`: more of faust's settings.
    On a closed broker `credentials_file` is the worker principal's (passed in the environment, as a deployment
    would)."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / f"{name}.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **FAST_FAILOVER, "BROKER_CLIENT_ID": f"ebrain-{name}", **(env or {})}
    if credentials_file is not None:
        env["EBRAIN_KAFKA_CREDENTIALS"] = str(credentials_file)
    command = [sys.executable, "-m", "ebrain.cli", "worker", "--broker", bootstrap]
    command += ["--data-dir", str(folder / name), "--topic-prefix", prefix, *options]
    with log.open("ab") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT, env=env)
    return Worker(name, proc, log)


class Workers:
    """The workers of one test, as processes in one group; every one is stopped on exit, whatever happened."""

    def __init__(self, bootstrap: str, prefix: str, folder: Path) -> None:
        self.bootstrap, self.prefix, self.folder = bootstrap, prefix, folder
        self.started: list[Worker] = []

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self.started:
            worker.stop()

    def start(self, name: str) -> Worker:
        worker = start_worker(self.bootstrap, self.prefix, self.folder, name)
        self.started.append(worker)
        return worker

    async def kill9_and_restart(self, worker: Worker, expected: int, when: str) -> Worker:
        """`kill -9` a worker that must still be alive, say how much of the feed was committed, start another."""
        assert worker.alive(), f"the worker died on its own:\n{worker.tail()}"
        worker.kill9()
        during = len(await read_feed(self.bootstrap, self.prefix, 0, timeout_s=5, settle_s=1.0))
        print(f"\nkilled -9 ({when}) with {during} of {expected} deltas committed")
        return self.start("restarted")


class ApiInstance:
    """`ebrain api --broker` as its own process on a free port, with the demo tokens; `token` is a demo token
    (dashboard_api/data/demo_tokens.yaml), the joint centre's by default."""

    def __init__(self, bootstrap: str, prefix: str, folder: Path, name: str) -> None:
        self.port = free_port()
        self.log = folder / f"{name}.log"
        self.base = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "ebrain.cli", "api", "--broker", bootstrap, "--topic-prefix", prefix]
        command.append("--demo-tokens")
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [*command, "--port", str(self.port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=PROJECT_ROOT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log.exists() else "(no log)"

    def seq(self) -> int | None:
        import httpx  # only where tests run: the kit ships without it

        try:
            return int(httpx.get(f"{self.base}/api/health", timeout=5).json()["seq"])
        except httpx.HTTPError:
            return None

    def wait_for_seq(self, wanted: int, timeout_s: float = 90.0) -> None:
        deadline = time.monotonic() + timeout_s
        seq = None
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"the API instance exited:\n{self.tail()}"
            seq = self.seq()
            if seq is not None and seq >= wanted:
                return
            time.sleep(0.5)
        raise AssertionError(f"API instance at seq {seq}, not {wanted}, after {timeout_s:.0f} s:\n{self.tail()}")

    def get(self, path: str, token: str = DEMO_JOINT_TOKEN) -> httpx.Response:
        import httpx

        return httpx.get(self.base + path, headers={"Authorization": f"Bearer {token}"}, timeout=30)

    def feed(self, token: str = DEMO_JOINT_TOKEN, query: str = "") -> ClientConnection:
        return connect(f"ws://127.0.0.1:{self.port}/ws/feed?token={token}{query}", max_size=None)

    def stop(self) -> None:
        stop_process(self.proc)


def assert_alive(worker: Worker, what: str) -> None:
    assert worker.alive(), f"{what} died:\n{worker.tail()}"


def as_wire(deltas: Sequence[Any]) -> list[dict[str, Any]]:
    """Deltas as the feed topic carries them (through JSON), so embedded and Kafka runs compare equal."""
    return [msgspec.json.decode(msgspec.json.encode(delta_to_builtins(d))) for d in deltas]


def embedded_deltas(core: Core, scenario: Scenario) -> list[dict[str, Any]]:
    """The undisturbed run: the same scenario on the embedded runtime."""
    return as_wire(asyncio.run(replay_embedded(scenario, embedded_runtime(core))).deltas)


def split_at(scenario: Scenario, before_ms: int) -> tuple[list[Step], list[Step]]:
    """The replay's exact messages, cut before the first step at or after `before_ms` (event time)."""
    steps = list(plan(scenario))
    cut = next((i for i, s in enumerate(steps) if s.at_ms >= before_ms), len(steps))
    return steps[:cut], steps[cut:]


class Ingress:
    """A long-lived producer of scenario steps (it survives broker restarts: that is part of what is tested)."""

    def __init__(self, bootstrap: str, prefix: str, credentials: KafkaCredentials | None = None) -> None:
        self.kafka = KafkaIngress(bootstrap, prefix, credentials)

    async def __aenter__(self) -> Ingress:
        await self.kafka.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.kafka.stop()

    async def send(self, steps: Sequence[Step], times: int = 1) -> None:
        """Each step `times` times in a row, then flush: times=2 is a producer that delivered a batch twice."""
        for step in steps:
            for _ in range(times):
                if step.entry is None:
                    await self.kafka.produce_tick(step.at_ms)
                else:
                    await self.kafka.produce(step.entry.topic, step.entry.key, step.entry.value)
        await self.kafka.flush()


class Reading(TypedDict, total=False):
    """How a topic is read back: `timeout_s` in all (240), `settle_s` of quiet after the expected count (6), and
    the client's credentials on a closed broker."""

    timeout_s: float
    settle_s: float
    credentials: KafkaCredentials | None


async def read_feed(bootstrap: str, prefix: str, expected: int, **reading: Unpack[Reading]) -> list[dict[str, Any]]:
    """Committed deltas from the start of the feed until `expected` arrived and nothing more came for
    `settle_s` (so an extra, duplicated delta is seen), or until the timeout."""
    return await read_topic(bootstrap, topics.physical(topics.FEED, prefix), expected, **reading)


async def read_topic(bootstrap: str, name: str, expected: int, **reading: Unpack[Reading]) -> list[dict[str, Any]]:
    """Committed JSON records of one topic from its start (see `read_feed`)."""
    return [msgspec.json.decode(value) for _, value in await read_records(bootstrap, name, expected, **reading)]


async def read_records(
    bootstrap: str,
    name: str,
    expected: int,
    timeout_s: float = 240.0,
    settle_s: float = 6.0,
    credentials: KafkaCredentials | None = None,
) -> list[tuple[bytes, bytes]]:
    """Committed records of one topic from its start, as (key, value) bytes (b"" for none), until `expected`
    arrived and nothing more came for `settle_s`, or until the timeout."""
    consumer = committed_from_start(name, bootstrap, credentials)
    await consumer.start()
    seen: list[tuple[bytes, bytes]] = []
    try:
        deadline = time.monotonic() + timeout_s
        last = time.monotonic()
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500, max_records=1000)
            for records in batch.values():
                seen.extend((r.key or b"", r.value or b"") for r in records)
                last = time.monotonic()
            if len(seen) >= expected and time.monotonic() - last > settle_s:
                break
    finally:
        await consumer.stop()
    return seen


async def read_to_end(
    bootstrap: str, topic: str, partitions: int, isolation: str = "read_committed", timeout_s: float = 60.0
) -> tuple[list[ConsumerRecord[bytes, bytes]], dict[int, int]]:
    """Every record of the topic's partitions from the first offset to the end offsets taken before reading, and
    those end offsets by partition: for a topic nobody writes to any more (a table's changelog, a produced batch).
    Under read_committed the position passes the last commit marker too, so it reaches the end; raises
    TimeoutError naming the topic when it does not within `timeout_s`."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, isolation_level=isolation
    )
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        records: list[ConsumerRecord[bytes, bytes]] = []
        deadline = time.monotonic() + timeout_s
        while [await consumer.position(tp) for tp in parts] != [ends[tp] for tp in parts]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topic}: the end was not reached within {timeout_s:.0f} s")
            for batch in (await consumer.getmany(*parts, timeout_ms=500)).values():
                records.extend(batch)
        return records, {tp.partition: end for tp, end in ends.items()}
    finally:
        await consumer.stop()


async def source_counts(
    bootstrap: str, prefix: str, credentials: KafkaCredentials | None = None
) -> dict[str, dict[str, int]]:
    """The newest counts the workers published for each source partition ("ingest.sensor/2": {"received", ...}),
    from the compacted `ingest.counts` topic (saved at every tick and with the partition's state)."""
    consumer = committed_from_start(topics.physical(topics.INGEST_COUNTS, prefix), bootstrap, credentials)
    sources = set(topics.tick_sources())
    await consumer.start()
    latest: dict[str, dict[str, int]] = {}
    try:
        while batch := await consumer.getmany(timeout_ms=2000):
            for records in batch.values():
                for record in records:
                    source = (record.key or b"").decode()
                    if source in sources and record.value:
                        latest[source] = dict(msgspec.json.decode(record.value))
    finally:
        await consumer.stop()
    return latest


async def wait_for_deltas(
    bootstrap: str,
    prefix: str,
    count: int,
    workers: Sequence[Worker],
    timeout_s: float = 180.0,
    credentials: KafkaCredentials | None = None,
) -> int:
    """Block until the feed holds at least `count` committed deltas (the worker is mid-stream)."""
    got = await read_feed(bootstrap, prefix, count, timeout_s=timeout_s, settle_s=0.0, credentials=credentials)
    if len(got) < count:
        logs = "\n".join(f"--- {w.name} ({'alive' if w.alive() else 'dead'}):\n{w.tail(1500)}" for w in workers)
        raise AssertionError(f"only {len(got)} of {count} deltas on the feed after {timeout_s:.0f} s\n{logs}")
    return len(got)


def final_state(deltas: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Incidents and tasks as a command centre ends up seeing them."""
    incidents: dict[str, Any] = {}
    tasks: dict[str, Any] = {}
    for d in deltas:
        if d["kind"] == "incident":
            incidents[d["key"]] = d["data"]
        elif d["kind"] == "task":
            tasks[d["key"]] = d["data"]
    return incidents, tasks


def dispatches(deltas: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """(task id, responder) for every task delta that sends a unit: a task dispatched twice shows twice."""
    out = []
    for d in deltas:
        if d["kind"] == "task" and d["data"].get("status") == "dispatched":
            out.append((d["key"], str(d["data"].get("responder_id"))))
    return out


def assert_same_outcome(got: Sequence[dict[str, Any]], expected: Sequence[dict[str, Any]]) -> None:
    """No incident lost, no task dispatched twice, and in fact every delta equal to the undisturbed run's."""
    got_incidents, got_tasks = final_state(got)
    want_incidents, want_tasks = final_state(expected)
    assert sorted(got_incidents) == sorted(want_incidents), (
        f"incidents {sorted(got_incidents)} != {sorted(want_incidents)}"
    )
    twice = [k for k, n in Counter(dispatches(got)).items() if n > Counter(dispatches(expected))[k]]
    assert not twice, f"dispatched more often than in the undisturbed run: {twice}"
    assert sorted(got_tasks) == sorted(want_tasks), f"tasks {sorted(got_tasks)} != {sorted(want_tasks)}"
    problem = difference(got, expected)
    assert problem is None, problem


def difference(got: Sequence[dict[str, Any]], expected: Sequence[dict[str, Any]]) -> str | None:
    """None when equal, else where the two delta sequences first part, for the failure message."""
    if list(got) == list(expected):
        return None
    first = next(
        (i for i, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b), min(len(got), len(expected))
    )

    def show(seq: Sequence[dict[str, Any]]) -> str:
        return json.dumps(seq[first], ensure_ascii=False)[:500] if first < len(seq) else "(none)"

    fields = ""
    if first < min(len(got), len(expected)):
        a, b = got[first].get("data"), expected[first].get("data")
        if isinstance(a, dict) and isinstance(b, dict):
            differ = {k: (a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}
            fields = "\n  fields that differ (kafka, embedded): " + json.dumps(differ, ensure_ascii=False)[:1500]
    return (
        f"Kafka gave {len(got)} deltas, the undisturbed embedded run {len(expected)}; first difference at index "
        f"{first}:\n  kafka:    {show(got)}\n  embedded: {show(expected)}{fields}"
    )


def assignment(bootstrap: str, prefix: str) -> tuple[str, dict[str, set[tuple[str, int]]]]:
    """The pipeline's consumer group: its state, and each member's (client id) assigned source partitions."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="fault-tests-admin")
    try:
        group = admin.describe_groups([topics.pipeline_id(prefix)])[topics.pipeline_id(prefix)]
    finally:
        admin.close()
    members: dict[str, set[tuple[str, int]]] = {}
    for member in group.get("members") or []:
        owned = members.setdefault(member["client_id"], set())
        for entry in (member.get("member_assignment") or {}).get("assigned_partitions", []):
            if entry["topic"].startswith(prefix):  # source topics, not changelogs or faust's own
                owned.update((entry["topic"][len(prefix) :], p) for p in entry["partitions"])
    return str(group.get("group_state")), members


async def wait_for_group(bootstrap: str, prefix: str, members: int, timeout_s: float = 180.0) -> dict[str, Any]:
    """Until the group is stable with `members` members that between them own every source partition."""
    wanted = {(spec.name, p) for spec in topics.SOURCES for p in range(spec.partitions)} | {("signals", 0)}
    deadline = time.monotonic() + timeout_s
    state, owned = "", dict[str, set[tuple[str, int]]]()
    while time.monotonic() < deadline:
        try:
            state, owned = await asyncio.to_thread(assignment, bootstrap, prefix)
        except KafkaError as exc:  # no coordinator for the group yet, or the broker is still electing one
            state, owned = repr(exc), {}
        if state == "Stable" and len(owned) == members and set().union(*owned.values()) >= wanted:
            return owned
        await asyncio.sleep(1.0)
    raise AssertionError(
        f"group {topics.pipeline_id(prefix)} not stable with {members} members in {timeout_s:.0f} s: {state} {owned}"
    )
