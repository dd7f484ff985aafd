"""The durable form of an ingest partition in a key-value table (Kafka: a Faust table with a changelog).

Per source partition p: "counts/<p>" holds the counts, "clock/<p>" the partition's clock (its newest tick, which
bounds event times), "warnings/<p>" the warning ids in force (in the order issued), "seen/<p>/<sequence>" chunks
of remembered event ids (see `streams.dedup.ChunkLog`). The table is co-partitioned with its source topic.

The detector of a sensor partition p lives in a table of its own: "<p>/<device id>" holds a device's whole state
(last-seen time and value, tier, pending tier and when each tier's wait began, baseline, silence, rate alarm).
Every device that changed is written with the input that changed it (under exactly-once in that input's
transaction), so a restarted detector is the one that stopped: a healthy device is not found silent. What waits
and when silence may next be due are derived from the devices on restore.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping

import msgspec

from streams import ingest
from streams.ingest import detect
from streams.ingest.dedup import ChunkLog
from streams.wire.records import Counts

SAVE_EVERY = 1000  # remembered ids and counts are saved every this many new ids, and at every tick
_COUNTS = msgspec.json.Decoder(tuple[int, int, int, int, int])
_CLOCK = msgspec.json.Decoder(int)
_WARNINGS = msgspec.json.Decoder(list[str])
_ENCODER = msgspec.json.Encoder()


def restore(
    part: ingest.IngestPartition, records: Iterable[tuple[str, bytes | None]], counts: bytes | None
) -> ChunkLog:
    """Refill a new partition's counts and remembered ids from what was saved; returns its chunk log."""
    if counts is not None:
        part.counts = Counts(*_COUNTS.decode(counts))
    stored = [(key, value) for key, value in records if value is not None]
    log = ChunkLog.restore(f"seen/{part.partition}", stored, part.seen)
    in_force = next((value for key, value in stored if key == f"warnings/{part.partition}"), None)
    if in_force is not None:
        part.warnings = dict.fromkeys(_WARNINGS.decode(in_force))
    clock = next((value for key, value in stored if key == f"clock/{part.partition}"), None)
    if clock is not None:
        part.seen.advance(_CLOCK.decode(clock))  # a restarted worker knows the time before its first tick
    return log


def due(part: ingest.IngestPartition, ticks_before: int) -> bool:
    """Save after a tick (the partition's event time moved) or once enough new ids are waiting."""
    return part.counts.ticks != ticks_before or len(part.seen.fresh) >= SAVE_EVERY


def save(part: ingest.IngestPartition, log: ChunkLog, table: MutableMapping[str, bytes]) -> None:
    for key, value in log.save(part.seen):
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
    table[f"counts/{part.partition}"] = _ENCODER.encode(part.counts.as_tuple())
    table[f"clock/{part.partition}"] = _ENCODER.encode(part.seen.clock_ms)
    if part.warnings:
        table[f"warnings/{part.partition}"] = _ENCODER.encode(list(part.warnings))
    else:
        table.pop(f"warnings/{part.partition}", None)


_SENSOR = msgspec.json.Decoder(detect.SensorState)


def save_detector(detector: detect.DetectorState, partition: int, table: MutableMapping[str, bytes]) -> None:
    """Write the devices that changed since the last save; forget what changed."""
    for device_id in sorted(detector.dirty):
        table[f"{partition}/{device_id}"] = _ENCODER.encode(detector.devices[device_id])
    detector.dirty.clear()


def restore_detector(
    detector: detect.DetectorState, records: Iterable[tuple[str, bytes | None]], partition: int
) -> None:
    """Refill a new partition's detector from what `save_detector` wrote for that partition."""
    prefix = f"{partition}/"
    for key, raw in records:
        if raw is not None and key.startswith(prefix):
            detector.devices[key[len(prefix) :]] = _SENSOR.decode(raw)
    detector.waiting, detector.silence_due_ms = None, None  # derived from the devices when next needed
