"""Mutual aid in the theater: request → offer → commit | decline | timeout, in event time, audited."""

from __future__ import annotations

import pytest

from ebrain.compose import Core
from geo.fleet import FleetState, Responder, load_capabilities
from playbooks.lifecycle import DispatchEffect
from streams.theater.effects import dispatch
from streams.theater.mutual_aid import AidUpdate
from streams.theater.state import TheaterState
from tests.streams.theater.store_kit import restored_copy
from tests.streams.theater.theater_geo_kit import (
    BJ,
    HB,
    T0,
    TJ,
    command,
    dispatched,
    incident_at,
    manual_aid,
    of_kind,
    run,
    start,
    stepwise,
)

GAS_REQUEST = "JINGJINJI-000001-T001-AID-110000"
TONGZHOU_GAS = "gas_crew-110112-01"  # 19 min from 燕郊 against 36 min for 三河's own crew
MIN = 60_000


def gas_dispatch(core: Core, ctx=None) -> tuple[TheaterState, list]:
    """Two gas crews for 燕郊: 大厂's own, and 通州's borrowed from Beijing (materially faster than 三河's)."""
    state, out, _ = dispatched(ctx or manual_aid(core.theater), core.initial_fleet, "gas_isolation", 2)
    return state, out.deltas


def test_a_loan_waits_for_the_lender_then_the_commit_assigns_its_unit(core: Core) -> None:
    ctx = manual_aid(core.theater)
    state, deltas = gas_dispatch(core, ctx)
    # the local crew is sent at once; the Beijing crew is only asked for
    assert [t.responder_id for t in of_kind(deltas, "task")] == ["gas_crew-131028-01"]
    (asked,) = of_kind(deltas, "mutual_aid")
    assert (asked.message, asked.borrower, asked.lender, asked.count) == ("request", HB, BJ, 1)
    assert asked.request_id == GAS_REQUEST and asked.due_ms == T0 + 15 * MIN
    assert state.fleet.status_of(TONGZHOU_GAS) == "available"
    assert BJ in state.fusion.incidents["JINGJINJI-000001"].provinces  # Beijing now sees the incident

    offered = run(state, ctx, command("offer", BJ, GAS_REQUEST, T0 + 2 * MIN), until_ms=T0 + 2 * MIN)
    (offer,) = of_kind(offered, "mutual_aid")
    assert (offer.message, offer.responder_ids, offer.by) == ("offer", (TONGZHOU_GAS,), "operator:duty@110000")
    assert "(approved)" in offer.reason  # the province's own centre approves the loan of a utility crew
    assert of_kind(offered, "task") == []

    committed = run(state, ctx, command("commit", HB, GAS_REQUEST, T0 + 3 * MIN), until_ms=T0 + 3 * MIN)
    assert [u.message for u in of_kind(committed, "mutual_aid")] == ["commit"]
    (task,) = of_kind(committed, "task")
    assert (task.id, task.responder_id, task.cross_border, task.status) == (
        "JINGJINJI-000001-T001.2", TONGZHOU_GAS, True, "dispatched"
    )  # fmt: skip
    assert task.travel_s == pytest.approx(1159.9, abs=0.1)
    assert state.fleet.status_of(TONGZHOU_GAS) == "assigned"
    audit = [d.what for d in state.fusion.incidents["JINGJINJI-000001"].decisions if d.what.startswith("mutual")]
    assert audit == [
        "mutual_aid request 130000→110000 gas_isolation",
        "mutual_aid offer 110000→130000 gas_isolation",
        "mutual_aid commit 130000→110000 gas_isolation",
    ]


def test_no_offer_by_the_deadline_times_out_on_the_tick_and_leaves_the_slot_unfilled(core: Core) -> None:
    ctx = manual_aid(core.theater)
    state, _ = gas_dispatch(core, ctx)
    assert run(state, ctx, until_ms=T0 + 15 * MIN) == []  # due by the deadline, not yet overdue
    deltas = run(state, ctx, until_ms=T0 + 20 * MIN)
    (timeout,) = of_kind(deltas, "mutual_aid")
    assert (timeout.message, timeout.stage, timeout.by) == ("timeout", "timed_out", "deadline")
    assert deltas[0].at_ms == T0 + 15 * MIN + 1  # fired at its own event time, not at the tick's
    (gap,) = of_kind(deltas, "task")
    assert (gap.id, gap.status, gap.responder_id) == ("JINGJINJI-000001-T001.2", "unfilled", None)
    assert "北京市 sent no offer" in gap.reason
    # a late offer finds the exchange closed
    late = run(state, ctx, command("offer", BJ, GAS_REQUEST, T0 + 21 * MIN), until_ms=T0 + 21 * MIN)
    assert [d.kind for d in late] == ["rejected"]
    assert "timed_out, not requested" in late[0].entity


