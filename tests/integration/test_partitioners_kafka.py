"""On real Kafka: two producers send the same events, one with the default partitioner (murmur2 of the key, as
aiokafka, kafka-python and the Java client do) and one with librdkafka's default (CRC32 of the key, kcat's
`consistent_random`). Each event is accepted once; every copy on another partition than its key's is in the
dead letters with the reason that says which partition and how to produce."""

from __future__ import annotations

import asyncio
import base64
import uuid
import zlib
from pathlib import Path

import msgspec
import pytest
from aiokafka import AIOKafkaProducer

from ebrain.broker import KafkaBroker
from ebrain.kafka_kit import start_worker
from streams.runtime.faust_app import ensure_topics
from streams.runtime.kafka_io import KafkaIngress
from streams.wire import topics
from tests.integration.ingest_kafka_kit import MIN, T0, encode, reading, reconciled

pytestmark = pytest.mark.kafka

PARTITIONS = topics.INGEST_SENSOR.partitions
DEVICES = range(12)


def crc32_partitioner(key: bytes, all_partitions: list[int], available: list[int]) -> int:
    """librdkafka's consistent_random for a keyed record (kcat, confluent-kafka without -X partitioner)."""
    return all_partitions[zlib.crc32(key) % len(all_partitions)]


def key(device: int) -> str:
    return f"LL-131082-GAS-{device:06d}"


async def produce_twice(bootstrap: str, prefix: str) -> None:
    name = topics.physical(topics.INGEST_SENSOR, prefix)
    for partitioner in (None, crc32_partitioner):
        extra = {} if partitioner is None else {"partitioner": partitioner}
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", **extra)
        await producer.start()
        try:
            for d in DEVICES:
                await producer.send_and_wait(name, encode(reading(d, d, 0)), key=key(d).encode())
        finally:
            await producer.stop()
    ingress = KafkaIngress(bootstrap, prefix=prefix)
    await ingress.start()
    try:
        await ingress.produce_tick(T0 + MIN)  # every partition saves its counts at a tick
        await ingress.flush()
    finally:
        await ingress.stop()


def test_the_same_events_from_two_partitioners_are_accepted_once(kafka_broker: KafkaBroker, tmp_path: Path) -> None:
    bootstrap = kafka_broker.bootstrap
    prefix = f"parts-{uuid.uuid4().hex[:6]}-"
    moved = [d for d in DEVICES if zlib.crc32(key(d).encode()) % PARTITIONS != topics.partition_for(key(d), PARTITIONS)]
    assert moved, "the two partitioners must disagree on some keys for this test to mean anything"
    ensure_topics(bootstrap, prefix)
    worker = start_worker(bootstrap, prefix, tmp_path)
    try:
        asyncio.run(produce_twice(bootstrap, prefix))
        expected = {
            "received": 2 * len(DEVICES),
            "accepted": len(DEVICES),
            "rejected": len(DEVICES),
            "duplicates": len(DEVICES) - len(moved),
            "ticks": PARTITIONS,
        }
        decoded = reconciled(bootstrap, prefix, worker, expected)
    finally:
        worker.stop(grace_s=20.0)
    misplaced = [d for d in decoded if "partition: device_id=" in d["reason"]]
    assert len(misplaced) == len(moved)
    for letter in misplaced:
        device = msgspec.json.decode(base64.b64decode(letter["raw_base64"]))["device_id"]
        home = topics.partition_for(device, PARTITIONS)
        assert letter["partition"] == zlib.crc32(device.encode()) % PARTITIONS != home
        assert f"belongs on partition {home} of ingest.sensor" in letter["reason"]
        assert "-X partitioner=murmur2_random" in letter["reason"]
