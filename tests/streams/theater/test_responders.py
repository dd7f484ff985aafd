"""Responder status in the theater follows the lifecycle: assigned → en_route → on_scene → returning →
available; out-of-service units are never sent, and a unit that breaks down on a task is replaced."""

from __future__ import annotations

from ebrain.compose import Core
from playbooks.lifecycle import DispatchEffect
from streams.theater.effects import dispatch
from streams.theater.state import TheaterContext, TheaterState
from streams.wire.records import ResourceUpdate, TaskReply
from tests.streams.theater.theater_geo_kit import T0, incident_at, of_kind, run, start, stepwise

MIN = 60_000
DACHANG_GAS = "gas_crew-131028-01"  # the nearest gas crew to 燕郊 (20 min)
SANHE_GAS = "gas_crew-131082-01"  # the next one in Hebei (36 min)
TASK = "JINGJINJI-000001-T001.1"


def one_gas_crew(core: Core, state: TheaterState | None = None) -> tuple[TheaterState, TheaterContext, list]:
    ctx = stepwise(core.theater)
    state = state or TheaterState(fleet=core.initial_fleet)
    incident = state.fusion.incidents.get("JINGJINJI-000001") or incident_at()
    out = start(state, incident, max(state.now_ms, T0))
    effect = DispatchEffect(incident.id, "gas-leak-first-response", "gas_isolation", 1, T0 + 15 * MIN)
    out.incident(dispatch(state, incident, effect, ctx, out))
    return state, ctx, out.deltas


def reply(status: str, at_ms: int, task_id: str = TASK, responder: str = DACHANG_GAS) -> TaskReply:
    return TaskReply(f"reply-{status}-{at_ms}", task_id, responder, status, at_ms)


def report(status: str, at_ms: int, responder: str = DACHANG_GAS) -> ResourceUpdate:
    return ResourceUpdate(f"res-{status}-{at_ms}", responder, status, at_ms, "sanhe-gas")


def test_a_unit_goes_through_its_lifecycle_and_is_back_after_its_drive_home(core: Core) -> None:
    state, ctx, deltas = one_gas_crew(core)
    (task,) = of_kind(deltas, "task")
    assert (task.responder_id, task.travel_s) == (DACHANG_GAS, 1177.5)
    assert state.fleet.status_of(DACHANG_GAS) == "assigned"
    seen = []
    for status, at in (("acknowledged", 1), ("en_route", 2), ("on_scene", 22), ("completed", 90)):
        run(state, ctx, reply(status, T0 + at * MIN), until_ms=T0 + at * MIN)
        seen.append((state.tasks[TASK].status, state.fleet.status_of(DACHANG_GAS)))
    assert seen == [
        ("acknowledged", "assigned"),
        ("en_route", "en_route"),
        ("on_scene", "on_scene"),
        ("completed", "returning"),
    ]
    back_at = T0 + 90 * MIN + 1178_000  # the same drive as the way out, rounded up to the second
    assert run(state, ctx, until_ms=back_at - 1) == []
    deltas = run(state, ctx, until_ms=back_at + 5 * MIN)
    assert [(d.kind, d.at_ms, d.entity["status"], d.entity["why"]) for d in deltas] == [
        ("responder", back_at, "available", "back at base")
    ]


def test_a_reply_against_the_lifecycle_is_rejected_and_changes_nothing(core: Core) -> None:
    state, ctx, _ = one_gas_crew(core)
    deltas = run(state, ctx, reply("completed", T0 + MIN), until_ms=T0 + MIN)  # never went on scene
    assert [d.kind for d in deltas] == ["rejected"]
    assert "is assigned: it cannot become returning" in deltas[0].entity
    assert (state.tasks[TASK].status, state.fleet.status_of(DACHANG_GAS)) == ("dispatched", "assigned")
    assert state.returning == {}


def test_a_reply_for_someone_elses_task_is_rejected(core: Core) -> None:
    state, ctx, _ = one_gas_crew(core)
    deltas = run(state, ctx, reply("en_route", T0 + MIN, responder=SANHE_GAS), until_ms=T0 + MIN)
    assert [d.kind for d in deltas] == ["rejected"]
    assert state.fleet.status_of(SANHE_GAS) == "available"


def test_an_out_of_service_unit_is_never_chosen_until_it_is_back(core: Core) -> None:
    ctx = stepwise(core.theater)
    state = TheaterState(fleet=core.initial_fleet)
    start(state, incident_at())
    run(state, ctx, report("out_of_service", T0), until_ms=T0)
    assert state.fleet.status_of(DACHANG_GAS) == "out_of_service"
    state, ctx, deltas = one_gas_crew(core, state)
    assert [t.responder_id for t in of_kind(deltas, "task")] != [DACHANG_GAS]
    # an agency report that skips the lifecycle (out of service straight to on scene) is refused
    deltas = run(state, ctx, report("on_scene", T0 + MIN), until_ms=T0 + MIN)
    assert [d.kind for d in deltas] == ["rejected"]
    assert "out_of_service: it cannot become on_scene" in deltas[0].entity
    run(state, ctx, report("available", T0 + 2 * MIN), until_ms=T0 + 2 * MIN)
    state.tasks.clear()
    _, _, deltas = one_gas_crew(core, state)
    assert [t.responder_id for t in of_kind(deltas, "task")] == [DACHANG_GAS]


def test_a_unit_that_breaks_down_on_its_task_is_replaced(core: Core) -> None:
    state, ctx, _ = one_gas_crew(core)
    run(state, ctx, reply("en_route", T0 + MIN), until_ms=T0 + MIN)
    deltas = run(state, ctx, report("out_of_service", T0 + 5 * MIN), until_ms=T0 + 5 * MIN)
    tasks = of_kind(deltas, "task")
    assert [(t.id, t.status) for t in tasks] == [(TASK, "declined"), ("JINGJINJI-000001-T002.1", "dispatched")]
    assert "out of service" in tasks[0].reason
    assert tasks[1].responder_id not in (DACHANG_GAS, None)
    assert tasks[1].deadline_ms == T0 + 15 * MIN  # the need has not changed
    decisions = [d.what for d in state.fusion.incidents["JINGJINJI-000001"].decisions]
    assert f"replace {DACHANG_GAS} on {TASK}" in decisions


def test_an_agency_report_of_available_cuts_the_drive_home_short(core: Core) -> None:
    state, ctx, _ = one_gas_crew(core)
    for status, at in (("en_route", 1), ("on_scene", 22), ("completed", 30)):
        run(state, ctx, reply(status, T0 + at * MIN), until_ms=T0 + at * MIN)
    assert DACHANG_GAS in state.returning
    run(state, ctx, report("available", T0 + 35 * MIN), until_ms=T0 + 35 * MIN)
    assert state.returning == {}
    assert run(state, ctx, until_ms=T0 + 120 * MIN) == []  # no second "back at base"
