"""Casualty reports route the injured to hospitals by road time, free beds and speciality, across the border."""

from __future__ import annotations

from ebrain.compose import Core
from geo.fleet import FleetState, Responder, load_capabilities
from playbooks.evidence import Signal
from streams.theater.casualties import CasualtyRouting, route
from streams.theater.state import Emitter, TheaterState
from tests.streams.theater.theater_geo_kit import BJ, HB, T0, YANJIAO, incident_at, of_kind, start, stepwise


def hospital(rid: str, province: str, adcode: str, lon: float, lat: float, beds: int, burns: bool) -> Responder:
    return Responder(
        rid, rid, "hospital", frozenset({"hospital_beds", "medical"}), 100, province, adcode, lon, lat,
        beds=beds, specialities=frozenset({"burns"} if burns else ()),
    )  # fmt: skip


HOSPITALS = [
    hospital("h-sanhe", HB, "131082", 116.85, 39.97, 400, burns=False),  # nearest; 20 surge beds
    hospital("h-tongzhou", BJ, "110112", 116.70, 39.90, 1000, burns=True),  # across the border; 50 + 10 burns
    hospital("h-langfang", HB, "131003", 116.70, 39.52, 800, burns=True),  # farthest; 40 + 8 burns
]


def casualties(injured: int, at_ms: int, deaths: int = 0, burns: int | None = None) -> Signal:
    said = () if burns is None else (("burns", str(burns)),)
    return Signal(
        signal_id=f"cas-{at_ms}", source="agency", kind="casualties", at_ms=at_ms, province=HB, adcode="131082",
        lon=YANJIAO[0], lat=YANJIAO[1], value=float(deaths),
        attrs=(("agency", "langfang-emergency"), ("deaths", str(deaths)), ("injured", str(injured)), *said),
    )  # fmt: skip


def routed(state: TheaterState, core: Core, signal: Signal) -> tuple[CasualtyRouting | None, Emitter]:
    incident = state.fusion.incidents.get("JINGJINJI-000001") or incident_at()
    out = start(state, incident, signal.at_ms)
    out.incident(route(state, incident, signal, stepwise(core.theater), out))
    found = of_kind(out.deltas, "casualty_routing")
    return (found[0] if found else None), out


def test_burns_cases_go_to_burns_units_and_the_rest_to_the_nearest_beds(core: Core) -> None:
    state = TheaterState(fleet=FleetState.initial(HOSPITALS, load_capabilities().capabilities))
    routing, _ = routed(state, core, casualties(27, T0))
    assert routing is not None
    # 30 % of 27 are burns cases (hospitals.yaml): 8 to 通州's burns unit; 19 general beds at 三河
    assert [(h.hospital_id, h.speciality, h.casualties, h.cross_border) for h in routing.hospitals] == [
        ("h-tongzhou", "burns", 8, True),
        ("h-sanhe", "", 19, False),
    ]
    assert routing.unplaced == 0
    decision = state.fusion.incidents["JINGJINJI-000001"].decisions[-1]
    assert decision.what == "casualties routed: 27 injured to 2 hospitals, 8 across the border"

    # the next report is a running total: only the 33 new injured are routed, into the beds left
    routing, _ = routed(state, core, casualties(60, T0 + 3_600_000))
    assert routing is not None and routing.injured == 33
    assert [(h.hospital_id, h.speciality, h.casualties) for h in routing.hospitals] == [
        ("h-tongzhou", "burns", 2),  # 10 burns beds, 8 taken
        ("h-langfang", "burns", 8),
        ("h-sanhe", "", 1),  # 20 surge beds, 19 taken
        ("h-tongzhou", "", 22),
    ]
    assert state.hospital_load == {"h-tongzhou/burns": 10, "h-langfang/burns": 8, "h-sanhe": 20, "h-tongzhou": 22}

    # the same total again routes nobody
    load = dict(state.hospital_load)
    routing, out = routed(state, core, casualties(60, T0 + 7_200_000))
    assert routing is None and {d.kind for d in out.deltas} == {"incident"}
    assert state.hospital_load == load


def test_when_every_bed_in_reach_is_full_the_shortage_is_reported(core: Core) -> None:
    state = TheaterState(fleet=FleetState.initial(HOSPITALS[:1], load_capabilities().capabilities))
    routing, _ = routed(state, core, casualties(30, T0))
    assert routing is not None
    assert [(h.hospital_id, h.casualties) for h in routing.hospitals] == [("h-sanhe", 20)]
    assert routing.unplaced == 10  # 9 burns cases with no burns unit went to general beds while there was room
    assert "10 without a free bed in reach" in routing.reason


def test_a_hospital_out_of_service_takes_nobody_but_one_that_sent_its_team_does(core: Core) -> None:
    fleet = FleetState.initial(HOSPITALS, load_capabilities().capabilities)
    fleet = fleet.with_statuses({"h-sanhe": "out_of_service", "h-tongzhou": "assigned"})
    state = TheaterState(fleet=fleet)
    routing, _ = routed(state, core, casualties(10, T0))
    assert routing is not None
    assert {h.hospital_id for h in routing.hospitals} == {"h-tongzhou"}


def test_with_the_generated_fleet_yanjiao_injured_find_beds_on_both_sides(core: Core) -> None:
    state = TheaterState(fleet=core.initial_fleet)
    routing, _ = routed(state, core, casualties(27, T0))
    assert routing is not None
    assert sum(h.casualties for h in routing.hospitals) == 27
    assert {h.province for h in routing.hospitals} == {HB, BJ}
    burns = [h for h in routing.hospitals if h.speciality == "burns"]
    assert sum(h.casualties for h in burns) == 8
    assert all("burns" in core.initial_fleet.responders[h.hospital_id].specialities for h in burns)
    times = [h.travel_s for h in routing.hospitals if not h.speciality]
    assert times == sorted(times)


def test_burns_the_report_counts_go_to_burns_units_across_the_border_when_the_near_ones_fill(core: Core) -> None:
    """Contract 1.2: the report says 12 of 20 are burns (the mix would have said 6). Beijing's 通州 unit (10 beds)
    is nearest; the rest of the burns go on to 廊坊; the next report routes only the new burns cases."""
    state = TheaterState(fleet=FleetState.initial(HOSPITALS, load_capabilities().capabilities))
    routing, _ = routed(state, core, casualties(20, T0, burns=12))
    assert routing is not None
    assert [(h.hospital_id, h.speciality, h.casualties, h.cross_border) for h in routing.hospitals] == [
        ("h-tongzhou", "burns", 10, True),
        ("h-langfang", "burns", 2, False),
        ("h-sanhe", "", 8, False),
    ]
    assert "10 to h-tongzhou (burns)" in routing.reason and "in 北京市" in routing.reason
    routing, _ = routed(state, core, casualties(30, T0 + 3_600_000, burns=15))  # 10 new, 3 of them burns
    assert routing is not None
    assert [(h.hospital_id, h.speciality, h.casualties) for h in routing.hospitals] == [
        ("h-langfang", "burns", 3),
        ("h-sanhe", "", 7),
    ]
    assert state.burns_routed == {"JINGJINJI-000001": 15}
