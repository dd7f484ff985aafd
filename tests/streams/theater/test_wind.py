"""The weather agency's wind points a chemical plant's shelter-in-place warning downwind, before ignition.

End to end through the theater step: a station's wind, then a fence-line gas alarm at the registered 南港 plant
opens a `before`-stage incident whose CAP Alert covers the sector downwind (a polygon, the units it touches) with
shelter-in-place instructions in Chinese and English; an Exercise in drills. Without a wind the area is a circle.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from pathlib import Path

import xmlschema

from ebrain.compose import Core
from playbooks.cap import parse_cap_xml
from playbooks.evidence import Signal
from streams import theater
from streams.theater import wind
from streams.theater.state import Delta, TheaterState
from streams.wire.records import Tick

XSD = Path(__file__).parents[3] / "playbooks/data/standards/cap12.xsd"
T0 = int(datetime(2018, 11, 28, 0, 40, tzinfo=timezone(timedelta(hours=8))).timestamp() * 1000)
MIN = 60_000
PLANT = (117.55, 38.75)  # the register's 天津南港工业区 (approximate site)
GATE = (117.546, 38.764)


def weather(at_ms: int, from_deg: float, lon: float = 117.46, lat: float = 38.84, sid: str = "wx-1") -> Signal:
    attrs = (("agency", "binhai-meteorology"), ("wind_from_deg", f"{from_deg:g}"), ("wind_speed_ms", "3.2"))
    return Signal(
        signal_id=sid, source="agency", kind="weather", at_ms=at_ms, province="120000", adcode="120116", lon=lon,
        lat=lat, precision="gps", value=3.2, text="大港气象站", attrs=attrs,
    )  # fmt: skip


def gas_alarm(at_ms: int, lon: float = GATE[0], lat: float = GATE[1], device: str = "LL-120116-GAS-000811") -> Signal:
    return Signal(
        signal_id=f"{device}-{at_ms}", source="sensor", kind="sensor:gas_lel", at_ms=at_ms, province="120000",
        adcode="120116", lon=lon, lat=lat, precision="gps", severity=2, value=12.0, place_key=f"device:{device}",
        attrs=(("device_id", device), ("tier", "yellow")),
    )  # fmt: skip


def run(core: Core, items: list[Signal | Tick], exercise: bool = True) -> tuple[TheaterState, list[Delta]]:
    ctx = dataclasses.replace(core.theater, tick_sources=(), exercise=exercise)
    state = theater.TheaterState(fleet=core.initial_fleet)
    deltas: list[Delta] = []
    for item in items:
        state, out = theater.step(state, item, ctx)
        deltas.extend(out)
    return state, deltas


def warnings_of(deltas: list[Delta]) -> list[dict]:  # type: ignore[type-arg]
    return [d.entity for d in deltas if d.kind == "warning"]


def test_a_gas_alarm_at_a_plant_warns_downwind_before_ignition(core: Core) -> None:
    state, deltas = run(core, [weather(T0 - 30 * MIN, 45), gas_alarm(T0 - 8 * MIN), Tick(T0 - 7 * MIN)])
    assert state.winds and state.unfused_signals >= 1  # the wind is kept, and joins no incident
    (alert,) = warnings_of(deltas)
    assert alert["msg_type"] == "Alert" and alert["sent_ms"] < T0
    incident = state.fusion.incidents[alert["incident_id"]]
    assert incident.stage == "before" and [h.cls for h in incident.hazards] == ["chemical_plant"]
    cap = parse_cap_xml(alert["cap_xml"])
    assert cap.status == "Exercise"
    assert "就地避险" in cap.instruction and "Shelter in place" in cap.instruction
    (area,) = cap.areas
    assert "东北风" in area.description and "north-easterly" in area.description
    (ring,) = area.polygons
    # a north-easterly blows to the south-west: the sector lies south-west of the plant, 8 km out (chlorine)
    far = max(ring, key=lambda p: abs(p[0] - PLANT[0]) + abs(p[1] - PLANT[1]))
    assert far[0] < PLANT[0] and far[1] < PLANT[1]
    assert all(lon <= PLANT[0] + 0.03 and lat <= PLANT[1] + 0.03 for lon, lat in ring)
    assert "120116" in alert["area_adcodes"]
    xmlschema.XMLSchema(str(XSD)).validate(alert["cap_xml"])


def test_with_a_south_wind_the_sector_turns_north(core: Core) -> None:
    _, deltas = run(core, [weather(T0 - 30 * MIN, 180), gas_alarm(T0 - 8 * MIN), Tick(T0 - 7 * MIN)])
    (alert,) = warnings_of(deltas)
    (ring,) = parse_cap_xml(alert["cap_xml"]).areas[0].polygons
    assert min(lat for _, lat in ring) >= PLANT[1] - 1e-6 and max(lat for _, lat in ring) > PLANT[1] + 0.05


def test_without_a_usable_wind_the_area_is_all_round_and_says_so(core: Core) -> None:
    stale = weather(T0 - 5 * 60 * MIN, 45)  # older than 3 h
    _, deltas = run(core, [stale, gas_alarm(T0 - 8 * MIN), Tick(T0 - 7 * MIN)])
    (alert,) = warnings_of(deltas)
    (area,) = parse_cap_xml(alert["cap_xml"]).areas
    assert "风向不明" in area.description
    lats = [lat for _, lat in area.polygons[0]]
    assert min(lats) < PLANT[1] < max(lats)


def test_a_gas_alarm_away_from_any_plant_warns_nobody(core: Core) -> None:
    _, deltas = run(core, [weather(T0 - 30 * MIN, 45), gas_alarm(T0 - 8 * MIN, 117.20, 39.10, "LL-120101-GAS-000001")])
    assert warnings_of(deltas) == []


def test_the_nearest_recent_station_gives_the_wind() -> None:
    state = TheaterState(fleet=None)  # type: ignore[arg-type]
    assert wind.on_report(state, weather(T0 - 60 * MIN, 45, sid="near-old"))
    assert wind.on_report(state, weather(T0 - 10 * MIN, 90, sid="near-new"))  # the same station, later
    assert wind.on_report(state, weather(T0 - 5 * MIN, 270, lon=117.0, lat=39.5, sid="far"))
    found = wind.wind_at(state, *PLANT, T0)
    assert found is not None and found.signal_id == "near-new"
    assert wind.wind_at(state, *PLANT, T0 - 70 * MIN) is None  # nothing reported by then
    assert not wind.on_report(state, gas_alarm(T0))
    assert wind.compass(45) == ("东北风", "north-easterly") and wind.compass(200) == ("南风", "southerly")
