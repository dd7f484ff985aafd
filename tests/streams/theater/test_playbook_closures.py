"""Road closures a playbook puts in force (`close_road`): in force on the feed and for routing, lifted by the
incident's own rule, by an operator, or by a reopening report."""

from __future__ import annotations

from ebrain.compose import Core
from playbooks.evidence import Signal
from streams.theater import store as theater_store
from streams.theater.closures import roads_of
from streams.theater.state import TheaterContext, TheaterState
from tests.streams.theater.theater_geo_kit import BJ, T0, command, of_kind, run, stepwise

MIN = 60_000
LIULIQIAO = (116.311, 39.871)  # a water-level sensor 150 m from the 六里桥 underpass
UNDERPASS = (116.31, 39.87)
FROM_WEST = (116.25, 39.87)


def depth(minute: int, cm: float, kind: str = "sensor:water_depth") -> Signal:
    return Signal(
        signal_id=f"depth-{minute}", source="sensor", kind=kind, at_ms=T0 + minute * MIN, province=BJ,
        adcode="110106", lon=LIULIQIAO[0], lat=LIULIQIAO[1], value=cm, place_key="device:LL-110106-WLV-000001",
        attrs=(("device_id", "LL-110106-WLV-000001"),),
    )  # fmt: skip


def closed(core: Core) -> tuple[TheaterState, TheaterContext, list]:  # type: ignore[type-arg]
    ctx = stepwise(core.theater)
    state = TheaterState(fleet=core.initial_fleet)
    return state, ctx, run(state, ctx, depth(0, 28), until_ms=T0)


def test_the_closure_depth_puts_a_closure_in_force_that_routing_avoids(core: Core) -> None:
    state, ctx, deltas = closed(core)
    (closure,) = of_kind(deltas, "closure")
    assert (closure.kind, closure.status, closure.radius_m, closure.rule) == (
        "flooded_underpass", "active", 200, "underpass-close",
    )  # fmt: skip
    assert (closure.lon, closure.lat) == UNDERPASS and closure.place.startswith("六里桥")
    assert state.closures == {closure.id: closure}
    incident = of_kind(deltas, "incident")[-1]
    assert closure.incident_id == incident.id
    assert "closure flooded_underpass in force (200 m)" in [d.what for d in incident.decisions]
    open_s = ctx.roads.travel_time_s(*FROM_WEST, *UNDERPASS)
    assert roads_of(state, ctx).travel_time_s(*FROM_WEST, *UNDERPASS) > open_s

    again = run(state, ctx, depth(5, 30), until_ms=T0 + 5 * MIN)
    assert of_kind(again, "closure") == []  # in force already: not put in force twice


def test_the_stand_down_lifts_the_incidents_closure(core: Core) -> None:
    state, ctx, deltas = closed(core)
    (closure,) = of_kind(deltas, "closure")
    deltas = run(state, ctx, depth(30, 0, "sensor_clear"), until_ms=T0 + 30 * MIN)
    (lifted,) = of_kind(deltas, "closure")
    assert (lifted.id, lifted.status, lifted.lifted_by) == (closure.id, "reopened", "stage:after:enter")
    assert state.closures == {} and roads_of(state, ctx) is ctx.roads
    assert "closure flooded_underpass lifted" in [d.what for d in of_kind(deltas, "incident")[-1].decisions]


def test_an_operator_lifts_a_closure_and_a_wrong_id_is_refused(core: Core) -> None:
    state, ctx, deltas = closed(core)
    (closure,) = of_kind(deltas, "closure")
    wrong = run(state, ctx, command("lift_closure", BJ, closure.id + "x", T0 + MIN), until_ms=T0 + MIN)
    assert [d.kind for d in wrong] == ["rejected"]
    assert f"did you mean '{closure.id}'" in wrong[0].entity
    lift = command("lift_closure", BJ, closure.id, T0 + 2 * MIN, reason="已抽干")
    deltas = run(state, ctx, lift, until_ms=T0 + 2 * MIN)
    (lifted,) = of_kind(deltas, "closure")
    assert (lifted.status, lifted.lifted_by, lifted.reason) == ("reopened", f"operator:duty@{BJ}", "已抽干")
    decision = of_kind(deltas, "incident")[-1].decisions[-1]
    assert (decision.what, decision.rule) == ("closure flooded_underpass lifted", f"operator:duty@{BJ}")
    assert state.closures == {}


def test_a_reopening_report_lifts_a_playbook_closure(core: Core) -> None:
    state, ctx, _ = closed(core)
    report = Signal(
        signal_id="reopen-1", source="agency", kind="report:road_reopened", at_ms=T0 + MIN, province=BJ,
        adcode="110106", lon=UNDERPASS[0], lat=UNDERPASS[1], attrs=(("agency", "fengtai-traffic"),),
    )  # fmt: skip
    deltas = run(state, ctx, report, until_ms=T0 + MIN)
    (lifted,) = of_kind(deltas, "closure")
    assert (lifted.status, lifted.lifted_by) == ("reopened", "agency:fengtai-traffic")
    assert of_kind(deltas, "incident")[-1].decisions[-1].rule == "agency:fengtai-traffic"


def test_a_playbook_closure_survives_a_restart(core: Core) -> None:
    state, ctx, _ = closed(core)
    records = {table: value for table, _key, value in theater_store.changed_records(state)}
    restored = theater_store.restore(core.initial_fleet, [], [], [], records["meta"])
    assert restored.closures == state.closures
    open_s = ctx.roads.travel_time_s(*FROM_WEST, *UNDERPASS)
    assert roads_of(restored, ctx).travel_time_s(*FROM_WEST, *UNDERPASS) > open_s
