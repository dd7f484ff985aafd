"""De-duplication across partitions: two producers with different partitioners send the same event; only the
placement Kafka's default partitioner gives is accepted, so the event is accepted once."""

from __future__ import annotations

import zlib

from ebrain.compose import Core
from streams import ingest
from streams.wire import topics
from streams.wire.codec import Rejected
from tests.streams.ingest.ingest_kit import feed, raw, reading


def murmur2_partitioner(key: str, partitions: int) -> int:
    """Kafka's Java client, kafka-python and aiokafka by default; kcat with -X partitioner=murmur2_random."""
    return topics.partition_for(key, partitions)


def consistent_random_partitioner(key: str, partitions: int) -> int:
    """librdkafka's (kcat's) default for a keyed message: CRC32 of the key."""
    return zlib.crc32(key.encode()) % partitions


def device_placed_apart() -> str:
    """A device id the two partitioners put on different partitions of ingest.sensor."""
    for serial in range(1000):
        device = f"LL-131082-GAS-{serial:06d}"
        if murmur2_partitioner(device, 4) != consistent_random_partitioner(device, 4):
            return device
    raise AssertionError("no device placed apart")


def test_the_same_event_from_two_producers_is_accepted_once(core: Core) -> None:
    device = device_placed_apart()
    message = raw(reading(1, device=device, value=30.0))
    parts = {p: ingest.IngestPartition.new("ingest.sensor", p, core.ingest) for p in range(4)}
    out: list = []
    for partitioner in (murmur2_partitioner, consistent_random_partitioner):
        part = parts[partitioner(device, 4)]
        out += ingest.step(part, message, 0, core.ingest)[1]
    accepted = sum(p.counts.accepted for p in parts.values())
    rejected = [r for r in out if isinstance(r, Rejected)]
    assert accepted == 1 and len(rejected) == 1
    expected, wrong = murmur2_partitioner(device, 4), consistent_random_partitioner(device, 4)
    assert rejected[0].origin.partition == wrong
    assert rejected[0].reason == (
        f"sensor.reading r1: partition: device_id={device!r} belongs on partition {expected} of ingest.sensor "
        f"(Kafka's default partitioner: murmur2 of the key, modulo 4), not on partition {wrong}; produce with the "
        "key and the default partitioner (kcat: -X partitioner=murmur2_random), or name the partition"
    )
    assert all(p.counts.received == p.counts.accepted + p.counts.rejected for p in parts.values())


def test_a_batch_is_placed_by_its_gateway_and_refused_whole_elsewhere(core: Core) -> None:
    batch = {"type": "sensor.batch", "schema_version": "1.0", "event_id": "gw-1", "gateway_id": "GW-1"}
    message = raw({**batch, "readings": [reading(1), reading(2)]})
    home = murmur2_partitioner("GW-1", 4)
    part, _ = feed(core, [message], partition=home)
    assert (part.counts.received, part.counts.accepted) == (2, 2)
    part, out = feed(core, [message], partition=(home + 1) % 4)
    assert part.counts.as_dict() == {"received": 1, "accepted": 0, "rejected": 1, "duplicates": 0, "ticks": 0}
    assert "gateway_id='GW-1' belongs on partition" in out[0].reason


def test_ticks_and_single_partition_topics_are_not_judged(core: Core) -> None:
    tick = raw({"type": "tick", "schema_version": "1.0", "at": "2024-03-13T07:55:00+08:00"})
    for p in range(4):
        part, _ = feed(core, [tick], partition=p)
        assert part.counts.ticks == 1 and part.counts.rejected == 0
    assert topics.INGEST_AGENCY.partitions == 1  # every key is at home on partition 0


def test_a_reading_on_a_topic_it_is_no_message_of_is_not_judged_by_a_key_it_does_not_have(core: Core) -> None:
    device = device_placed_apart()
    home = topics.partition_for(device, topics.INGEST_HOTLINE.partitions)
    part, out = feed(core, [raw(reading(1, device=device))], topic="ingest.hotline", partition=1 - home)
    assert part.counts.accepted == 1 and not [r for r in out if isinstance(r, Rejected)]
