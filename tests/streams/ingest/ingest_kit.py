"""What the ingest tests send: readings, agency warnings and raw bytes at a fixed event time, fed through one
ingest partition."""

from __future__ import annotations

import json
from typing import Any

from ebrain.compose import Core
from streams import ingest
from streams.wire import codec, topics
from streams.wire.timefmt import format_time_ms

T0 = 1_710_287_640_000  # 2024-03-13T07:54:00+08:00


MIN = 60_000


def reading(n: int, value: float = 1.0, at_ms: int = T0, device: str = "LL-131082-GAS-000417", **extra: Any) -> dict:
    return {
        "type": "sensor.reading",
        "schema_version": "1.0",
        "event_id": f"r{n}",
        "device_id": device,
        "kind": "gas_lel",
        "value": value,
        "unit": "%LEL",
        "observed_at": format_time_ms(at_ms),
        "position": {"lon": 116.8105, "lat": 39.9597},
        **extra,
    }


def raw(message: object) -> bytes:
    return json.dumps(message, ensure_ascii=False, allow_nan=True).encode()


def home(messages: list[bytes], topic: str) -> int:
    """The partition Kafka's default partitioner gives the first keyed message (tests keep to one partition)."""
    spec = topics.source(topic)
    for message in messages:
        decoded = codec.decode_or_reason(message)
        keyed = None if isinstance(decoded, str) else topics.key_of(spec, decoded)
        if keyed is not None:
            return topics.partition_for(keyed[1], spec.partitions)
    return 0


def feed(
    core: Core, messages: list[bytes], topic: str = "ingest.sensor", partition: int | None = None
) -> tuple[ingest.IngestPartition, list]:
    where = home(messages, topic) if partition is None else partition
    part = ingest.IngestPartition.new(topic, where, core.ingest)
    out: list = []
    for offset, message in enumerate(messages):
        out += ingest.step(part, message, offset, core.ingest)[1]
    return part, out


def reconciled(part: ingest.IngestPartition) -> bool:
    c = part.counts
    return c.received == c.accepted + c.rejected and c.duplicates <= c.rejected


def agency_warning(event_id: str, action: str, warning_id: str = "LF-RAIN-1") -> bytes:
    return raw(
        {
            "type": "agency.warning",
            "schema_version": "1.0",
            "event_id": event_id,
            "agency": "langfang-weather",
            "province": "130000",
            "issued_at": format_time_ms(T0),
            "action": action,
            "warning_id": warning_id,
            "event_code": "11B03",
            "hazard": "rainstorm",
            "colour": "orange",
            "area": {"description": "三河市", "adcodes": ["131082"]},
        }
    )
