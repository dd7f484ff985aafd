"""What the physical world allows: event times, sensor ranges and units, device kinds — each refusal tells the
sender what to change."""

from __future__ import annotations

from pathlib import Path

import pytest

from ebrain.compose import Core
from streams.ingest.limits import DATA_FILE, PhysicalLimits
from streams.ingest.normalize import Memo
from streams.wire.codec import Rejected
from streams.wire.records import Signal
from streams.wire.timefmt import format_time_ms
from tests.streams.ingest.ingest_kit import MIN, T0, feed, raw, reading, reconciled
from tests.streams.ingest.limits_kit import tick

LIMITS = PhysicalLimits.load()
GAS = "LL-131082-GAS-000417"


def named(device: str) -> str:
    return Memo().device_kind(device, "device_id")


def reasons(out: list) -> list[str]:
    return [r.reason for r in out if isinstance(r, Rejected)]


@pytest.mark.parametrize(
    ("kind", "value", "unit", "device", "expected"),
    [
        ("gas_lel", -12.5, "%LEL", GAS, "value: -12.5 %LEL is outside the physical range of gas_lel, 0 to 100 %LEL"),
        ("gas_lel", 150.0, "%LEL", GAS, "value: 150 %LEL is outside the physical range of gas_lel, 0 to 100 %LEL"),
        ("gas_lel", 20.0, "ppm", GAS, "unit: 'ppm' is not the unit of gas_lel; send '%LEL' (percent of the lower"),
        ("gas_lel", 20.0, "%lel", GAS, "did you mean '%LEL'?"),
        ("water_depth", -3.0, "cm", "LL-110106-WATER-1", "outside the physical range of water_depth, 0 to 2000 cm"),
        ("river_flow", 900.0, "m3s", "LL-110111-FLOW-1", "did you mean 'm3/s'?"),
        ("water_depth", 30.0, "cm", GAS, "device_id: 'LL-131082-GAS-000417' is a gas_lel device (GAS) but reports"),
    ],
)
def test_a_reading_outside_its_kind_is_refused_with_the_allowed_range_or_unit(
    kind: str, value: float, unit: str, device: str, expected: str
) -> None:
    reason = LIMITS.reading(kind, value, unit, device, named(device))
    assert reason is not None and expected in reason


def test_readings_within_their_kind_pass_and_an_unregistered_kind_code_is_not_judged() -> None:
    assert LIMITS.reading("gas_lel", 0.0, "%LEL", GAS, named(GAS)) is None
    assert LIMITS.reading("gas_lel", 100.0, "%LEL", GAS, named(GAS)) is None
    assert LIMITS.reading("manhole_cover", 90.0, "deg", "LL-110101-COVER-7", named("LL-110101-COVER-7")) is None
    assert named("LL-110112-WD-3") == ""  # WD: not a code the contract names, so not judged
    assert LIMITS.reading("water_depth", 12.0, "cm", "LL-110112-WD-3", "") is None


def test_a_gas_device_reporting_water_depth_ends_in_the_dead_letters(core: Core) -> None:
    bad = reading(1, value=30.0, kind="water_depth", unit="cm")
    part, out = feed(core, [raw(bad), raw(reading(2, value=-12.5)), raw(reading(3, value=150.0)), raw(reading(4))])
    assert part.counts.as_dict() == {"received": 4, "accepted": 1, "rejected": 3, "duplicates": 0, "ticks": 0}
    first, second, third = reasons(out)
    assert first.startswith("sensor.reading r1: device_id: 'LL-131082-GAS-000417' is a gas_lel device (GAS) but")
    assert "value: -12.5 %LEL" in second and "0 to 100 %LEL" in second
    assert "value: 150 %LEL" in third
    assert (part.detector.devices[GAS].kind, part.detector.devices[GAS].last_value) == ("gas_lel", 1.0)
    assert reconciled(part)


def test_a_batch_reading_in_ppm_is_refused_alone(core: Core) -> None:
    batch = {
        "type": "sensor.batch",
        "schema_version": "1.0",
        "event_id": "gw-1",
        "gateway_id": "GW-1",
        "readings": [reading(1), reading(2, unit="ppm", value=800.0)],
    }
    part, out = feed(core, [raw(batch)])
    (reason,) = reasons(out)
    assert reason.startswith("sensor.batch gw-1 readings[1].unit: 'ppm' is not the unit of gas_lel; send '%LEL'")
    assert "%LEL = ppm / 500" in reason
    assert (part.counts.accepted, part.counts.rejected) == (1, 1)


def test_a_1970_time_is_refused_with_the_field_and_value(core: Core) -> None:
    part, out = feed(core, [raw(reading(1, at_ms=0))])
    (reason,) = reasons(out)
    assert reason.startswith("sensor.reading r1: observed_at: '1970-01-01T08:00:00+08:00' is before 2000-01-01")
    assert "send the time the event happened" in reason
    assert part.counts.accepted == 0 and reconciled(part)


def test_a_time_beyond_the_clock_is_refused_and_never_moves_the_dedup_window(core: Core) -> None:
    year_2031 = T0 + 7 * 365 * 24 * 60 * MIN
    messages = [
        tick(T0),
        raw(reading(1, at_ms=T0)),
        raw(reading(2, at_ms=T0 + 5 * MIN)),  # the allowed skew: accepted
        raw(reading(3, at_ms=T0 + 5 * MIN + 1000)),  # one second more: refused
        raw(reading(4, at_ms=year_2031)),
        raw(reading(1, at_ms=T0)),  # resent: still a duplicate
    ]
    part, out = feed(core, messages)
    assert part.counts.as_dict() == {"received": 5, "accepted": 2, "rejected": 3, "duplicates": 1, "ticks": 1}
    third, fourth, duplicate = reasons(out)
    assert third == (
        f"sensor.reading r3: observed_at: {format_time_ms(T0 + 5 * MIN + 1000)} is 5 min 1 s ahead of the event "
        f"time {format_time_ms(T0)} (the newest tick on ingest.sensor/2); at most 300 s ahead is accepted: check "
        "the producer's clock and its UTC offset"
    )
    assert "observed_at: 2031-" in fourth
    assert duplicate.startswith("duplicate")
    assert (part.seen.clock_ms, part.seen.newest_ms) == (T0, T0 + 5 * MIN)  # the window moved only as far as allowed
    assert "r4" not in part.seen.ids


def test_other_topics_name_their_own_time_field(core: Core) -> None:
    order = {
        "type": "hotline.work_order",
        "schema_version": "1.0",
        "event_id": "h1",
        "order_id": "BJ-1",
        "hotline": "110000",
        "received_at": format_time_ms(T0 + 60 * MIN),
        "category": "求助",
        "urgency": "紧急",
        "content": "燃气味很重",
        "address": "北京市朝阳区建国门外大街1号",
        "caller": {},
    }
    part, out = feed(core, [tick(T0), raw(order)], topic="ingest.hotline")
    assert part.counts.rejected == 1
    (reason,) = reasons(out)
    assert reason.startswith("hotline.work_order h1: received_at: ") and "1.0 h ahead of the event time" in reason
    assert not [s for s in out if isinstance(s, Signal)]


def test_the_data_file_covers_every_sensor_kind(tmp_path: Path) -> None:
    bad = tmp_path / "physical.yaml"
    bad.write_text(DATA_FILE.read_text(encoding="utf-8").replace("  rain_gauge:", "  rain_gage:"), "utf-8")
    with pytest.raises(ValueError, match=r"physical.yaml:\d+: sensors.*'rain_gage' is not a sensor kind; did you"):
        PhysicalLimits.load(bad)
