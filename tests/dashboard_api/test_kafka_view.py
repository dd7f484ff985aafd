"""The pure parts of the Kafka edge: ingest counts summed from the latest record of each source partition, and
the epoch every instance on one feed topic shares. Reading and producing are tested against a real broker in
tests/integration/test_api_kafka.py."""

from __future__ import annotations

import msgspec

from dashboard_api.kafka_view import IngestCounts, feed_epoch, topic_ready
from streams.wire.records import Counts


def record(received: int, rejected: int = 0, duplicates: int = 0, ticks: int = 0) -> bytes:
    return msgspec.json.encode(Counts(received, received - rejected, rejected, duplicates, ticks).as_dict())


def test_counts_add_up_the_latest_record_of_each_source_partition() -> None:
    counts = IngestCounts()
    counts.add(b"ingest.sensor/0", record(10, ticks=3))
    counts.add(b"ingest.sensor/1", record(5, rejected=2, duplicates=1, ticks=3))
    counts.add(b"ingest.sensor/0", record(12, rejected=1, ticks=4))  # a later save of the same partition
    assert counts.totals() == {
        "received": 17,
        "accepted": 14,
        "rejected": 3,
        "duplicates": 1,
        "ticks": 7,
        "dead_letters": 3,
    }


def test_a_record_that_is_not_counts_changes_nothing() -> None:
    counts = IngestCounts()
    counts.add(b"ingest.hotline/0", record(4))
    counts.add(b"ingest.hotline/0", b"[1, 2")
    counts.add(b"ingest.hotline/0", b'{"received": "many"}')
    counts.add(None, record(99))
    counts.add(b"ingest.hotline/1", None)
    assert counts.totals()["received"] == 4
    assert IngestCounts().totals() == dict.fromkeys(
        ("received", "accepted", "rejected", "duplicates", "ticks", "dead_letters"), 0
    )


def test_the_epoch_is_the_feed_topics_and_changes_with_it() -> None:
    first = feed_epoch("94fb3732-f268-4840-9844-3ef52e02f461")
    assert first == feed_epoch("94fb3732-f268-4840-9844-3ef52e02f461")
    assert first != feed_epoch("0b5e1c55-2a43-4d1e-9a55-1d8f0f7a2c10")
    assert len(first) == 12 and int(first, 16) >= 0


def described(error_code: int = 0, topic_id: str | None = "94fb3732", leaders: tuple[int, ...] = (1,)) -> dict:
    partitions = [{"error_code": 0, "partition_index": n, "leader_id": leader} for n, leader in enumerate(leaders)]
    return {"error_code": error_code, "name": "feed", "topic_id": topic_id, "partitions": partitions}


def test_a_topic_is_read_only_once_it_exists_and_every_partition_has_a_leader() -> None:
    assert topic_ready(described())
    assert topic_ready(described(leaders=(1, 2)))
    assert not topic_ready(None)
    assert not topic_ready(described(error_code=3, topic_id=None, leaders=()))  # unknown topic
    assert not topic_ready(described(leaders=(1, -1)))  # just created: no leader elected yet
    assert not topic_ready(described(leaders=()))


def test_metrics_text_gives_the_workers_counts_per_source_partition() -> None:
    from dashboard_api.kafka_view import KafkaView

    view = KafkaView("127.0.0.1:1")  # nothing is read: the counts are given as the follower would keep them
    view.ingest_counts.add(b"ingest.sensor/0", record(12, rejected=1, ticks=4))
    view.ingest_counts.add(b"ingest.hotline/1", record(3, rejected=3))
    text = view.metrics_text()
    assert 'ebrain_ingest_received_total{partition="0",topic="ingest.sensor"} 12.0' in text
    assert 'ebrain_ingest_rejected_total{partition="1",topic="ingest.hotline"} 3.0' in text
    assert text.rstrip().endswith("ebrain_dead_letters_total 4.0")
    view.ingest_counts.add(b"theater/jingjinji", b'{"late": 3, "failed": 1}')  # the theater's own, not a source
    text = view.metrics_text()
    assert "ebrain_theater_late_total 3.0" in text and "ebrain_theater_failed_total 1.0" in text
    assert "theater" not in view.ingest_counts.by_source and view.counts()["received"] == 15
