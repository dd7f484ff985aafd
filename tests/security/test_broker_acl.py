"""A closed broker (broker/access.yaml): SASL/SCRAM users and ACLs. The pipeline runs with its principals; an
agency writes its own input topic and nothing else (no tick or command elsewhere, nothing changes), reads no
hotline data, and a client without credentials, or with a wrong password, is refused. A tick an agency writes to
its own topic (which the ACLs cannot stop) is refused by a live worker given the clock's key: it lands in the dead
letters with the reason and moves nothing, while the clock's signed ticks move the theater."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError, TopicAuthorizationFailedError

from ebrain import kafka_kit as kit
from ebrain.broker import BrokerError, KafkaBroker
from ebrain.compose import Core
from ebrain.kafka_kit import (
    read_feed,
    read_topic,
    source_counts,
    start_worker,
)
from scenarios.model import load_scenario
from streams.runtime.clock import KafkaClock, live_tick
from streams.runtime.faust_app import ensure_topics
from streams.runtime.kafka_auth import KafkaCredentials, aiokafka_options
from streams.runtime.kafka_io import tick_message
from streams.wire import topics
from streams.wire.tick_signature import TickKey
from tests.integration.live_kit import report

pytestmark = pytest.mark.kafka

SCENARIO = kit.PROJECT_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"
DRILL = "drill."  # the trainer's prefix in broker/access.yaml
LIVE = "live-ticks."  # a live pipeline of its own (its ACLs made with KafkaBroker.grant), fed by the clock


@pytest.fixture(scope="module")
def closed_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    try:
        with kit.running_broker(tmp_path_factory.mktemp("kafka-closed"), access=kit.ACCESS_FILE) as broker:
            yield broker  # the ACLs of the live pipeline and of the trainer's drills (DRILL) are made at start
    except BrokerError as exc:
        pytest.fail(f"the closed Kafka broker did not start: {exc}", pytrace=False)


async def _produce(broker: KafkaBroker, who: KafkaCredentials | None, topic: str, value: bytes) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=broker.bootstrap, acks="all", request_timeout_ms=10_000, **aiokafka_options(who)
    )
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=b"k", partition=0)
    finally:
        await producer.stop()


async def _end_offsets(broker: KafkaBroker, names: list[str]) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=broker.bootstrap, group_id=None, **aiokafka_options(broker.credentials("admin"))
    )
    await consumer.start()
    try:
        parts = [TopicPartition(n, p) for n in names for p in consumer.partitions_for_topic(n) or {0}]
        return dict(await consumer.end_offsets(parts))
    finally:
        await consumer.stop()


def test_the_pipeline_runs_closed_and_an_agency_moves_nothing(
    closed_broker: KafkaBroker, core: Core, tmp_path: Path
) -> None:
    broker = closed_broker
    scenario = load_scenario(SCENARIO)
    expected = kit.embedded_deltas(core, scenario)
    steps, _ = kit.split_at(scenario, 2**62)
    worker = kit.start_worker(
        broker.bootstrap, DRILL, tmp_path, credentials_file=broker.credentials_dir / "ebrain-worker.json"
    )
    api = broker.credentials("ebrain-api")
    hotline = broker.credentials("hotline-12345")
    inputs = [topics.physical(spec, DRILL) for spec in topics.SOURCES]

    async def run() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
        async with kit.Ingress(broker.bootstrap, DRILL, broker.credentials("trainer")) as ingress:
            await ingress.send(steps)
        got = await kit.read_feed(broker.bootstrap, DRILL, len(expected), timeout_s=300, credentials=api)
        before = await _end_offsets(broker, inputs)
        # an agency's tick on another input topic, and its command: refused by the broker
        for topic, value in (
            (DRILL + "commands", tick_message(scenario.t0_ms + 10**9)),
            (DRILL + "ingest.sensor", tick_message(scenario.t0_ms + 10**9)),
            (DRILL + "task.status", tick_message(scenario.t0_ms + 10**9)),
            (DRILL + "commands", b'{"type":"command","schema_version":"1.0","action":"close_incident"}'),
        ):
            with pytest.raises(TopicAuthorizationFailedError):
                await _produce(broker, hotline, topic, value)
        assert await _end_offsets(broker, inputs) == before, "a refused write changed an input topic"
        after = await kit.read_feed(broker.bootstrap, DRILL, len(got), timeout_s=30, settle_s=3, credentials=api)
        return got, after

    try:
        got, after = asyncio.run(run())
        assert worker.alive(), f"the worker stopped:\n{worker.tail()}"
    finally:
        worker.stop()
    kit.assert_same_outcome(got, expected)
    assert after == got, "the feed changed after the refused writes"


def test_an_agency_writes_its_own_topic_and_reads_no_hotline_data(closed_broker: KafkaBroker) -> None:
    broker = closed_broker
    admin = broker.credentials("admin")
    kit.create_topics(broker.bootstrap, {"ingest.hotline": 2, "ingest.agency": 1, "commands": 1}, credentials=admin)
    hotline = broker.credentials("hotline-12345")
    water = broker.credentials("bj-water")

    async def run() -> None:
        await _produce(broker, hotline, "ingest.hotline", b'{"type":"work_order"}')
        await _produce(broker, water, "ingest.agency", b'{"type":"warning"}')
        with pytest.raises(TopicAuthorizationFailedError):
            await _produce(broker, water, "ingest.hotline", b'{"type":"work_order"}')
        # only API instances write commands (and the clock its ticks); a worker writes its outputs, not the inputs
        for who, topic in (("ebrain-worker", "commands"), ("ebrain-api", "ingest.agency")):
            with pytest.raises(TopicAuthorizationFailedError):
                await _produce(broker, broker.credentials(who), topic, b'{"type":"command"}')
        for reader in (water, broker.credentials("ebrain-api"), broker.credentials("ebrain-clock")):
            consumer = AIOKafkaConsumer(
                "ingest.hotline",
                bootstrap_servers=broker.bootstrap,
                group_id=None,
                auto_offset_reset="earliest",
                **aiokafka_options(reader),
            )
            try:
                with pytest.raises(TopicAuthorizationFailedError):  # at start (metadata) or at the first fetch
                    await consumer.start()
                    await consumer.getmany(timeout_ms=5000)
            finally:
                await consumer.stop()

    asyncio.run(run())


@pytest.mark.parametrize("who", ["no credentials", "wrong password"])
def test_a_client_without_valid_credentials_is_refused(closed_broker: KafkaBroker, who: str) -> None:
    wrong = KafkaCredentials("hotline-12345", "not-the-password") if who == "wrong password" else None

    async def run() -> None:
        with pytest.raises(KafkaError):
            await asyncio.wait_for(_produce(closed_broker, wrong, "ingest.hotline", b"{}"), 60)

    asyncio.run(run())


def test_an_agencys_tick_on_its_own_topic_is_refused_and_only_the_clock_moves_time(
    closed_broker: KafkaBroker, tmp_path: Path
) -> None:
    broker = closed_broker
    broker.grant(LIVE)
    ensure_topics(broker.bootstrap, LIVE, broker.credentials("admin"))
    key_file = tmp_path / "tick.key"
    with open(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        out.write("the clock's own key, 32 characters and more\n")
    key = TickKey.from_file(key_file)
    worker = start_worker(
        broker.bootstrap,
        LIVE,
        tmp_path,
        options=["--tick-key", str(key_file)],
        credentials_file=broker.credentials_dir / "ebrain-worker.json",
    )
    api, water = broker.credentials("ebrain-api"), broker.credentials("bj-water")
    agency = topics.physical(topics.INGEST_AGENCY, LIVE)
    t1 = time.time_ns() // 1_000_000
    now = [t1]
    clock = KafkaClock(broker.bootstrap, LIVE, credentials=broker.credentials("ebrain-clock"), tick_key=key)
    clock.wall_ms = lambda: now[0]
    hour = 3_600_000

    async def run() -> tuple[list[dict[str, object]], list[dict[str, object]], list[dict[str, object]]]:
        await clock.start()
        try:
            await clock.beat()  # every source partition at t1
            await clock.flush()
            await _produce(broker, water, agency, report(0, t1 + 60_000))  # a minute ahead: waits for the clock
            await _produce(broker, water, agency, live_tick(t1 + hour))  # the agency's own ticks: unsigned,
            await _produce(broker, water, agency, live_tick(t1 + hour, "ingest.agency", 0, TickKey(b"x" * 32)))
            # half an hour ahead: accepted only if one of those ticks had moved the partition's clock
            await _produce(broker, water, agency, report(1, t1 + hour // 2))
            dead = await read_topic(
                broker.bootstrap,
                LIVE + "ingest.dlq",
                3,
                timeout_s=240,
                settle_s=3,
                credentials=broker.credentials("admin"),
            )
            still = await read_feed(broker.bootstrap, LIVE, 0, timeout_s=5, settle_s=3, credentials=api)
            now[0] = t1 + 120_000  # the clock's next tick releases the report
            await clock.beat()
            await clock.flush()
            moved = await read_feed(broker.bootstrap, LIVE, 1, timeout_s=120, settle_s=3, credentials=api)
        finally:
            await clock.stop()
        return dead, still, moved

    try:
        dead, still, moved = asyncio.run(run())
        counts = None
        for _ in range(30):  # the counts are published with the partition's next save
            counts = asyncio.run(source_counts(broker.bootstrap, LIVE, api)).get("ingest.agency/0")
            if counts is not None and counts["ticks"] >= 2:
                break
            time.sleep(1)
        assert worker.alive(), f"the worker stopped:\n{worker.tail()}"
    finally:
        worker.stop()
    reasons = [str(d["reason"]) for d in dead]
    assert reasons[0].startswith("a tick must be signed by the clock: this tick on ingest.agency/0 has no signature")
    assert reasons[1].startswith("a tick must be signed by the clock: the signature does not match a tick at ")
    assert "(the newest tick on ingest.agency/0)" in reasons[2], reasons[2]  # its clock stayed at t1
    offsets = [int(str(d["offset"])) for d in dead]
    assert offsets == list(range(offsets[0], offsets[0] + 3)), offsets  # the two ticks, then the report after them
    assert still == [], "the feed moved without the clock"
    assert any(f"live-railway-0-{t1 + 60_000}" in json.dumps(d, ensure_ascii=False) for d in moved), moved
    assert counts is not None and counts["ticks"] >= 2, counts  # the clock's two beats (a retried send may add one)
    assert {k: v for k, v in counts.items() if k != "ticks"} == {
        "received": 4,
        "accepted": 1,
        "rejected": 3,
        "duplicates": 0,
    }, counts
