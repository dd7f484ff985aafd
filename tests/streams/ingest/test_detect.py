"""Golden sequences for each sensor kind's state machine: tiers with hysteresis, minimum duration, rate, silence.

Each expected list was worked out by hand from streams/data/thresholds.yaml (the comment beside it says how).
"""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from streams.ingest import detect
from streams.wire import contract
from streams.wire.records import Heartbeat, Reading, Signal, Tick
from tests.streams.ingest.detect_kit import reading

T0 = 1_710_287_640_000  # 2024-03-13T07:54:00+08:00
MIN = 60_000


@pytest.fixture(scope="module")
def thresholds() -> detect.Thresholds:
    return detect.Thresholds.load()


def run(
    kind: str, values: list[float], thresholds: detect.Thresholds, step_min: int = 1, province: str = "130000"
) -> list[tuple[int, str, int, str]]:
    """(reading index, signal kind, severity, trigger) for every signal of a sequence of readings."""
    detector = detect.DetectorState()
    out = []
    for i, value in enumerate(values):
        record = reading(kind, value, T0 + i * step_min * MIN, province, interval_s=step_min * 60)
        _, signals = detect.step(detector, record, thresholds)
        out += [(i, s.kind, s.severity, s.attr("trigger")) for s in signals]
    return out


def test_gas_lel_tiers_with_hysteresis(thresholds: detect.Thresholds) -> None:
    # tiers 5/10/25/50 %LEL, hysteresis 20 %: 45 stays red (not below 40), 39 drops to orange, 2 clears
    assert run("gas_lel", [1, 6, 12, 30, 55, 45, 39, 2], thresholds) == [
        (1, "sensor:gas_lel", 1, "level"),
        (2, "sensor:gas_lel", 2, "level"),
        (3, "sensor:gas_lel", 3, "level"),
        (4, "sensor:gas_lel", 4, "level"),
        (6, "sensor:gas_lel", 3, "level"),
        (7, "sensor_clear", 0, "level"),
    ]


def test_water_depth_minimum_duration_and_rate(thresholds: detect.Thresholds) -> None:
    # a rise must hold 60 s before it is announced; a rise of >= 2 cm/min alarms yellow at once
    assert run("water_depth", [5, 8, 20, 20, 30, 30, 10, 5], thresholds) == [
        (1, "sensor:water_depth", 2, "rate"),
        (3, "sensor:water_depth", 1, "level"),
        (4, "sensor:water_depth", 2, "rate"),
        (5, "sensor:water_depth", 2, "level"),
        (6, "sensor_clear", 0, "level"),
    ]


def test_a_short_spike_of_water_is_not_announced_as_a_level(thresholds: detect.Thresholds) -> None:
    assert [s for s in run("water_depth", [5, 5.5, 20, 5.5], thresholds) if s[3] == "level"] == []


def test_river_flow_rising_fast(thresholds: detect.Thresholds) -> None:
    # 5-minute readings; tiers 300/600/900/2000 m3/s; a rise of >= 10 m3/s per minute alarms orange
    assert run("river_flow", [200, 240, 400, 940, 1000, 980], thresholds, step_min=5) == [
        (2, "sensor:river_flow", 1, "level"),
        (2, "sensor:river_flow", 3, "rate"),
        (3, "sensor:river_flow", 3, "level"),
    ]


def test_pipe_pressure_alarms_on_the_drop_below_its_baseline(thresholds: detect.Thresholds) -> None:
    # 0.30 MPa normal; 0.28 is a 0.0197 drop (below the 0.02 tier) but fast: rate; 0.24 is a 0.059 drop: orange
    signals = run("pipe_pressure", [0.30, 0.30, 0.28, 0.24, 0.30], thresholds)
    assert signals == [
        (2, "sensor:pipe_pressure", 3, "rate"),
        (3, "sensor:pipe_pressure", 3, "level"),
        (4, "sensor_clear", 0, "level"),
    ]


