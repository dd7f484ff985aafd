"""Smoke tests of the clients the project uses against the real broker: kafka-python, aiokafka, Faust."""

from __future__ import annotations

import asyncio
import atexit
import collections
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from kafka import KafkaProducer
from kafka import TopicPartition as SyncTopicPartition
from kafka.admin import KafkaAdminClient
from kafka.record import util as record_util

from ebrain.broker import KafkaBroker, die_with_parent
from ebrain.kafka_kit import read_to_end

pytestmark = pytest.mark.kafka

APP_FILE = Path(__file__).with_name("faust_counter_app.py")
SETTINGS_ENV = "FAUST_COUNTER_SETTINGS"  # read by faust_counter_app.CounterSettings.from_env
CreateTopics = Callable[[Mapping[str, int]], None]
Names = Callable[[str], str]
WAIT_S = 60.0


async def wait_for(what: str, condition: Callable[[], bool], poll: Callable[[], Awaitable[Any]]) -> None:
    """Call ``poll`` until ``condition()`` holds; fail naming ``what`` after WAIT_S."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {WAIT_S:.0f} s waiting for {what}")
        await poll()


# --- 1. kafka-python → aiokafka -------------------------------------------------------------------


async def test_kafka_python_produces_and_aiokafka_consumes_every_message(
    kafka_broker: KafkaBroker, make_topics: CreateTopics, unique_name: Names
) -> None:
    total, partitions = 10_000, 3
    topic = unique_name("smoke-bulk")
    make_topics({topic: partitions})
    assert record_util.crc32c_c is not None, "kafka-python runs without its crc32c extra (pure-Python CRC)"

    began = time.monotonic()
    producer = KafkaProducer(bootstrap_servers=kafka_broker.bootstrap, acks="all", linger_ms=5)
    try:
        sent = [producer.send(topic, key=b"%d" % (i % 97), value=b"%05d" % i) for i in range(total)]
        producer.flush(timeout=60)
        for future in sent:
            future.get(timeout=30)  # raises if the broker refused any record
    finally:
        producer.close()
    produced_s = time.monotonic() - began

    began = time.monotonic()
    records, ends = await read_to_end(kafka_broker.bootstrap, topic, partitions)
    assert sum(ends.values()) == total, f"the broker holds {sum(ends.values())} records, not {total}"
    received = [r.value for r in records if r.value is not None]
    consumed_s = time.monotonic() - began

    counted = collections.Counter(received)
    assert len(counted) == total, f"{total - len(counted)} of {total} messages lost"
    assert max(counted.values()) == 1, "some messages arrived twice"
    assert set(counted) == {b"%05d" % i for i in range(total)}
    print(
        f"\n{total} messages: kafka-python produced them in {produced_s:.2f} s, "
        f"aiokafka consumed them in {consumed_s:.2f} s"
    )


# --- 2. Faust table recovered from its changelog ------------------------------------------------------


class FaustWorker:
    """``faust_counter_app.py worker`` as a child process, stopped with SIGTERM then SIGKILL."""

    def __init__(self, settings: dict[str, Any], log_path: Path) -> None:
        self.snapshot_path = Path(settings["snapshot"])
        self.log_path = log_path
        cmd = [sys.executable, str(APP_FILE), "worker", "--without-web", "--loglevel", "info"]
        env = {**os.environ, SETTINGS_ENV: json.dumps(settings)}
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
                preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
            )

    def stop(self, grace_s: float = 15) -> str:
        """Stop the worker; returns how ("SIGTERM" or "SIGKILL")."""
        if self.process.poll() is not None:
            return f"already exited with {self.process.returncode}"
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=grace_s)
            return "SIGTERM"
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
            return "SIGKILL"

    def snapshot(self) -> dict[str, Any] | None:
        path = self.snapshot_path
        return json.loads(path.read_text()) if path.is_file() else None

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


@pytest.fixture
def faust_workers() -> Iterator[list[FaustWorker]]:
    """Every worker a test starts is stopped at teardown, whatever happened."""
    workers: list[FaustWorker] = []

    def stop_all() -> None:
        for worker in workers:
            worker.stop()

    atexit.register(stop_all)  # also when the run is interrupted before teardown
    try:
        yield workers
    finally:
        stop_all()
        atexit.unregister(stop_all)


async def wait_for_table(worker: FaustWorker, expected: dict[str, int], settle_s: float = WAIT_S) -> dict[str, Any]:
    """The worker's table once it equals ``expected`` after recovery, or once it stopped changing for
    ``settle_s`` after recovery, or at WAIT_S: whatever it holds then."""
    deadline = time.monotonic() + WAIT_S
    last: dict[str, Any] = {"recovered": False, "counts": None}
    changed_at = time.monotonic()
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            pytest.fail(f"the Faust worker exited with {worker.process.returncode}:\n{worker.log_tail()}")
        now = worker.snapshot() or last
        if now != last:
            last, changed_at = now, time.monotonic()
        if last["recovered"] and (last["counts"] == expected or time.monotonic() - changed_at > settle_s):
            break
        await asyncio.sleep(0.2)
    return last


async def changelog_values(bootstrap: str, topic: str, partitions: int, isolation: str) -> dict[str, int]:
    """The last value per key in a Faust table's changelog, as a recovering worker should see it."""
    records, _ = await read_to_end(bootstrap, topic, partitions, isolation)
    return {json.loads(r.key): json.loads(r.value) for r in records if r.key and r.value}


