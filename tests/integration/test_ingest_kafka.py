"""On real Kafka: good, bad and duplicate input; the counts reconcile exactly and the DLQ holds every bad one.

A worker (exactly-once) runs on its own topic prefix. After the first batch it is stopped and started again:
the remembered event ids and the counts come back from its tables, so a duplicate sent after the restart is
still recognised and the counts continue.
"""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from pathlib import Path

import msgspec
import pytest

from ebrain.broker import KafkaBroker
from ebrain.kafka_kit import start_worker
from streams.runtime.faust_app import ensure_topics
from streams.runtime.kafka_io import KafkaIngress
from streams.wire import topics
from tests.integration.ingest_kafka_kit import (
    MIN,
    T0,
    changelog_of,
    encode,
    latest_counts,
    read_topic,
    reading,
    reconciled,
)

pytestmark = pytest.mark.kafka


GOOD = [(f"LL-131082-GAS-{d:06d}", encode(reading(10 * d + m, d, m))) for d in range(20) for m in range(3)]
BAD = [
    ("LL-131082-GAS-000001", b"{not json", "not a JSON object of the contract"),
    ("LL-131082-GAS-000002", encode({**reading(900, 2, 1), "schema_version": "2.0"}), "major version 2"),
    ("LL-131082-GAS-000003", encode({**reading(901, 3, 1), "position": {"lon": 39.96, "lat": 116.8}}), "swapped"),
    ("LL-131082-GAS-000004", encode({**reading(902, 4, 1), "kind": "gas"}), "$.kind"),
    ("LL-131082-GAS-000005", encode({**reading(903, 5, 1), "device_id": "gas-5"}), "unified device code"),
]
DUPLICATES = [GOOD[0], GOOD[7], GOOD[33]]  # the same events again, byte for byte


async def produce(bootstrap: str, prefix: str, messages: list[tuple[str, bytes]], tick_minute: int) -> None:
    ingress = KafkaIngress(bootstrap, prefix=prefix)
    await ingress.start()
    try:
        for key, value in messages:
            await ingress.produce(topics.INGEST_SENSOR.name, key, value)
        await ingress.produce_tick(T0 + tick_minute * MIN)  # every partition saves its counts at a tick
        await ingress.flush()
    finally:
        await ingress.stop()


def test_counts_reconcile_and_the_dlq_holds_every_bad_message(kafka_broker: KafkaBroker, tmp_path: Path) -> None:
    bootstrap = kafka_broker.bootstrap
    prefix = f"ingest-{uuid.uuid4().hex[:6]}-"
    partitions = topics.INGEST_SENSOR.partitions

    ensure_topics(bootstrap, prefix)
    worker = start_worker(bootstrap, prefix, tmp_path)
    try:
        first = [*GOOD, *[(k, v) for k, v, _ in BAD], *DUPLICATES]
        asyncio.run(produce(bootstrap, prefix, first, tick_minute=5))
        expected = {
            "received": len(first),
            "accepted": len(GOOD),
            "rejected": len(BAD) + len(DUPLICATES),
            "duplicates": len(DUPLICATES),
            "ticks": partitions,
        }
        decoded = reconciled(bootstrap, prefix, worker, expected)
    finally:
        worker.stop(grace_s=20.0)
    assert len(decoded) == len(BAD) + len(DUPLICATES)
    by_raw = {base64.b64decode(d["raw_base64"]): d for d in decoded}
    for _, raw, why in BAD:
        letter = by_raw[raw]
        assert why in letter["reason"]
        assert letter["topic"] == topics.INGEST_SENSOR.name and letter["offset"] >= 0
    duplicates = [d for d in decoded if d["reason"].startswith("duplicate: event_id")]
    assert len(duplicates) == len(DUPLICATES)

    # Restart: remembered ids and counts come back from the table. Kafka may deliver again what followed the
    # last committed offset; that is recognised too (as duplicates), so nothing is accepted twice.
    worker = start_worker(bootstrap, prefix, tmp_path)
    try:
        again = [GOOD[1], (GOOD[2][0], encode(reading(5000, 0, 9)))]  # an old id, and a new reading
        asyncio.run(produce(bootstrap, prefix, again, tick_minute=10))
        deadline, counts = time.monotonic() + 300, dict.fromkeys(expected, 0)
        while counts["ticks"] < 2 * partitions and time.monotonic() < deadline:
            counts = latest_counts(asyncio.run(read_topic(bootstrap, changelog_of(prefix), 10**6, timeout_s=3)))
    finally:
        worker.stop(grace_s=20.0)
    assert counts["accepted"] == len(GOOD) + 1, worker.tail(2000)
    assert counts["received"] == counts["accepted"] + counts["rejected"]
    redelivered = counts["received"] - (len(first) + len(again))
    assert counts["duplicates"] == len(DUPLICATES) + 1 + redelivered
    letters = asyncio.run(read_topic(bootstrap, topics.physical(topics.DLQ, prefix), len(BAD) + counts["duplicates"]))
    assert len(letters) == counts["rejected"]
    later = [msgspec.json.decode(value)["reason"] for _, value in letters[len(BAD) + len(DUPLICATES) :]]
    assert "duplicate: event_id 'r1' was already received" in later
