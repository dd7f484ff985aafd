"""The durable form of an ingest partition: ids, counts and the clock come back after a restart, and a sensor
partition's detector is rebuilt from what was written with its inputs."""

from __future__ import annotations

import pytest

from ebrain.compose import Core
from streams import ingest
from streams.ingest import detect, store
from streams.wire.records import Reading, Signal, Tick
from tests.streams.ingest.detect_kit import reading as detect_reading
from tests.streams.ingest.ingest_kit import MIN, T0, agency_warning, raw
from tests.streams.ingest.ingest_kit import reading as wire_reading
from tests.streams.ingest.limits_kit import tick


def test_a_restarted_partition_knows_its_clock_before_its_first_tick(core: Core) -> None:
    part = ingest.IngestPartition.new("ingest.sensor", 2, core.ingest)
    log = store.restore(part, [], None)
    for offset, message in enumerate([tick(T0), raw(wire_reading(1, at_ms=T0))]):
        ingest.step(part, message, offset, core.ingest)
    table: dict[str, bytes] = {}
    store.save(part, log, table)
    again = ingest.IngestPartition.new("ingest.sensor", 2, core.ingest)
    store.restore(again, table.items(), table["counts/2"])
    assert again.seen.clock_ms == T0
    assert again.counts == part.counts
    _, out = ingest.step(again, raw(wire_reading(2, at_ms=T0 + 60 * MIN)), 9, core.ingest)
    assert "ahead of the event time" in out[0].reason  # refused at once, not only after the next tick
    _, out = ingest.step(again, raw(wire_reading(1, at_ms=T0)), 10, core.ingest)
    assert out[0].reason.startswith("duplicate")


def test_a_restarted_agency_partition_knows_the_warnings_in_force(core: Core) -> None:
    part = ingest.IngestPartition.new("ingest.agency", 0, core.ingest)
    log = store.restore(part, [], None)
    for offset, (event_id, action, warning_id) in enumerate([("i1", "issue", "A"), ("i2", "issue", "B")]):
        ingest.step(part, agency_warning(event_id, action, warning_id), offset, core.ingest)
    ingest.step(part, agency_warning("c1", "cancel", "A"), 2, core.ingest)
    table: dict[str, bytes] = {}
    store.save(part, log, table)
    again = ingest.IngestPartition.new("ingest.agency", 0, core.ingest)
    store.restore(again, table.items(), table["counts/0"])
    assert again.warnings == {"B": None}
    _, (refused,) = ingest.step(again, agency_warning("u1", "update", "A"), 3, core.ingest)
    assert "is not a warning in force" in refused.reason  # type: ignore[union-attr]
    _, (accepted,) = ingest.step(again, agency_warning("u2", "update", "B"), 4, core.ingest)
    assert isinstance(accepted, Signal)


@pytest.fixture(scope="module")
def thresholds() -> detect.Thresholds:
    return detect.Thresholds.load()


def reading(device: str, kind: str, value: float, at_ms: int) -> Reading:
    return detect_reading(kind, value, at_ms, device=device)


def feed(detector: detect.DetectorState, records: list[Reading | Tick], th: detect.Thresholds) -> list[Signal]:
    out: list[Signal] = []
    for record in records:
        out.extend(detect.step(detector, record, th)[1])
    return out


def minutes(start: int, end: int) -> list[Reading | Tick]:
    """Healthy gas sensor, a pipe whose pressure (baseline) drifts, one gas sensor in alarm; a tick a minute."""
    out: list[Reading | Tick] = []
    for m in range(start, end):
        at = T0 + m * MIN
        out += [reading("healthy", "gas_lel", 1.0, at), reading("pipe", "pipe_pressure", 0.40 - m / 1000, at)]
        out += [reading("alarm", "gas_lel", 30.0 + m, at), Tick(at + 1)]
    return out


def test_a_detector_saved_every_minute_and_restored_goes_on_as_the_one_that_never_stopped(
    thresholds: detect.Thresholds,
) -> None:
    undisturbed = detect.DetectorState()
    feed(undisturbed, minutes(0, 10), thresholds)
    table: dict[str, bytes] = {}
    saved = detect.DetectorState()
    for m in range(10):  # saved after each minute, as a worker does before each commit
        feed(saved, minutes(m, m + 1), thresholds)
        store.save_detector(saved, 3, table)
    assert saved.dirty == set()
    table["4/other-partition"] = table["3/healthy"]  # another partition's device is not ours
    restored = detect.DetectorState()
    store.restore_detector(restored, list(table.items()), 3)
    assert restored.devices == undisturbed.devices
    # the next minutes give the same signals: the healthy device is not found silent, the alarm is not raised anew
    assert feed(restored, minutes(10, 15), thresholds) == feed(undisturbed, minutes(10, 15), thresholds)


def test_a_device_restored_with_its_last_seen_time_from_an_old_save_is_found_silent(
    thresholds: detect.Thresholds,
) -> None:
    """What the durable form must prevent: restored from the state of its first reading, a healthy device reads
    as silent on the next tick."""
    detector = detect.DetectorState()
    feed(detector, minutes(0, 1), thresholds)
    old = {"3/healthy": store._ENCODER.encode(detector.devices["healthy"])}
    feed(detector, minutes(1, 10), thresholds)
    stale = detect.DetectorState()
    store.restore_detector(stale, list(old.items()), 3)
    silent = [s for s in feed(stale, [Tick(T0 + 10 * MIN + 1)], thresholds) if s.kind == "sensor_silent"]
    assert [s.attr("device_id") for s in silent] == ["healthy"]
    fresh = detect.DetectorState()
    store.restore_detector(fresh, [("3/healthy", store._ENCODER.encode(detector.devices["healthy"]))], 3)
    assert feed(fresh, [Tick(T0 + 10 * MIN + 1)], thresholds) == []
    assert detector.devices["healthy"] == fresh.devices["healthy"]
