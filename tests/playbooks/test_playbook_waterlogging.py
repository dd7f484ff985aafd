"""Shipped playbook waterlogging: depth tiers at underpasses, closure, rescue, manholes, stand-down."""

from __future__ import annotations

from collections.abc import Callable

from playbooks.effects import ClosureEffect, DispatchEffect
from playbooks.places import km_between
from playbooks.plan import Playbook
from tests.playbooks.conftest import dry_run, effects_of, whats

LIUliqiao = {"province": "110000", "adcode": "110106", "lon": 116.311, "lat": 39.871, "source": "sensor"}


def depth(minute: int, cm: float) -> dict[str, object]:
    return {"at": f"2023-07-30T18:{minute:02d}:00+08:00", "kind": "sensor:water_depth", "value": cm, **LIUliqiao}


def test_rising_water_warns_closes_then_rescues(shipped: Callable[[str], Playbook]) -> None:
    dry = dry_run(
        shipped("waterlogging"),
        [depth(0, 16), depth(10, 28), depth(15, 55), {"at": "2023-07-30T18:30:00+08:00", "command": "tick"}],
        "waterlogging",
    )
    assert dry.incident is not None
    fired = [w for w in whats(dry) if w.startswith("rule ")]
    assert fired[:4] == [
        "rule underpass-water-rising fired",
        "rule stage:during:enter fired",
        "rule underpass-close fired",
        "rule underpass-rescue fired",
    ]
    assert dry.incident.warning_colour == "red" and dry.incident.response_level == "II"  # III +1 unacknowledged
    assert "timer ack-closure fired" in whats(dry)
    assert sorted(e.capability for e in effects_of(dry, DispatchEffect)) == ["search_rescue", "water_rescue"]


def test_far_from_an_underpass_the_first_tier_stays_quiet(shipped: Callable[[str], Playbook]) -> None:
    away = {**depth(0, 16), "lon": 116.60, "lat": 40.10, "adcode": "110113"}
    dry = dry_run(shipped("waterlogging"), [away], "waterlogging")
    assert "rule underpass-water-rising fired" not in whats(dry)


def test_clear_sensor_stands_down_and_quiet_closes(shipped: Callable[[str], Playbook]) -> None:
    clear = {"at": "2023-07-30T20:00:00+08:00", "kind": "sensor_clear", **LIUliqiao}
    tick = {"at": "2023-07-31T03:00:00+08:00", "command": "tick"}
    dry = dry_run(
        shipped("waterlogging"),
        [depth(0, 28), {"at": "2023-07-30T18:05:00+08:00", "command": "acknowledge"}, clear, tick],
        "waterlogging",
    )
    assert [w for w in whats(dry) if w.startswith("stage")] == [
        "stage before→during",
        "stage during→after",
        "stage after→closed",
    ]
    assert dry.incident is not None and dry.incident.status == "closed"


def test_open_manhole_gets_a_crew_within_30_minutes(shipped: Callable[[str], Playbook]) -> None:
    cover = {"at": "2023-07-30T18:00:00+08:00", "kind": "sensor:manhole_cover", "severity": 3, **LIUliqiao}
    dry = dry_run(shipped("waterlogging"), [cover], "waterlogging")
    (task,) = effects_of(dry, DispatchEffect)
    assert dry.incident is not None
    assert (task.capability, task.deadline_ms - dry.incident.opened_at_ms) == ("water_repair", 30 * 60_000)


def test_the_closure_depth_closes_the_nearest_underpass_and_the_stand_down_lifts_it(
    shipped: Callable[[str], Playbook],
) -> None:
    clear = {"at": "2023-07-30T20:00:00+08:00", "kind": "sensor_clear", **LIUliqiao}
    dry = dry_run(shipped("waterlogging"), [depth(0, 16), depth(10, 28), clear], "waterlogging")
    closing, lifting = effects_of(dry, ClosureEffect)
    assert (closing.verb, closing.kind, closing.radius_m, closing.factor) == ("close", "flooded_underpass", 200, None)
    assert closing.place and closing.closure_id.startswith(f"C-{dry.incident.id}-underpass-")  # type: ignore[union-attr]
    assert km_between(closing.lon, closing.lat, LIUliqiao["lon"], LIUliqiao["lat"]) <= 0.5  # type: ignore[arg-type]
    assert (lifting.verb, lifting.incident_id) == ("lift", closing.incident_id)


def test_no_underpass_in_reach_closes_the_road_at_the_sensor(shipped: Callable[[str], Playbook]) -> None:
    away = {"lon": 116.60, "lat": 40.10, "adcode": "110113"}
    dry = dry_run(shipped("waterlogging"), [{**depth(0, 28), **away}], "waterlogging")
    (closing,) = effects_of(dry, ClosureEffect)
    assert (closing.lon, closing.lat, closing.place, closing.adcode) == (116.60, 40.10, "", "110113")
    assert "close_road flooded_underpass: no underpass within 0.5 km" in whats(dry)
