"""Dispatch in the theater: local units get tasks at once, faster or needed neighbours are borrowed,
shortfalls are visible, and a request geo cannot serve is rejected without changing anything."""

from __future__ import annotations

from ebrain.compose import Core
from playbooks.lifecycle import DispatchEffect
from streams.theater.effects import dispatch
from streams.theater.state import TheaterState
from tests.streams.theater.theater_geo_kit import BJ, T0, dispatched, incident_at, manual_aid, of_kind, start

MIN = 60_000


def test_local_units_go_at_once_and_neighbours_are_asked_for(core: Core) -> None:
    state, out, incident = dispatched(manual_aid(core.theater), core.initial_fleet, "fire_suppression", 5)
    # ranked by road time with the local preference: 大厂 ×2, 通州 (10 min and 39 % faster than 三河), 三河, 通州
    tasks = of_kind(out.deltas, "task")
    assert [(t.id, t.responder_id) for t in tasks] == [
        ("JINGJINJI-000001-T001.1", "fire_station-131028-02"),
        ("JINGJINJI-000001-T001.2", "fire_station-131028-01"),
        ("JINGJINJI-000001-T001.4", "fire_station-131082-01"),
    ]
    assert not any(t.cross_border for t in tasks)
    (asked,) = of_kind(out.deltas, "mutual_aid")
    assert (asked.lender, asked.count, state.aid_links[asked.request_id].slots) == (BJ, 2, (3, 5))
    assert state.aid_links[asked.request_id].suggested == ("fire_station-110112-02", "fire_station-110112-05")
    (what,) = [d for d in incident.decisions if d.what.startswith("dispatch")]
    assert what.what == "dispatch fire_suppression x5: 3 sent, 2 asked of 110000"
    assert "北京市 10 min faster (39%)" in what.reason
    assert incident.provinces == ("130000", BJ)


def test_nobody_left_anywhere_is_an_unfilled_task(core: Core) -> None:
    ctx = manual_aid(core.theater)
    every_boat = [rid for rid, r in core.initial_fleet.responders.items() if "boat" in r.capabilities]
    state = TheaterState(fleet=core.initial_fleet.with_statuses(dict.fromkeys(every_boat, "out_of_service")))
    incident = incident_at(116.04, 39.56, "130681", kind="flood_rescue")
    out = start(state, incident)
    incident = dispatch(state, incident, DispatchEffect(incident.id, "r", "boat", 2, T0), ctx, out)
    (gap,) = of_kind(out.deltas, "task")
    assert (gap.id, gap.status, gap.responder_id) == ("JINGJINJI-000001-T001.0", "unfilled", None)
    assert gap.reason == "2 short: no available boat here or from any lender"
    assert incident.decisions[-1].what == "dispatch boat x2: 0 sent, 2 short"
    assert of_kind(out.deltas, "mutual_aid") == []


def test_a_request_geo_cannot_serve_is_rejected_and_changes_nothing(core: Core) -> None:
    ctx = manual_aid(core.theater)
    state = TheaterState(fleet=core.initial_fleet)
    fire = DispatchEffect("JINGJINJI-000001", "r", "fire_suppression", 1, T0)
    for bad, where, message in (
        (DispatchEffect("JINGJINJI-000001", "r", "fire_supression", 1, T0), None, "did you mean 'fire_suppression'"),
        (DispatchEffect("JINGJINJI-000001", "r", "fire_suppression", 0, T0), None, "request.count=0"),
        (fire, (121.47, 31.23), "(121.47, 31.23) is outside the theater jingjinji"),
    ):
        incident = incident_at(*where) if where else incident_at()
        out = start(state, incident)
        after = dispatch(state, incident, bad, ctx, out)
        assert [d.kind for d in out.deltas] == ["incident", "rejected"]
        assert message in out.deltas[-1].entity
        assert after.decisions[-1].what.endswith(": not possible")
        assert state.tasks == {} and state.aid == {}
        assert dict(state.fleet.status) == dict(core.initial_fleet.status)
