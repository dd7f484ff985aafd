"""A closed broker (broker/access.yaml): SASL/SCRAM users and ACLs. The pipeline runs with its principals; an
agency writes its own input topic and nothing else (no tick or command elsewhere, nothing changes), reads no
hotline data, and a client without credentials, or with a wrong password, is refused."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError, TopicAuthorizationFailedError

from ebrain import kafka_kit as kit
from ebrain.broker import BrokerError, KafkaBroker
from ebrain.compose import Core
from scenarios.model import load_scenario
from streams.runtime.kafka_auth import KafkaCredentials, aiokafka_options
from streams.runtime.kafka_io import tick_message
from streams.wire import topics

pytestmark = pytest.mark.kafka

SCENARIO = kit.PROJECT_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"
DRILL = "drill."  # the trainer's prefix in broker/access.yaml


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
