"""The durable form of an ingest partition in a key-value table (Kafka: a Faust table with a changelog).

Per source partition p: "counts/<p>" holds the counts, "clock/<p>" the partition's clock (its newest tick, which
bounds event times and measures the de-duplication window), "seen/<p>/<sequence>" chunks of remembered event ids
(see `streams.dedup.ChunkLog`). The table is co-partitioned with its source topic. Device states of the sensor
topic live in their own table, written by the runtime when a device's alarm state changes.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping

import msgspec

from streams import ingest
from streams.ingest.dedup import ChunkLog
from streams.wire.records import Counts

SAVE_EVERY = 1000  # remembered ids and counts are saved every this many new ids, and at every tick
_COUNTS = msgspec.json.Decoder(tuple[int, int, int, int, int])
_CLOCK = msgspec.json.Decoder(int)
_ENCODER = msgspec.json.Encoder()


def restore(
    part: ingest.IngestPartition, records: Iterable[tuple[str, bytes | None]], counts: bytes | None
) -> ChunkLog:
    """Refill a new partition's counts and remembered ids from what was saved; returns its chunk log."""
    if counts is not None:
        part.counts = Counts(*_COUNTS.decode(counts))
    stored = [(key, value) for key, value in records if value is not None]
    log = ChunkLog.restore(f"seen/{part.partition}", stored, part.seen)
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