def test_the_lender_declines(core: Core) -> None:
    ctx = manual_aid(core.theater)
    state, _ = gas_dispatch(core, ctx)
    deltas = run(state, ctx, command("decline", BJ, GAS_REQUEST, T0 + MIN, reason="crews busy"), until_ms=T0 + MIN)
    (declined,) = of_kind(deltas, "mutual_aid")
    assert (declined.message, declined.reason) == ("decline", "北京市 declines: crews busy")
    assert [t.status for t in of_kind(deltas, "task")] == ["unfilled"]
    assert state.fleet.status_of(TONGZHOU_GAS) == "available"


def test_a_partial_commit_leaves_the_rest_unfilled(core: Core) -> None:
    ctx = manual_aid(core.theater)
    state, out, _ = dispatched(ctx, core.initial_fleet, "fire_suppression", 5)
    rid = "JINGJINJI-000001-T001-AID-110000"
    (asked,) = of_kind(out.deltas, "mutual_aid")
    assert asked.count == 2
    run(state, ctx, command("offer", BJ, rid, T0 + MIN), until_ms=T0 + MIN)
    offered = state.aid[rid].offered
    assert offered == ("fire_station-110112-02", "fire_station-110112-05")
    deltas = run(
        state, ctx, command("commit", HB, rid, T0 + 2 * MIN, evidence_ids=(offered[1],)), until_ms=T0 + 2 * MIN
    )
    tasks = of_kind(deltas, "task")
    assert [(t.id, t.status, t.responder_id) for t in tasks] == [
        ("JINGJINJI-000001-T001.3", "dispatched", offered[1]),  # Beijing's picks ranked 3rd and 5th
        ("JINGJINJI-000001-T001.5", "unfilled", None),
    ]
    assert "北京市 lent 1 of 2" in tasks[1].reason
    assert state.fleet.status_of(offered[0]) == "available"


@pytest.mark.parametrize(
    ("cmd", "message"),
    [
        (
            command("offer", BJ, "JINGJINJI-000001-T001-AID-11000", T0),
            "did you mean 'JINGJINJI-000001-T001-AID-110000'",
        ),
        (command("offer", "110112", GAS_REQUEST, T0), "needs approval; offer has none"),  # a county centre
        (command("offer", HB, GAS_REQUEST, T0), "was made to 北京市, not 河北省"),
        (command("offer", BJ, GAS_REQUEST, T0, evidence_ids=("gas_crew-131082-01",)), "belongs to 河北省"),
        (command("offer", BJ, GAS_REQUEST, T0, evidence_ids=("fire_station-110112-02",)), "has no gas_isolation"),
        (command("offer", BJ, GAS_REQUEST, T0, evidence_ids=("gas_crew-110112-9",)), "is not in the fleet"),
        (command("commit", HB, GAS_REQUEST, T0), "is requested, not offered"),
        (command("offer", "nowhere", GAS_REQUEST, T0), "centre='nowhere' is not a command centre"),
        (command("offer", BJ, GAS_REQUEST, T0, incident_id="JINGJINJI-000002"), "belongs to JINGJINJI-000001"),
    ],
)
def test_a_wrong_command_is_rejected_and_changes_nothing(core: Core, cmd, message: str) -> None:
    ctx = manual_aid(core.theater)
    state, _ = gas_dispatch(core, ctx)
    before = (dict(state.aid), dict(state.fleet.status), dict(state.tasks), state.fusion.incidents.copy())
    deltas = run(state, ctx, cmd, until_ms=T0)
    assert [d.kind for d in deltas] == ["rejected"]
    assert deltas[0].key == cmd.event_id
    assert message in deltas[0].entity
    assert (dict(state.aid), dict(state.fleet.status), dict(state.tasks), state.fusion.incidents) == before


