"""Readiness: a warning in force gets coverage and move-up proposals; an accepted move changes where the unit
stands (dispatch ranks it from there, recovery keeps it there); a rejected one does not; each decision says who."""

from __future__ import annotations

from ebrain.compose import Core
from geo.dispatch import DispatchRequest, decide
from playbooks.evidence import Signal
from streams.theater import store
from streams.theater.state import TheaterState
from tests.streams.theater.theater_geo_kit import BJ, T0, command, of_kind, run, stepwise

MIN = 60_000


def warning(at_ms: int = T0, action: str = "issue") -> Signal:
    return Signal(
        signal_id=f"w-{action}-{at_ms}", source="agency", kind="warning", at_ms=at_ms, province=BJ, adcode="110101",
        lon=116.41, lat=39.93, severity=4,
        attrs=(
            ("agency", "beijing-meteorological"), ("action", action), ("warning_id", "W1"), ("hazard", "rainstorm"),
            ("colour", "red"), ("area", "110101,110102,110105,110106,110108,110118"),
        ),
    )  # fmt: skip


def test_an_accepted_move_up_changes_where_the_unit_stands(core: Core) -> None:
    ctx = stepwise(core.theater)
    state = TheaterState(fleet=core.initial_fleet)
    deltas = run(state, ctx, warning(), until_ms=T0 + MIN)
    proposed = of_kind(deltas, "move_up")
    readiness = of_kind(deltas, "readiness")
    assert proposed and all(m.status == "proposed" for m in proposed)
    assert (
        readiness[-1].before == readiness[-1].after
        and readiness[-1].proposed["hazards_15"] >= readiness[-1].before["hazards_15"]
    )
    first = proposed[0]
    deltas = run(state, ctx, command("approve", BJ, f"move:{first.id}", T0 + 2 * MIN), until_ms=T0 + 3 * MIN)
    decided = of_kind(deltas, "move_up")[-1]
    assert (decided.status, decided.decided_by) == ("accepted", f"operator:duty@{BJ}")
    unit = state.fleet.responders[first.responder_id]
    assert (unit.base_lon, unit.base_lat) == (first.to_lon, first.to_lat)
    assert of_kind(deltas, "readiness")[-1].after != of_kind(deltas, "readiness")[-1].before
    # dispatch ranks the unit from its new post: sent to the post itself, it is the nearest and minutes away
    request = DispatchRequest("t", first.capability, 1, first.to_lon, first.to_lat, first.to_adcode)
    chosen = decide(request, state.fleet, ctx.roads, ctx.regions, ctx.dispatch_policy).chosen[0]
    assert chosen.responder_id == first.responder_id and chosen.travel_s < 5 * 60
    # recovery from the durable form puts the unit back where it was moved
    restored = store.restore(core.initial_fleet, [], [], [], store.encode_meta(state))
    again = restored.fleet.responders[first.responder_id]
    assert (again.base_lon, again.base_lat) == (first.to_lon, first.to_lat)


def test_a_rejected_move_up_leaves_the_unit_and_a_decided_one_cannot_be_decided_again(core: Core) -> None:
    ctx = stepwise(core.theater)
    state = TheaterState(fleet=core.initial_fleet)
    first = of_kind(run(state, ctx, warning(), until_ms=T0 + MIN), "move_up")[0]
    before = state.fleet.responders[first.responder_id]
    deltas = run(
        state, ctx,
        command("reject", BJ, f"move:{first.id}", T0 + 2 * MIN, reason="留守"),
        command("approve", BJ, f"move:{first.id}", T0 + 3 * MIN),
        command("approve", BJ, "move:W1.M99", T0 + 4 * MIN),
        until_ms=T0 + 5 * MIN,
    )  # fmt: skip
    assert of_kind(deltas, "move_up")[-1].status == "rejected"
    assert state.fleet.responders[first.responder_id] == before
    rejected = of_kind(deltas, "rejected")
    assert any("already rejected" in r for r in rejected) and any("no move-up" in r for r in rejected)


def test_an_update_of_the_warning_withdraws_open_proposals(core: Core) -> None:
    ctx = stepwise(core.theater)
    state = TheaterState(fleet=core.initial_fleet)
    run(state, ctx, warning(), until_ms=T0 + MIN)
    deltas = run(state, ctx, warning(T0 + 2 * MIN, "cancel"), until_ms=T0 + 3 * MIN)
    assert of_kind(deltas, "move_up") and all(m.status == "withdrawn" for m in of_kind(deltas, "move_up"))
