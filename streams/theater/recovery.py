"""Recovery work assigned to agencies (恢复重建): a playbook's `assign` becomes a task owned by an agency, not a unit.

Rule: the work's agency kind (playbooks/data/recovery.yaml) and the incident's place give the owner — the
province-wide body of that kind where one serves the whole province (streams/data/work_orders.yaml `provinces`:
State Grid Hebei for power in Hebei), else the county's own agency of that kind. The task is `dispatched` at once
(assigned: 已派出) with a deadline, and moves only by the owning agency's replies (task.status with the owner's id as
`responder_id`): no unit and no fleet status are involved. One piece of work is assigned once per incident.
"""

from __future__ import annotations

from dataclasses import replace

from playbooks.actions import decided
from playbooks.effects import AssignEffect
from playbooks.incident import Incident
from streams.theater.responders import new_task, put_task
from streams.theater.state import Emitter, TheaterContext, TheaterState


def owner_id(agency_kind: str, body: str, adcode: str) -> str:
    """The id an agency answers its tasks with: a province-wide body's id, or `<kind>@<county adcode>`."""
    return body or f"{agency_kind}@{adcode}"


def assign(
    state: TheaterState, incident: Incident, effect: AssignEffect, ctx: TheaterContext, out: Emitter
) -> Incident:
    if any(
        t.incident_id == incident.id and t.capability == effect.work and t.agency_kind for t in state.tasks.values()
    ):
        return incident  # reopened and recovered again: the work already has its owner
    body = ctx.work_orders.provinces.get(incident.province, {}).get(effect.agency_kind, "")
    state.task_number += 1
    task_id = f"{incident.id}-T{state.task_number:03d}.1"
    task = replace(
        new_task(state, incident, task_id, effect.work, effect.deadline_ms, effect.rule, effect.reason),
        status="dispatched",
        responder_id=owner_id(effect.agency_kind, body, incident.adcode),
        responder_province=incident.province,
        responder_adcode=incident.adcode,
        agency_kind=effect.agency_kind,
        agency=body,
    )
    put_task(state, out, task)
    what = f"assign {effect.work} to {task.responder_id}"
    return decided(incident, state.now_ms, what, effect.rule, (), effect.reason)