def test_an_offer_of_a_unit_that_is_no_longer_available_is_rejected(core: Core) -> None:
    ctx = manual_aid(core.theater)
    state, _ = gas_dispatch(core, ctx)
    state.fleet = state.fleet.with_status(TONGZHOU_GAS, "out_of_service")
    deltas = run(state, ctx, command("offer", BJ, GAS_REQUEST, T0, evidence_ids=(TONGZHOU_GAS,)), until_ms=T0)
    assert [d.kind for d in deltas] == ["rejected"]
    assert "is out_of_service, not available" in deltas[0].entity


def test_the_joint_centre_answers_for_the_side_whose_turn_it_is(core: Core) -> None:
    ctx = manual_aid(core.theater)
    state, _ = gas_dispatch(core, ctx)
    run(state, ctx, command("offer", "joint", GAS_REQUEST, T0 + MIN), until_ms=T0 + MIN)
    assert state.aid[GAS_REQUEST].stage == "offered"
    run(state, ctx, command("commit", "joint", GAS_REQUEST, T0 + 2 * MIN), until_ms=T0 + 2 * MIN)
    assert state.aid[GAS_REQUEST].stage == "committed"


def test_an_auto_accepted_loan_is_three_audited_messages_in_one_instant(core: Core) -> None:
    # the shipped agreement: Beijing lends Hebei every capability at once (a standing authorisation)
    state, deltas = gas_dispatch(core, stepwise(core.theater))
    updates: list[AidUpdate] = of_kind(deltas, "mutual_aid")
    assert [(u.message, u.by) for u in updates] == [
        ("request", "dispatch:explosion-response"),
        ("offer", "agreement:auto_accept"),
        ("commit", "agreement:auto_accept"),
    ]
    assert {d.at_ms for d in deltas} == {T0}
    tasks = of_kind(deltas, "task")
    assert [(t.id, t.responder_id, t.cross_border) for t in tasks] == [
        ("JINGJINJI-000001-T001.1", "gas_crew-131028-01", False),
        ("JINGJINJI-000001-T001.2", TONGZHOU_GAS, True),
    ]
    assert state.fleet.status_of(TONGZHOU_GAS) == "assigned"


def boat(rid: str, province: str, adcode: str, lon: float, lat: float) -> Responder:
    caps = frozenset({"search_rescue", "water_rescue", "boat"})
    return Responder(rid, rid, "rescue_team", caps, 12, province, adcode, lon, lat)


def test_local_boats_committed_so_the_nearest_lending_neighbour_is_asked(core: Core) -> None:
    fleet = FleetState.initial(
        [
            boat("boat-zhuozhou", HB, "130681", 115.97, 39.49),  # 涿州's own, already out on another task
            boat("boat-fangshan", BJ, "110111", 116.10, 39.70),  # across the border, ≈ 25 km
            boat("boat-wuqing", TJ, "120114", 117.04, 39.38),  # Tianjin, ≈ 90 km
        ],
        load_capabilities().capabilities,
    ).with_status("boat-zhuozhou", "assigned")
    ctx = stepwise(core.theater)
    state = TheaterState(fleet=fleet)
    flood = incident_at(116.04, 39.56, "130681", kind="flood_rescue")
    out = start(state, flood)
    out.incident(dispatch(state, flood, DispatchEffect(flood.id, "r", "boat", 1, T0 + 60 * MIN), ctx, out))
    updates = of_kind(out.deltas, "mutual_aid")
    assert {(u.borrower, u.lender) for u in updates} == {(HB, BJ)}
    assert [u.message for u in updates] == ["request", "offer", "commit"]
    assert state.fleet.status_of("boat-fangshan") == "assigned"
    assert state.fleet.status_of("boat-wuqing") == "available"
    (task,) = of_kind(out.deltas, "task")
    assert task.responder_id == "boat-fangshan"
    assert "local 河北省 has no more available boat" in state.fusion.incidents[flood.id].decisions[-4].reason


def test_an_open_exchange_survives_a_restart_and_still_times_out(core: Core) -> None:
    ctx = manual_aid(core.theater)
    state, _ = gas_dispatch(core, ctx)
    restored = restored_copy(state, core.initial_fleet)
    assert restored.aid == state.aid and restored.aid_links == state.aid_links
    deltas = run(restored, ctx, until_ms=T0 + 20 * MIN)
    assert [u.message for u in of_kind(deltas, "mutual_aid")] == ["timeout"]
