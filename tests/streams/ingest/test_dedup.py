"""Idempotency in bounded memory, per topic, and its durable form."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.ingest.dedup import DATA_FILE, ChunkLog, DedupPolicy, DedupWindow, SeenIds
from streams.wire import topics

H = 3_600_000


def test_an_id_seen_again_within_the_horizon_is_recognised_hours_later() -> None:
    seen = SeenIds(horizon_ms=24 * H, max_ids=1000)
    assert seen.first_seen("a", 0) is None
    for i in range(100):
        seen.first_seen(f"x{i}", i * H // 10)  # ten hours of other events
    assert seen.first_seen("a", 0) == 0


def test_ids_older_than_the_horizon_are_forgotten() -> None:
    seen = SeenIds(horizon_ms=H, max_ids=1000)
    seen.first_seen("a", 0)
    seen.first_seen("b", 2 * H)
    assert "a" not in seen.ids
    assert seen.first_seen("a", 0) is None  # beyond the horizon it is new again (documented)


def test_a_late_event_does_not_move_the_horizon_back() -> None:
    seen = SeenIds(horizon_ms=H, max_ids=1000)
    seen.first_seen("new", 10 * H)
    seen.first_seen("late", 9 * H + 1)  # within the horizon of the newest: kept
    assert seen.first_seen("late", 9 * H + 1) == 9 * H + 1
    assert seen.newest_ms == 10 * H


def test_a_tick_moves_the_clock_not_the_window() -> None:
    seen = SeenIds(horizon_ms=H, max_ids=1000)
    seen.first_seen("a", 0)
    seen.advance(3 * H)
    seen.advance(2 * H)  # a tick from the past moves nothing
    assert (seen.clock_ms, seen.newest_ms) == (3 * H, 0)
    assert seen.first_seen("a", 0) == 0  # a quiet partition forgets nothing while its clock runs


def test_memory_is_bounded_by_the_cap() -> None:
    seen = SeenIds(horizon_ms=1000 * H, max_ids=50)
    for i in range(10_000):
        seen.first_seen(f"id{i}", i)
        assert len(seen.ids) <= 50
    assert seen.first_seen("id9999", 9999) == 9999


def test_the_policy_file_sets_windows_per_topic() -> None:
    policy = DedupPolicy.load(known_topics=[spec.name for spec in topics.SOURCES])
    assert policy.window("ingest.hotline") == DedupWindow(24 * H, 200_000)
    assert policy.window("ingest.sensor").horizon_ms == H // 4
    assert policy.window("commands") == policy.default


def test_an_unknown_topic_in_the_file_gets_a_did_you_mean(tmp_path: Path) -> None:
    bad = tmp_path / "dedup.yaml"
    bad.write_text(DATA_FILE.read_text(encoding="utf-8").replace("ingest.hotline:", "ingest.hotlin:"), "utf-8")
    with pytest.raises(ValueError, match=r"did you mean 'ingest\.hotline'"):
        DedupPolicy.load(bad, known_topics=[spec.name for spec in topics.SOURCES])


def test_a_bad_value_names_file_and_line(tmp_path: Path) -> None:
    text = DATA_FILE.read_text(encoding="utf-8").replace("max_ids: 300000", "max_ids: 0")
    bad = tmp_path / "dedup.yaml"
    bad.write_text(text, "utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "max_ids: 0" in row)
    with pytest.raises(ValueError, match=rf"dedup.yaml:{line}: topics.ingest.sensor.max_ids"):
        DedupPolicy.load(bad)


def test_saved_chunks_restore_the_same_memory_after_a_restart() -> None:
    seen = SeenIds(horizon_ms=10 * H, max_ids=1000)
    log = ChunkLog("ingest.hotline/1")
    table: dict[str, bytes] = {}
    for batch in range(5):
        for i in range(20):
            seen.first_seen(f"b{batch}-{i}", batch * H + i)
        for key, value in log.save(seen):
            if value is None:
                table.pop(key, None)
            else:
                table[key] = value
    assert log.save(seen) == []  # nothing new, nothing to forget
    again = SeenIds(horizon_ms=10 * H, max_ids=1000)
    restored = ChunkLog.restore("ingest.hotline/1", [*table.items(), ("ingest.hotline/0/000000000000", b"[]")], again)
    assert again.ids == seen.ids
    assert (restored.chunks, restored.next_seq) == (log.chunks, log.next_seq)
    assert again.first_seen("b0-3", 3) == 3


def test_chunks_are_deleted_once_their_ids_are_forgotten() -> None:
    seen = SeenIds(horizon_ms=H, max_ids=1000)
    log = ChunkLog("p")
    seen.first_seen("old", 0)
    assert [value is None for _, value in log.save(seen)] == [False]
    seen.first_seen("new", 3 * H)
    writes = log.save(seen)
    assert writes[0][0] == "p/000000000001" and writes[0][1] is not None
    assert writes[1] == ("p/000000000000", None)
    assert [seq for seq, _, _ in log.chunks] == [1]


def test_chunks_beyond_the_cap_are_deleted() -> None:
    seen = SeenIds(horizon_ms=100 * H, max_ids=10)
    log = ChunkLog("p")
    for batch in range(4):
        for i in range(5):
            seen.first_seen(f"{batch}-{i}", batch)
        log.save(seen)
    assert sum(count for _, _, count in log.chunks) == 10
