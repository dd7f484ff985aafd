"""Responders in the theater: tasks sent to them, and their status through the lifecycle
(assigned → en_route → on_scene → returning → available, ``geo/data/responder_lifecycle.yaml``).

A status change that the lifecycle does not allow is a `rejected` delta and changes nothing. A unit whose
task is completed drives back to base and is available again after its travel time, in event time.
"""

from __future__ import annotations

import math
from dataclasses import replace

from playbooks.incident import Incident, Task
from streams.theater.state import Emitter, TheaterContext, TheaterState
from streams.wire.records import ResourceUpdate, TaskReply


def set_responder(
    state: TheaterState,
    responder_id: str,
    status: str,
    out: Emitter,
    why: str,
    ctx: TheaterContext | None = None,
    event_id: str = "",
) -> bool:
    """Change a responder's status; with `ctx` the change must follow the lifecycle (an operator's release
    passes none: it is an audited override). Returns whether the change was made."""
    if responder_id not in state.fleet.responders:
        out.emit("rejected", event_id or responder_id, f"unknown responder {responder_id!r} ({why})")
        return False
    current = state.fleet.status_of(responder_id)
    if ctx is not None:
        try:
            ctx.lifecycle.check(responder_id, current, status)
        except ValueError as exc:
            out.emit("rejected", event_id or responder_id, f"{exc} ({why})")
            return False
    if state.returning.pop(responder_id, None) is not None:
        state.dirty.add(("meta", "returning"))
    state.fleet = state.fleet.with_status(responder_id, status)  # type: ignore[arg-type]
    out.emit("responder", responder_id, {"id": responder_id, "status": status, "why": why})
    return True


_OPEN_TASK = ("dispatched", "acknowledged", "en_route", "on_scene")
_AGENCY_TASK_STATUS = ("acknowledged", "on_scene", "completed", "declined")


def on_resource_update(
    state: TheaterState, update: ResourceUpdate, ctx: TheaterContext, out: Emitter
) -> tuple[Task, ...]:
    """Apply an agency's report; returns the open tasks of a unit that went out of service (now declined),
    which the caller replaces."""
    if update.responder_id in state.fleet.responders and state.fleet.status_of(update.responder_id) == update.status:
        return ()  # a repeated report: nothing changes
    why = f"{update.agency} reported {update.status}"
    if not set_responder(state, update.responder_id, update.status, out, why, ctx, update.event_id):
        return ()
    if update.status != "out_of_service":
        return ()
    left: list[Task] = []
    for task_id in sorted(t.id for t in state.tasks.values() if t.responder_id == update.responder_id):
        task = state.tasks[task_id]
        if task.status in _OPEN_TASK:
            dropped = replace(task, status="declined", reason=f"{task.responder_name} out of service ({why})")
            state.tasks[task.id] = dropped
            out.emit("task", task.id, dropped)
            left.append(dropped)
    return tuple(left)


def on_task_reply(state: TheaterState, reply: TaskReply, ctx: TheaterContext, out: Emitter) -> None:
    task = state.tasks.get(reply.task_id)
    if task is None or task.responder_id != reply.responder_id:
        out.emit("rejected", reply.event_id, f"task.status: no task {reply.task_id!r} for {reply.responder_id!r}")
        return
    if task.agency_kind:  # an agency's work: no unit, no fleet status; the reply is the task's new status
        if reply.status not in _AGENCY_TASK_STATUS:
            out.emit(
                "rejected", reply.event_id, f"task.status {reply.task_id}: {reply.status!r} is not for an agency's work"
            )
            return
        updated = replace(task, status=reply.status)  # type: ignore[arg-type]
        state.tasks[task.id] = updated
        out.emit("task", task.id, updated)
        return
    try:
        new_status = ctx.lifecycle.after_reply(reply.status)
    except ValueError as exc:
        out.emit("rejected", reply.event_id, f"task.status {reply.task_id}: {exc}")
        return
    why = f"task {task.id} {reply.status}"
    moves = new_status is not None and new_status != state.fleet.status_of(reply.responder_id)
    if moves and not set_responder(state, reply.responder_id, str(new_status), out, why, ctx, reply.event_id):
        return  # the reply contradicts the unit's lifecycle: the task is left as it was
    updated = replace(task, status=reply.status)  # type: ignore[arg-type]
    state.tasks[task.id] = updated
    out.emit("task", task.id, updated)
    if new_status == "returning":
        # Back at base after the same drive as the way out (rounded up to the next second).
        back_ms = state.now_ms + math.ceil(task.travel_s or 0.0) * 1000
        state.returning[reply.responder_id] = back_ms
        state.dirty.add(("meta", "returning"))


def next_return_ms(state: TheaterState) -> int | None:
    return min(state.returning.values(), default=None)


def bring_back(state: TheaterState, at_ms: int, out: Emitter) -> None:
    """Units whose drive back ends at `at_ms` become available (in id order, for a deterministic feed)."""
    for responder_id in sorted(rid for rid, due in state.returning.items() if due == at_ms):
        del state.returning[responder_id]
        state.dirty.add(("meta", "returning"))
        state.fleet = state.fleet.with_status(responder_id, "available")
        out.emit("responder", responder_id, {"id": responder_id, "status": "available", "why": "back at base"})


def send_task(
    state: TheaterState,
    out: Emitter,
    incident: Incident,
    task_id: str,
    capability: str,
    responder_id: str,
    travel_s: float,
    deadline_ms: int,
    rule: str,
    reason: str,
    cross_border: bool,
) -> Task:
    """A task for one available responder, which becomes assigned."""
    responder = state.fleet.responders[responder_id]
    task = replace(
        new_task(state, incident, task_id, capability, deadline_ms, rule, reason),
        status="dispatched",
        responder_id=responder_id,
        responder_name=responder.name,
        responder_province=responder.home_province,
        responder_adcode=responder.home_adcode,
        cross_border=cross_border,
        travel_s=round(travel_s, 1),
    )
    put_task(state, out, task)
    set_responder(state, responder_id, "assigned", out, f"task {task.id}")
    return task


def unfilled_task(
    state: TheaterState,
    out: Emitter,
    incident: Incident,
    task_id: str,
    capability: str,
    deadline_ms: int,
    rule: str,
    reason: str,
) -> Task:
    """A task no unit could be sent to (yet): mutual aid may fill it."""
    return put_task(state, out, new_task(state, incident, task_id, capability, deadline_ms, rule, reason))


def put_task(state: TheaterState, out: Emitter, task: Task) -> Task:
    """The task into the theater's state, and said on the feed."""
    state.tasks[task.id] = task
    out.emit("task", task.id, task)
    return task


def new_task(
    state: TheaterState, incident: Incident, task_id: str, capability: str, deadline_ms: int, rule: str, reason: str
) -> Task:
    """An unfilled task for one piece of the incident's work, created now."""
    return Task(
        id=task_id,
        incident_id=incident.id,
        capability=capability,
        created_at_ms=state.now_ms,
        deadline_ms=deadline_ms,
        rule=rule,
        status="unfilled",
        incident_province=incident.province,
        reason=reason,
    )
