"""Recovery work is assigned to the agency that owns it at the incident's place, and moves by that agency's replies."""

from __future__ import annotations

from ebrain.compose import Core
from playbooks.effects import AssignEffect
from playbooks.recovery import load_recovery_work
from streams.theater.recovery import assign
from streams.theater.state import TheaterState
from streams.wire.records import TaskReply
from tests.streams.theater.theater_geo_kit import T0, incident_at, of_kind, run, start, stepwise

MIN = 60_000


def assigned(core: Core, *works: tuple[str, str]) -> tuple[TheaterState, list]:
    ctx = stepwise(core.theater)
    state = TheaterState(fleet=core.initial_fleet)
    incident = incident_at()  # 燕郊, 三河市 (Hebei)
    out = start(state, incident, T0)
    for work, kind in works:
        incident = assign(
            state, incident, AssignEffect(incident.id, "stage:after:enter", work, kind, T0 + MIN), ctx, out
        )
    out.incident(incident)
    return state, out.deltas


def test_the_owner_is_the_province_wide_body_where_one_serves_else_the_county_own_agency(core: Core) -> None:
    _, deltas = assigned(core, ("power_restoration", "power_utility"), ("damage_assessment", "county_government"))
    power, damage = of_kind(deltas, "task")
    assert (power.responder_id, power.agency, power.status) == ("hebei-power", "hebei-power", "dispatched")
    assert (damage.responder_id, damage.agency, damage.agency_kind) == (
        "county_government@131082",
        "",
        "county_government",
    )
    assert not of_kind(deltas, "responder")


def test_the_same_work_is_assigned_once_per_incident(core: Core) -> None:
    state, deltas = assigned(core, ("road_clearance", "transport"), ("road_clearance", "transport"))
    assert len(of_kind(deltas, "task")) == 1 and len(state.tasks) == 1


def test_the_owning_agency_replies_move_the_task_and_a_unit_status_is_refused(core: Core) -> None:
    state, deltas = assigned(core, ("gas_restoration", "gas_utility"))
    (task,) = of_kind(deltas, "task")
    ctx = stepwise(core.theater)
    owner = task.responder_id
    out = run(state, ctx, TaskReply("r1", task.id, owner, "en_route", T0 + 2 * MIN), until_ms=T0 + 2 * MIN)
    assert [d.kind for d in out] == ["rejected"] and state.tasks[task.id].status == "dispatched"
    out = run(state, ctx, TaskReply("r2", task.id, owner, "completed", T0 + 3 * MIN), until_ms=T0 + 3 * MIN)
    assert [d.entity.status for d in out if d.kind == "task"] == ["completed"]
    out = run(state, ctx, TaskReply("r3", task.id, "someone-else", "completed", T0 + 4 * MIN), until_ms=T0 + 4 * MIN)
    assert [d.kind for d in out] == ["rejected"]


def test_every_recovery_work_is_owned_by_an_agency_kind_the_theater_knows_and_has_words(core: Core) -> None:
    for work, kind in load_recovery_work().items():
        assert kind in core.theater.work_orders.agencies, (work, kind)
        assert core.words.word("capability", work, "en") != work, work
        assert "{county}" not in core.words.owner(f"{kind}@130702", "zh")