def table_diff(expected: dict[str, int], got: dict[str, int]) -> dict[str, tuple[int | None, int | None]]:
    return {k: (expected.get(k), got.get(k)) for k in sorted(set(expected) | set(got)) if expected.get(k) != got.get(k)}


def produce_keys(bootstrap: str, topic: str, keys: list[str]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    try:
        for future in [producer.send(topic, key=key.encode(), value=b"1") for key in keys]:
            future.get(timeout=30)
    finally:
        producer.close()


async def source_offsets(bootstrap: str, group: str, topic: str, partitions: int) -> tuple[dict, dict]:
    """(committed offsets of ``group``, end offsets) per partition of ``topic``."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        ends = await consumer.end_offsets(tps)
        committed = {tp.partition: await consumer.committed(tp) for tp in tps}
        return committed, {tp.partition: offset for tp, offset in ends.items()}
    finally:
        await consumer.stop()


def delete_records(bootstrap: str, topic: str, before: dict[int, int]) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="integration-tests-admin")
    try:
        admin.delete_records({SyncTopicPartition(topic, p): offset for p, offset in before.items()})
    finally:
        admin.close()


def shuffled_keys(counts: dict[str, int], seed: int) -> list[str]:
    keys = [key for key, n in counts.items() for _ in range(n)]
    random.Random(seed).shuffle(keys)
    return keys


# exactly_once is what stateful production stages use; at_least_once is Faust's default.
@pytest.mark.parametrize("guarantee", ["at_least_once", "exactly_once"])
async def test_faust_table_is_recovered_from_its_changelog_after_a_restart(
    guarantee: str,
    kafka_broker: KafkaBroker,
    make_topics: CreateTopics,
    unique_name: Names,
    faust_workers: list[FaustWorker],
    tmp_path: Path,
) -> None:
    partitions = 4
    snapshot = tmp_path / "table.json"
    app_id, source = unique_name("smoke-counter"), unique_name("smoke-counted")
    settings: dict[str, Any] = {
        "app_id": app_id,
        "bootstrap": kafka_broker.bootstrap,
        "source_topic": source,
        "partitions": partitions,
        "snapshot": str(snapshot),
        "datadir": str(tmp_path / "faust-data"),
        "processing_guarantee": guarantee,
        # Commit every 0.1 s instead of 2.8 s so that commits also happen while table writes are still
        # queued: the case in which exactly-once loses writes unless they are flushed first.
        "commit_interval_s": 0.1,
    }
    # Faust creates its changelog topic, not its source topic.
    make_topics({source: partitions})
    before = {f"k{i:02d}": 10 * (i + 1) for i in range(16)}
    after = {f"k{i:02d}": 7 * (i % 5) + 1 for i in range(8, 24)}
    produce_keys(kafka_broker.bootstrap, source, shuffled_keys(before, seed=1))

    began = time.monotonic()
    first = FaustWorker(settings, tmp_path / "worker-1.log")
    faust_workers.append(first)
    first_table = await wait_for_table(first, before)
    assert first_table["counts"] == before, f"first run (expected, got): {table_diff(before, first_table['counts'])}"
    counted_s = time.monotonic() - began
    how_first = first.stop()
    snapshot.unlink()
    committed, ends = await source_offsets(kafka_broker.bootstrap, app_id, source, partitions)
    assert committed == ends, "the stopped worker did not commit all it had counted"
    # With the source records gone, the restarted worker can only get its counts from the changelog.
    delete_records(kafka_broker.bootstrap, source, ends)

    began = time.monotonic()
    second = FaustWorker(settings, tmp_path / "worker-2.log")
    faust_workers.append(second)
    # Nothing new is produced yet: the table must come back from the changelog exactly, no more, no less.
    recovered = await wait_for_table(second, before, settle_s=5)
    if recovered["counts"] != before:
        changelog = f"{app_id}-counts-changelog"
        in_changelog = await changelog_values(kafka_broker.bootstrap, changelog, partitions, "read_committed")
        pytest.fail(
            f"recovered table (expected, got): {table_diff(before, recovered['counts'] or {})}; "
            f"committed changelog (expected, holds): {table_diff(before, in_changelog)}\n{second.log_tail()}"
        )
    recovered_s = time.monotonic() - began
    produce_keys(kafka_broker.bootstrap, source, shuffled_keys(after, seed=2))
    both = dict(collections.Counter(before) + collections.Counter(after))
    final = await wait_for_table(second, both)
    assert final["counts"] == both, f"after recovery (expected, got): {table_diff(both, final['counts'])}"
    how_second = second.stop()
    print(
        f"\nFaust ({guarantee}): counted {sum(before.values())} messages in {counted_s:.1f} s (from process start), "
        f"recovered the table in {recovered_s:.1f} s; workers stopped by {how_first}, {how_second}"
    )


# --- 3. a consumer group hands partitions over -------------------------------------------------------


async def test_group_members_split_partitions_and_a_leaver_hands_them_over(
    kafka_broker: KafkaBroker, make_topics: CreateTopics, unique_name: Names
) -> None:
    partitions = 4
    topic, group = unique_name("smoke-group"), unique_name("smoke-group")
    make_topics({topic: partitions})
    every_tp = {TopicPartition(topic, p) for p in range(partitions)}

    def member(name: str) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            topic,
            bootstrap_servers=kafka_broker.bootstrap,
            group_id=group,
            client_id=name,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            heartbeat_interval_ms=300,
        )

    got: dict[str, list[tuple[int, bytes]]] = {"a": [], "b": []}

    async def poll(name: str, consumer: AIOKafkaConsumer) -> None:
        for tp, records in (await consumer.getmany(timeout_ms=200)).items():
            got[name].extend((tp.partition, r.value) for r in records if r.value is not None)

    async def produce(batch: str, per_partition: int) -> set[tuple[int, bytes]]:
        producer = AIOKafkaProducer(bootstrap_servers=kafka_broker.bootstrap, acks="all")
        await producer.start()
        try:
            sent = set()
            for p in range(partitions):
                for i in range(per_partition):
                    value = f"{batch}-{p}-{i}".encode()
                    await producer.send(topic, value=value, partition=p)
                    sent.add((p, value))
            await producer.flush()
        finally:
            await producer.stop()
        return sent

    a, b = member("a"), member("b")
    await a.start()
    try:
        await b.start()
        try:

            async def poll_both() -> None:
                await asyncio.gather(poll("a", a), poll("b", b))

            def split() -> bool:
                mine, theirs = a.assignment(), b.assignment()
                return bool(mine) and bool(theirs) and not (mine & theirs) and (mine | theirs) == every_tp

            await wait_for("both members to share the partitions", split, poll_both)
            owned = {
                "a": {tp.partition for tp in a.assignment()},
                "b": {tp.partition for tp in b.assignment()},
            }
            first = await produce("first", per_partition=25)
            await wait_for("the first batch", lambda: len(got["a"]) + len(got["b"]) >= len(first), poll_both)
            for name in ("a", "b"):
                assert {p for p, _ in got[name]} == owned[name], f"member {name} read partitions it does not own"
            assert collections.Counter(got["a"] + got["b"]) == collections.Counter(first)
            await a.commit()
            await b.commit()
        finally:
            await b.stop()  # leaves the group

        await wait_for(
            "member a to take over every partition", lambda: a.assignment() == every_tp, lambda: poll("a", a)
        )
        got["a"].clear()
        second = await produce("second", per_partition=25)
        await wait_for("the second batch", lambda: len(got["a"]) >= len(second), lambda: poll("a", a))
        await asyncio.sleep(0.5)
        await poll("a", a)
        # Every message produced after the leave reaches the remaining member, once; nothing committed
        # before the leave is read again.
        assert collections.Counter(got["a"]) == collections.Counter(second)
    finally:
        await a.stop()
