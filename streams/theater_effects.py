"""Carrying out a playbook's effects: dispatch through geo, notifications, responder and task status."""

from __future__ import annotations

from dataclasses import replace

from geo.dispatch import DispatchRequest, decide
from geo.regions import PROVINCES
from playbooks import lifecycle
from playbooks.incident import Decision, Incident, Notification, Task
from streams.records import TaskReply
from streams.theater_state import Emitter, TheaterContext, TheaterState
from streams.theater_warnings import carry_out_public

_REPLY_TO_FLEET = {"en_route": "en_route", "on_scene": "on_scene", "completed": "available", "declined": "available"}


def carry_out(
    state: TheaterState,
    incident: Incident,
    effects: tuple[lifecycle.Effect, ...],
    ctx: TheaterContext,
    out: Emitter,
) -> None:
    for effect in effects:
        if isinstance(effect, lifecycle.DispatchEffect):
            incident = dispatch(state, incident, effect, ctx, out)
        elif isinstance(effect, lifecycle.NotifyEffect):
            incident = notify(state, incident, effect, ctx, out)
        else:
            for note in carry_out_public(incident, effect, ctx, out):
                incident = notify(state, incident, note, ctx, out)
    out.incident(incident)


def dispatch(
    state: TheaterState, incident: Incident, effect: lifecycle.DispatchEffect, ctx: TheaterContext, out: Emitter
) -> Incident:
    state.task_number += 1
    base_id = f"{incident.id}-T{state.task_number:03d}"
    request = DispatchRequest(
        task_id=base_id,
        capability=effect.capability,
        count=effect.count,
        lon=incident.lon,
        lat=incident.lat,
        adcode=incident.adcode,
    )
    decision = decide(request, state.fleet, ctx.roads, ctx.regions, ctx.dispatch_policy)
    for index, candidate in enumerate(decision.chosen, start=1):
        responder = state.fleet.responders[candidate.responder_id]
        task = Task(
            id=f"{base_id}.{index}",
            incident_id=incident.id,
            capability=effect.capability,
            created_at_ms=state.now_ms,
            deadline_ms=effect.deadline_ms,
            rule=effect.rule,
            status="dispatched",
            responder_id=candidate.responder_id,
            responder_name=responder.name,
            responder_province=candidate.province,
            responder_adcode=candidate.adcode,
            incident_province=incident.province,
            cross_border=candidate.cross_border,
            travel_s=round(candidate.travel_s, 1),
            reason=decision.reason,
        )
        state.tasks[task.id] = task
        out.emit("task", task.id, task)
        set_responder(state, candidate.responder_id, "assigned", out, f"task {task.id}")
    if decision.shortfall:
        task = Task(
            id=f"{base_id}.0",
            incident_id=incident.id,
            capability=effect.capability,
            created_at_ms=state.now_ms,
            deadline_ms=effect.deadline_ms,
            rule=effect.rule,
            status="unfilled",
            incident_province=incident.province,
            reason=f"{decision.shortfall} short; mutual aid asked of {', '.join(decision.mutual_aid_needed) or 'none'}",
        )
        state.tasks[task.id] = task
        out.emit("task", task.id, task)
    lenders = tuple(c.province for c in decision.chosen if c.province not in incident.provinces)
    if lenders:
        incident = replace(incident, provinces=(*incident.provinces, *sorted(set(lenders))))
    what = f"dispatch {effect.capability} x{effect.count}: {len(decision.chosen)} sent"
    if decision.shortfall:
        what += f", {decision.shortfall} short"
    return replace(
        incident,
        decisions=(*incident.decisions, Decision(state.now_ms, what, effect.rule, (), decision.reason)),
    )


def notify(
    state: TheaterState, incident: Incident, effect: lifecycle.NotifyEffect, ctx: TheaterContext, out: Emitter
) -> Incident:
    targets: set[str] = set()
    for target in effect.to:
        if target == "own":
            targets.update(incident.provinces)
        elif target == "all":
            targets.update(PROVINCES)
        elif target == "neighbours":
            for adcode in incident.adcodes:
                targets.update(ctx.regions.unit(code).province_adcode for code in ctx.regions.neighbours(adcode))
        else:
            targets.add(target)
    units_of: dict[str, list[str]] = {}
    for adcode in effect.adcodes:  # units named besides provinces (e.g. downstream): their provinces are told
        units_of.setdefault(ctx.regions.unit(adcode).province_adcode, []).append(adcode)
    targets.update(units_of)
    for province in sorted(targets):
        state.notification_number += 1
        note = Notification(
            id=f"N{state.notification_number:06d}",
            incident_id=incident.id,
            at_ms=state.now_ms,
            to_province=province,
            rule=effect.rule,
            message=effect.message,
            to_adcodes=tuple(units_of.get(province, ())),
        )
        out.emit("notification", note.id, note)
    what = f"notify {', '.join(sorted(targets))}"
    if effect.adcodes:
        what += f" (units {', '.join(effect.adcodes)})"
    return replace(
        incident,
        decisions=(*incident.decisions, Decision(state.now_ms, what, effect.rule, (), effect.message)),
    )


def set_responder(state: TheaterState, responder_id: str, status: str, out: Emitter, why: str) -> None:
    if responder_id not in state.fleet.responders:
        out.emit("rejected", responder_id, f"unknown responder {responder_id!r} ({why})")
        return
    state.fleet = state.fleet.with_status(responder_id, status)  # type: ignore[arg-type]
    out.emit("responder", responder_id, {"id": responder_id, "status": status, "why": why})


def on_task_reply(state: TheaterState, reply: TaskReply, out: Emitter) -> None:
    task = state.tasks.get(reply.task_id)
    if task is None or task.responder_id != reply.responder_id:
        out.emit("rejected", reply.event_id, f"task.status: no task {reply.task_id!r} for {reply.responder_id!r}")
        return
    updated = replace(task, status=reply.status)  # type: ignore[arg-type]
    state.tasks[task.id] = updated
    out.emit("task", task.id, updated)
    if reply.status in _REPLY_TO_FLEET:
        set_responder(state, reply.responder_id, _REPLY_TO_FLEET[reply.status], out, f"task {task.id} {reply.status}")
