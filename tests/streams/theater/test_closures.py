"""Road closures reported by agencies change routes and choices while they are in force."""

from __future__ import annotations

import pytest

from ebrain.compose import Core
from playbooks.evidence import Precision, Signal
from playbooks.lifecycle import DispatchEffect
from streams.theater import store as theater_store
from streams.theater.closures import roads_of
from streams.theater.effects import dispatch
from streams.theater.state import TheaterContext, TheaterState
from tests.streams.theater.theater_geo_kit import BJ, T0, YANJIAO, incident_at, of_kind, run, start, stepwise

MIN = 60_000
TONGZHOU_GAS = "gas_crew-110112-01"  # base (116.68622, 39.93129), 19 min from 燕郊 on open roads
SANHE_GAS = "gas_crew-131082-01"  # 36 min
BRIDGE = (116.74811, 39.945645)  # halfway between 通州's gas crew and 燕郊, on its way in


def agency_report(kind: str, at_ms: int, lon: float | None, lat: float | None, precision: Precision = "gps") -> Signal:
    return Signal(
        signal_id=f"{kind}-{at_ms}", source="agency", kind=f"report:{kind}", at_ms=at_ms, province=BJ,
        adcode="110112", lon=lon, lat=lat, precision=precision, attrs=(("agency", "tongzhou-traffic"),),
    )  # fmt: skip


def second_gas_crew(state: TheaterState, ctx: TheaterContext, at_ms: int) -> str:
    """Dispatch two gas crews to 燕郊 and return who got the second slot (the first is 大厂's, local)."""
    incident = incident_at(incident_id=f"JINGJINJI-{at_ms}")
    out = start(state, incident, at_ms)
    out.incident(dispatch(state, incident, DispatchEffect(incident.id, "r", "gas_isolation", 2, at_ms), ctx, out))
    tasks = sorted(of_kind(out.deltas, "task"), key=lambda t: t.id)
    for task in tasks:  # free the units again, so that only the roads differ between calls
        state.fleet = state.fleet.with_status(task.responder_id, "available")
    return tasks[1].responder_id


def test_a_collapsed_bridge_sends_the_local_crew_and_reopening_brings_back_the_faster_one(core: Core) -> None:
    ctx = stepwise(core.theater)
    state = TheaterState(fleet=core.initial_fleet)
    assert second_gas_crew(state, ctx, T0) == TONGZHOU_GAS
    tongzhou = core.initial_fleet.responders[TONGZHOU_GAS]
    open_s = roads_of(state, ctx).travel_time_s(tongzhou.base_lon, tongzhou.base_lat, *YANJIAO)

    deltas = run(state, ctx, agency_report("bridge_collapsed", T0 + MIN, *BRIDGE), until_ms=T0 + MIN)
    (closure,) = of_kind(deltas, "closure")
    assert (closure.kind, closure.status, closure.factor, closure.radius_m) == ("bridge_collapse", "active", None, 300)
    closed_s = roads_of(state, ctx).travel_time_s(tongzhou.base_lon, tongzhou.base_lat, *YANJIAO)
    assert closed_s == pytest.approx(2 * open_s)  # the local detour around an impassable point doubles the leg
    assert second_gas_crew(state, ctx, T0 + 2 * MIN) == SANHE_GAS  # no longer materially faster: stay local

    deltas = run(state, ctx, agency_report("road_reopened", T0 + 3 * MIN, 116.7500, 39.9460), until_ms=T0 + 3 * MIN)
    assert [(c.id, c.status) for c in of_kind(deltas, "closure")] == [(closure.id, "reopened")]
    assert state.closures == {}
    assert roads_of(state, ctx) is ctx.roads
    assert second_gas_crew(state, ctx, T0 + 4 * MIN) == TONGZHOU_GAS


def test_a_closure_needs_a_position(core: Core) -> None:
    ctx = stepwise(core.theater)
    state = TheaterState(fleet=core.initial_fleet)
    vague = agency_report("road_closed", T0, 116.66, 39.91, precision="county")
    deltas = run(state, ctx, vague, until_ms=T0)
    assert [d.kind for d in deltas] == ["rejected"]
    assert "incident_kind='road_closed' needs a position (located only to county precision)" in deltas[0].entity
    assert state.closures == {}


def test_reopening_where_nothing_is_closed_is_rejected(core: Core) -> None:
    ctx = stepwise(core.theater)
    state = TheaterState(fleet=core.initial_fleet)
    run(state, ctx, agency_report("road_closed", T0, *BRIDGE), until_ms=T0)
    deltas = run(state, ctx, agency_report("road_reopened", T0 + MIN, 116.80, 39.90), until_ms=T0 + MIN)
    assert [d.kind for d in deltas] == ["rejected"]
    assert "no closure in force within 500 m" in deltas[0].entity
    assert len(state.closures) == 1


def test_closures_survive_a_restart(core: Core) -> None:
    ctx = stepwise(core.theater)
    state = TheaterState(fleet=core.initial_fleet)
    run(state, ctx, agency_report("bridge_collapsed", T0, *BRIDGE), until_ms=T0)
    records = {table: value for table, _key, value in theater_store.changed_records(state)}
    restored = theater_store.restore(core.initial_fleet, [], [], [], records["meta"])
    assert restored.closures == state.closures
    assert second_gas_crew(restored, ctx, T0 + MIN) == SANHE_GAS