def test_bridge_deflection_step_change(thresholds: detect.Thresholds) -> None:
    # % of the L/600 limit; tiers 60/80/90/100; a step of >= 20 points a minute alarms orange
    assert run("bridge_deflection", [40, 42, 70, 85, 101, 50], thresholds) == [
        (2, "sensor:bridge_deflection", 1, "level"),
        (2, "sensor:bridge_deflection", 3, "rate"),
        (3, "sensor:bridge_deflection", 2, "level"),
        (4, "sensor:bridge_deflection", 4, "level"),
        (5, "sensor_clear", 0, "level"),
    ]


def test_building_tilt_hysteresis(thresholds: detect.Thresholds) -> None:
    # % of allowed tilt; tiers 50/70/85/100, hysteresis 5 %: 68 stays yellow (>= 66.5), 66 drops to blue
    assert run("building_tilt", [20, 72, 68, 66, 30], thresholds) == [
        (1, "sensor:building_tilt", 2, "level"),
        (3, "sensor:building_tilt", 1, "level"),
        (4, "sensor_clear", 0, "level"),
    ]


def test_manhole_cover_open(thresholds: detect.Thresholds) -> None:
    # an open or missing cover is sent as 90 degrees: red at once
    assert run("manhole_cover", [0, 90, 0], thresholds) == [
        (1, "sensor:manhole_cover", 4, "level"),
        (2, "sensor_clear", 0, "level"),
    ]


def test_rain_gauge_tables_differ_by_authority(thresholds: detect.Thresholds) -> None:
    # 75 mm/h: orange under Beijing's table (70 <= 75 < 100), red under the default one (>= 70)
    assert run("rain_gauge", [0, 75], thresholds, province="110000") == [(1, "sensor:rain_gauge", 3, "level")]
    assert run("rain_gauge", [0, 75], thresholds, province="130000") == [(1, "sensor:rain_gauge", 4, "level")]


def test_a_late_or_repeated_reading_changes_nothing(thresholds: detect.Thresholds) -> None:
    state, _ = detect.step_reading(None, reading("gas_lel", 1, T0 + MIN), thresholds)
    for late in (reading("gas_lel", 60, T0), reading("gas_lel", 60, T0 + MIN)):
        after, signals = detect.step_reading(state, late, thresholds)
        assert after is state and signals == ()


def signals_of(
    detector: detect.DetectorState, record: Reading | Heartbeat | Tick, t: detect.Thresholds
) -> list[Signal]:
    return list(detect.step(detector, record, t)[1])


def test_silence_after_the_factor_times_the_interval_then_back(thresholds: detect.Thresholds) -> None:
    detector = detect.DetectorState()
    signals_of(detector, reading("gas_lel", 1, T0), thresholds)
    assert signals_of(detector, Tick(T0 + 3 * MIN), thresholds) == []  # 3 intervals: not more than the factor
    (silent,) = signals_of(detector, Tick(T0 + 4 * MIN), thresholds)
    assert (silent.kind, silent.at_ms, silent.attr("device_id")) == ("sensor_silent", T0 + 4 * MIN, "LL-131082-XX-1")
    assert signals_of(detector, Tick(T0 + 10 * MIN), thresholds) == []  # said once
    (back,) = signals_of(detector, reading("gas_lel", 1, T0 + 11 * MIN), thresholds)
    assert back.kind == "sensor_back"


def test_heartbeats_keep_a_device_alive_and_an_offline_one_is_silent_at_once(thresholds: detect.Thresholds) -> None:
    detector = detect.DetectorState()
    signals_of(detector, reading("gas_lel", 1, T0), thresholds)
    assert signals_of(detector, Heartbeat("h1", "LL-131082-XX-1", True, T0 + 3 * MIN, 60), thresholds) == []
    assert signals_of(detector, Tick(T0 + 5 * MIN), thresholds) == []
    (silent,) = signals_of(detector, Heartbeat("h2", "LL-131082-XX-1", False, T0 + 6 * MIN, 60), thresholds)
    assert (silent.kind, silent.attr("trigger")) == ("sensor_silent", "heartbeat")


