"""Kafka edges outside the worker: producing inputs (with ticks to every source partition) and reading the feed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import msgspec
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from streams.runtime.kafka_auth import KafkaCredentials, aiokafka_options
from streams.wire import topics
from streams.wire.timefmt import format_time_ms


def tick_message(at_ms: int) -> bytes:
    return b'{"type":"tick","schema_version":"1.0","at":"%s"}' % format_time_ms(at_ms).encode()


class KafkaIngress:
    """Produces contract messages to the source topics; a tick goes to every partition of every source topic."""

    def __init__(self, bootstrap: str, prefix: str = "", credentials: KafkaCredentials | None = None) -> None:
        self.prefix = prefix
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap,
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            client_id="ebrain-ingress",
            **aiokafka_options(credentials),
        )

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def produce(self, topic: str, key: str, value: bytes) -> None:
        spec = topics.source(topic)
        # explicit partition: the same murmur2 placement as the embedded runtime, whatever the client's default
        partition = topics.partition_for(key, spec.partitions)
        await self._producer.send(
            topics.physical(spec, self.prefix), value=value, key=key.encode(), partition=partition
        )

    async def produce_tick(self, at_ms: int) -> None:
        value = tick_message(at_ms)
        for spec in topics.SOURCES:
            for partition in range(spec.partitions):
                name = topics.physical(spec, self.prefix)
                await self._producer.send(name, value=value, key=b"tick", partition=partition)

    async def flush(self) -> None:
        await self._producer.flush()


def committed_from_start(topic: str, bootstrap: str, credentials: KafkaCredentials | None = None) -> AIOKafkaConsumer:
    """A reader of a topic's committed records from its first offset, in no consumer group: nothing is committed,
    and every reader sees everything (the feed, a test's or benchmark's look at a topic). Start it before use."""
    return AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        isolation_level="read_committed",
        **aiokafka_options(credentials),
    )


async def read_feed(
    bootstrap: str,
    idle_s: float = 5.0,
    timeout_s: float = 300.0,
    prefix: str = "",
    credentials: KafkaCredentials | None = None,
) -> AsyncIterator[dict[str, Any]]:
    """Every delta on the feed topic from the beginning, until nothing new arrives for `idle_s` seconds after the
    first one (a worker may take a while to join its group), or `timeout_s` in all."""
    consumer = committed_from_start(topics.physical(topics.FEED, prefix), bootstrap, credentials)
    await consumer.start()
    try:
        deadline = time.monotonic() + timeout_s
        last = time.monotonic()
        started = False
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500, max_records=1000)
            got = False
            for records in batch.values():
                for record in records:
                    got = True
                    yield msgspec.json.decode(record.value)
            if got:
                last = time.monotonic()
                started = True
            elif started and time.monotonic() - last > idle_s:
                return  # quiet for idle_s after output began: the run is over
            await asyncio.sleep(0)
    finally:
        await consumer.stop()
