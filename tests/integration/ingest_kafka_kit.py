"""Readings encoded for Kafka and the reconciliation of an ingest partition's counts, at a fixed event time."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import msgspec

from ebrain.kafka_kit import Worker, read_records
from streams.wire import topics
from streams.wire.timefmt import format_time_ms

T0 = 1_710_287_640_000  # 2024-03-13T07:54:00+08:00


MIN = 60_000


def reading(n: int, device: int, minute: int, value: float = 1.0) -> dict[str, object]:
    return {
        "type": "sensor.reading",
        "schema_version": "1.0",
        "event_id": f"r{n}",
        "device_id": f"LL-131082-GAS-{device:06d}",
        "kind": "gas_lel",
        "value": value,
        "unit": "%LEL",
        "observed_at": format_time_ms(T0 + minute * MIN),
        "position": {"lon": 116.80 + device / 1000, "lat": 39.96},
    }


def encode(message: object) -> bytes:
    return json.dumps(message, ensure_ascii=False).encode()


async def read_topic(bootstrap: str, topic: str, until: int, timeout_s: float = 300.0) -> list[tuple[bytes, bytes]]:
    """Committed records of a topic from the start, until `until` of them arrived (or the timeout)."""
    return await read_records(bootstrap, topic, until, timeout_s, settle_s=0.0)


def latest_counts(records: list[tuple[bytes, bytes]]) -> dict[str, int]:
    """Sum over partitions of the last saved counts in the ingest table's changelog."""
    last: dict[str, bytes] = {}
    for raw_key, value in records:
        key = json.loads(raw_key)  # the table's keys are JSON strings
        if key.startswith("counts/") and value:
            last[key] = value
    names = ("received", "accepted", "rejected", "duplicates", "ticks")
    total = dict.fromkeys(names, 0)
    for value in last.values():
        for name, n in zip(names, msgspec.json.decode(value), strict=True):
            total[name] += n
    return total


def counts_reaching(bootstrap: str, changelog: str, expected: dict[str, int], timeout_s: float = 120) -> dict[str, int]:
    """The ingest table's counts, read again until they equal `expected` (or the timeout): the last read."""
    deadline = time.monotonic() + timeout_s
    counts: dict[str, int] = {}
    while counts != expected and time.monotonic() < deadline:
        counts = latest_counts(asyncio.run(read_topic(bootstrap, changelog, 10**6, timeout_s=3)))
    return counts


def changelog_of(prefix: str) -> str:
    """The changelog topic of the sensor partitions' ingest table."""
    return f"{topics.pipeline_id(prefix)}-ingest-{topics.INGEST_SENSOR.name}-changelog"


def reconciled(bootstrap: str, prefix: str, worker: Worker, expected: dict[str, int]) -> list[dict[str, Any]]:
    """The dead letters (as many as `expected` says rejected), once the ingest table's counts equal `expected`."""
    letters = asyncio.run(read_topic(bootstrap, topics.physical(topics.DLQ, prefix), expected["rejected"]))
    counts = counts_reaching(bootstrap, changelog_of(prefix), expected)
    assert worker.alive(), worker.tail()
    assert counts == expected
    return [msgspec.json.decode(value) for _, value in letters]