def test_every_change_of_a_device_marks_it_for_the_durable_table(thresholds: detect.Thresholds) -> None:
    """A restarted detector needs the last-seen time too, or a healthy device looks silent after a restart."""
    detector = detect.DetectorState()
    signals_of(detector, reading("gas_lel", 1, T0), thresholds)
    assert detector.dirty == {"LL-131082-XX-1"}  # new device
    detector.dirty.clear()
    signals_of(detector, reading("gas_lel", 1.1, T0 + MIN), thresholds)  # nothing but the latest value and time
    assert detector.dirty == {"LL-131082-XX-1"}
    detector.dirty.clear()
    signals_of(detector, reading("gas_lel", 1.2, T0 + MIN), thresholds)  # not newer: changes nothing
    assert detector.dirty == set()
    signals_of(detector, Heartbeat("h1", "LL-131082-XX-1", True, T0 + 2 * MIN, 60), thresholds)
    assert detector.dirty == {"LL-131082-XX-1"}
    detector.dirty.clear()
    signals_of(detector, Tick(T0 + 3 * MIN), thresholds)  # not silent yet: nothing changed
    assert detector.dirty == set()


def test_a_table_with_tiers_out_of_order_is_refused_with_its_line(tmp_path: Path) -> None:
    text = detect.DATA_FILE.read_text(encoding="utf-8").replace("tiers: [5, 10, 25, 50]", "tiers: [5, 25, 10, 50]")
    bad = tmp_path / "thresholds.yaml"
    bad.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "[5, 25, 10, 50]" in row)
    with pytest.raises(ValueError, match=rf"thresholds.yaml:{line}: authorities.default.gas_lel.tiers"):
        detect.Thresholds.load(bad)


def test_every_sensor_kind_has_a_default_table(thresholds: detect.Thresholds) -> None:
    for kind in get_args(contract.SensorKind):
        assert thresholds.table("120000", kind).tiers


def five_minutes(thresholds: detect.Thresholds) -> detect.Thresholds:
    """The default tables with water depth held 5 minutes before it is announced (tiers 15/27/50/80 cm)."""
    depth = thresholds.tables["default"]["water_depth"]
    slow = detect.TierTable(depth.unit, depth.tiers, depth.hysteresis, 300, depth.silence_factor)
    return detect.Thresholds(tables={"default": {**thresholds.tables["default"], "water_depth": slow}}, derived={})


AT_850 = 1_710_291_000_000  # 2024-03-13T08:50:00+08:00


def at(minutes: float) -> int:
    return AT_850 + int(minutes * MIN)


def levels(signals: list[Signal]) -> list[tuple[int, int]]:
    return [(s.at_ms, s.severity) for s in signals if s.attr("trigger") == "level"]


def test_a_depth_crossed_at_850_with_a_5_minute_minimum_fires_at_the_855_tick(thresholds: detect.Thresholds) -> None:
    t = five_minutes(thresholds)
    detector = detect.DetectorState()
    signals_of(detector, reading("water_depth", 5, at(-1), interval_s=600), t)
    assert signals_of(detector, reading("water_depth", 16, at(0), interval_s=600), t) == []  # crossed blue
    assert signals_of(detector, Tick(at(4)), t) == []
    fired = signals_of(detector, Tick(at(5)), t)  # no reading since 8:50: the tick announces it
    assert levels(fired) == [(at(5), 1)]
    assert fired[0].signal_id == "LL-131082-XX-1/held@1710291300000:sensor:water_depth"
    assert signals_of(detector, Tick(at(6)), t) == []  # said once
    assert detector.devices["LL-131082-XX-1"].tier == 1


def test_a_jump_of_two_tiers_keeps_the_start_of_the_wait(thresholds: detect.Thresholds) -> None:
    t = five_minutes(thresholds)
    detector = detect.DetectorState()
    signals_of(detector, reading("water_depth", 5, at(-1)), t)
    signals_of(detector, reading("water_depth", 16, at(0)), t)  # blue from 8:50
    signals_of(detector, reading("water_depth", 30, at(2)), t)  # yellow from 8:52: blue still counts from 8:50
    signals_of(detector, reading("water_depth", 31, at(3)), t)
    signals_of(detector, reading("water_depth", 31, at(4)), t)
    assert levels(signals_of(detector, Tick(at(5)), t)) == [(at(5), 1)]
    signals_of(detector, reading("water_depth", 32, at(6)), t)
    assert levels(signals_of(detector, Tick(at(7)), t)) == [(at(7), 2)]  # yellow 5 minutes after 8:52


def test_a_jump_straight_over_a_tier_waits_once_for_the_higher_tier(thresholds: detect.Thresholds) -> None:
    t = five_minutes(thresholds)
    detector = detect.DetectorState()
    signals_of(detector, reading("water_depth", 5, at(-1)), t)
    signals_of(detector, reading("water_depth", 30, at(0)), t)  # blue and yellow both from 8:50
    signals_of(detector, reading("water_depth", 16, at(1)), t)  # back to blue: yellow starts again, blue does not
    signals_of(detector, reading("water_depth", 29, at(2)), t)
    assert levels(signals_of(detector, Tick(at(5)), t)) == [(at(5), 1)]
    assert levels(signals_of(detector, Tick(at(7)), t)) == [(at(7), 2)]


def test_a_wait_that_ran_out_between_readings_fires_at_its_own_time(thresholds: detect.Thresholds) -> None:
    # no tick between 8:50 and 8:58: the reading at 8:58 announces blue at 8:55 (when it ran out), not at 8:58
    t = five_minutes(thresholds)
    detector = detect.DetectorState()
    signals_of(detector, reading("water_depth", 5, at(-1), interval_s=600), t)
    signals_of(detector, reading("water_depth", 16, at(0), interval_s=600), t)
    assert levels(signals_of(detector, reading("water_depth", 17, at(8), interval_s=600), t)) == [(at(5), 1)]


def test_a_fall_below_the_tier_before_the_minimum_cancels_the_wait(thresholds: detect.Thresholds) -> None:
    t = five_minutes(thresholds)
    detector = detect.DetectorState()
    signals_of(detector, reading("water_depth", 5, at(-1)), t)
    signals_of(detector, reading("water_depth", 16, at(0)), t)
    signals_of(detector, reading("water_depth", 10, at(3)), t)
    assert levels(signals_of(detector, Tick(at(5)), t)) == []
    signals_of(detector, reading("water_depth", 16, at(4)), t)  # a new run from 8:54
    assert levels(signals_of(detector, Tick(at(8)), t)) == []
    assert levels(signals_of(detector, Tick(at(9)), t)) == [(at(9), 1)]


def test_silence_fires_on_the_first_tick_after_it_is_due(thresholds: detect.Thresholds) -> None:
    # gas: factor 3, 60 s interval: silent once more than 3 minutes pass; ticks every 10 s find it at once
    detector = detect.DetectorState()
    signals_of(detector, reading("gas_lel", 1, T0), thresholds)
    for s in range(10, 181, 10):
        assert signals_of(detector, Tick(T0 + s * 1000), thresholds) == []
    (silent,) = signals_of(detector, Tick(T0 + 190_000), thresholds)
    assert (silent.kind, silent.at_ms) == ("sensor_silent", T0 + 190_000)


def test_a_restored_detector_still_fires_its_waits_and_silences(thresholds: detect.Thresholds) -> None:
    t = five_minutes(thresholds)
    detector = detect.DetectorState()
    signals_of(detector, reading("water_depth", 5, at(-1)), t)
    signals_of(detector, reading("water_depth", 16, at(0)), t)
    restored = detect.DetectorState(devices=dict(detector.devices))  # as a runtime refills it from its table
    fired = signals_of(restored, Tick(at(5)), t)  # 60 s readings: silent since 8:53 as well
    assert levels(fired) == [(at(5), 1)]
    assert [s.kind for s in fired] == ["sensor:water_depth", "sensor_silent"]


def test_a_device_stored_before_per_tier_starts_still_fires(thresholds: detect.Thresholds) -> None:
    t = five_minutes(thresholds)
    old = detect.SensorState(
        "LL-131082-XX-1", "water_depth", "130000", "131082", 116.81, 39.96, 600, at(0), 16.0,
        tier=0, pending_tier=1, pending_since_ms=at(0),
    )  # fmt: skip
    detector = detect.DetectorState(devices={old.device_id: old})
    assert levels(signals_of(detector, Tick(at(5)), t)) == [(at(5), 1)]
