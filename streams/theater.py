"""The theater step: one incident picture for a group of neighbouring regions (京津冀 is one theater).

Inputs from every source partition are held until every partition's watermark (carried by ticks) has passed
them, then processed in event-time order. That makes the result independent of how the runtime interleaved
its partitions, so the embedded runtime and Kafka give identical incidents, tasks and ids.

Processing order per released input: fuse → playbook lifecycle → dispatch → deltas (each with a feed seq).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field, replace
from typing import Any

from geo.dispatch import DispatchPolicy, DispatchRequest, decide
from geo.fleet import FleetState
from geo.regions import PROVINCES, RegionIndex
from geo.roads import RoadGraph
from playbooks import lifecycle
from playbooks.incident import Decision, Incident, Notification, Task
from playbooks.model import Playbook
from streams import fuse
from streams.records import OperatorCommand, ResourceUpdate, Signal, TaskReply, TheaterInput, Tick

TIMED_RULE_SCAN_MS = 60_000
_SOURCE_RANK = {"agency": 0, "sensor": 1, "hotline": 2, "operator": 3}
_REPLY_TO_FLEET = {
    "en_route": "en_route",
    "on_scene": "on_scene",
    "completed": "available",
    "declined": "available",
}


@dataclass(frozen=True)
class TheaterContext:
    """Everything the step reads but never changes."""

    theater: str
    regions: RegionIndex
    roads: RoadGraph
    fusion: fuse.FusionRules
    playbooks: dict[str, Playbook]
    dispatch_policy: DispatchPolicy
    tick_sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Delta:
    """One change of the picture; `seq` orders the command-centre feed without gaps."""

    seq: int
    at_ms: int
    kind: str  # incident | task | notification | responder | rejected
    key: str
    entity: Any


@dataclass
class TheaterState:
    """Mutated in place by `step` (entities inside are immutable). `dirty` lists what a durable runtime must write."""

    fleet: FleetState
    fusion: fuse.FusionState = field(default_factory=fuse.FusionState)
    tasks: dict[str, Task] = field(default_factory=dict)
    watermarks: dict[str, int] = field(default_factory=dict)
    buffer: list[tuple[int, int, str, int, TheaterInput]] = field(default_factory=list)
    arrivals: int = 0
    now_ms: int = 0
    feed_seq: int = 0
    task_number: int = 0
    notification_number: int = 0
    last_timed_scan_ms: int = 0
    active_warnings: dict[str, Signal] = field(default_factory=dict)
    dirty: set[tuple[str, str]] = field(default_factory=set)


def _sort_key(item: TheaterInput) -> tuple[int, int, str]:
    if isinstance(item, Signal):
        return item.at_ms, _SOURCE_RANK.get(item.source, 9), item.signal_id
    if isinstance(item, Tick):
        return item.at_ms, 9, item.source
    return item.at_ms, 4, item.event_id


class _Out:
    """Collects deltas, numbering them from the state's feed sequence."""

    def __init__(self, state: TheaterState) -> None:
        self.state = state
        self.deltas: list[Delta] = []

    def emit(self, kind: str, key: str, entity: Any) -> None:
        self.state.feed_seq += 1
        self.deltas.append(Delta(self.state.feed_seq, self.state.now_ms, kind, key, entity))
        if kind in ("incident", "task", "responder"):
            self.state.dirty.add((kind, key))

    def incident(self, incident: Incident) -> None:
        fuse.store(self.state.fusion, incident)
        self.emit("incident", incident.id, incident)


def step(state: TheaterState, item: TheaterInput, ctx: TheaterContext) -> tuple[TheaterState, list[Delta]]:
    out = _Out(state)
    if isinstance(item, Tick):
        _advance(state, item, ctx, out)
    elif _sort_key(item)[0] <= state.now_ms:
        _process(state, item, ctx, out)  # late: its time has passed; processed at once, in arrival order
    else:
        state.arrivals += 1
        heapq.heappush(state.buffer, (*_sort_key(item), state.arrivals, item))
        state.dirty.add(("meta", "buffer"))
    return state, out.deltas


def _advance(state: TheaterState, tick: Tick, ctx: TheaterContext, out: _Out) -> None:
    state.watermarks[tick.source] = max(state.watermarks.get(tick.source, 0), tick.at_ms)
    state.dirty.add(("meta", "watermarks"))
    if any(source not in state.watermarks for source in ctx.tick_sources):
        return
    low = min(state.watermarks[source] for source in ctx.tick_sources) if ctx.tick_sources else tick.at_ms
    while state.buffer and state.buffer[0][0] <= low:
        *_, item = heapq.heappop(state.buffer)
        _run_timers(state, _sort_key(item)[0], ctx, out)
        state.now_ms = max(state.now_ms, _sort_key(item)[0])
        _process(state, item, ctx, out)
    if low > state.now_ms:
        _run_timers(state, low, ctx, out)
        state.now_ms = low


def _run_timers(state: TheaterState, until_ms: int, ctx: TheaterContext, out: _Out) -> None:
    """Fire timers and time-driven rules due by `until_ms`, in due order, before anything later is processed."""
    while True:
        due = [
            (t.due_ms, inc.id)
            for inc in state.fusion.incidents.values()
            if inc.status == "open"
            for t in inc.timers
            if t.due_ms <= until_ms
        ]
        if not due:
            break
        due_ms, incident_id = min(due)
        state.now_ms = max(state.now_ms, due_ms)
        incident = state.fusion.incidents[incident_id]
        playbook = ctx.playbooks.get(incident.type)
        if playbook is None:
            out.incident(replace(incident, timers=()))
            continue
        incident, effects = lifecycle.fire_timers(incident, playbook, due_ms)
        _carry_out(state, incident, effects, ctx, out)
    if until_ms - state.last_timed_scan_ms >= TIMED_RULE_SCAN_MS:
        state.last_timed_scan_ms = until_ms
        state.dirty.add(("meta", "clock"))
        for incident_id in sorted(state.fusion.incidents):
            incident = state.fusion.incidents[incident_id]
            playbook = ctx.playbooks.get(incident.type)
            if incident.status != "open" or playbook is None:
                continue
            changed, effects = lifecycle.evaluate(incident, playbook, None, until_ms)
            if changed is not incident or effects:
                _carry_out(state, changed, effects, ctx, out)


def _process(state: TheaterState, item: TheaterInput, ctx: TheaterContext, out: _Out) -> None:
    if isinstance(item, Signal):
        _on_signal(state, item, ctx, out)
    elif isinstance(item, TaskReply):
        _on_task_reply(state, item, out)
    elif isinstance(item, ResourceUpdate):
        _set_responder(state, item.responder_id, item.status, out, f"{item.agency} reported {item.status}")
    elif isinstance(item, OperatorCommand):
        _on_command(state, item, ctx, out)


def _covered_by_warning(state: TheaterState, signal: Signal) -> Signal | None:
    for warning in state.active_warnings.values():
        area = warning.attr("area").split(",") if warning.attr("area") else []
        if signal.adcode in area or (not area and warning.province == signal.province):
            return warning
    return None


def _on_signal(state: TheaterState, signal: Signal, ctx: TheaterContext, out: _Out) -> None:
    if signal.kind == "sensor_silent":
        warning = _covered_by_warning(state, signal)
        if warning is None:
            return
        signal = replace(
            signal,
            kind="blackout_risk",
            severity=warning.severity,
            attrs=(*signal.attrs, ("warning_id", warning.attr("warning_id"))),
        )
    if signal.kind == "warning":
        if signal.attr("action") == "cancel":
            state.active_warnings.pop(signal.attr("warning_id"), None)
        else:
            state.active_warnings[signal.attr("warning_id")] = signal
        state.dirty.add(("meta", "warnings"))
    if signal.kind == "response_level":
        _on_response_level(state, signal, out)
        return
    _, incident, _opened = fuse.step(state.fusion, ctx.fusion, signal, ctx.theater)
    if incident is None:
        return
    playbook = ctx.playbooks.get(incident.type)
    if signal.kind == "warning":
        incident = _apply_warning(incident, signal)
    if playbook is not None:
        if incident.playbook != playbook.id:
            incident = lifecycle.on_open(incident, playbook, signal.at_ms)
        incident, effects = lifecycle.evaluate(incident, playbook, signal, signal.at_ms)
    else:
        effects = ()
    _carry_out(state, incident, effects, ctx, out)


def _apply_warning(incident: Incident, signal: Signal) -> Incident:
    """A warning's colour is the issuing authority's fact: it is set, up or down, exactly as issued."""
    colour = signal.attr("colour")
    action = signal.attr("action")
    decided = Decision(
        signal.at_ms, f"warning {action} {colour}", f"agency:{signal.attr('agency')}", (signal.signal_id,)
    )
    if action == "cancel":
        return replace(incident, stage="after", decisions=(*incident.decisions, decided))
    return replace(incident, warning_colour=colour, decisions=(*incident.decisions, decided))


def _on_response_level(state: TheaterState, signal: Signal, out: _Out) -> None:
    hazard = signal.attr("hazard")
    level = signal.attr("level") if signal.attr("action") != "end" else None
    for incident_id in sorted(state.fusion.incidents):
        incident = state.fusion.incidents[incident_id]
        if incident.status != "open" or signal.province not in incident.provinces:
            continue
        if not incident.type.startswith(hazard):
            continue
        what = f"response_level {incident.response_level or '-'}→{level or 'ended'}"
        decision = Decision(signal.at_ms, what, f"agency:{signal.attr('agency')}", (signal.signal_id,), signal.text)
        out.incident(replace(incident, response_level=level, decisions=(*incident.decisions, decision)))


def _carry_out(
    state: TheaterState,
    incident: Incident,
    effects: tuple[lifecycle.Effect, ...],
    ctx: TheaterContext,
    out: _Out,
) -> None:
    for effect in effects:
        if isinstance(effect, lifecycle.DispatchEffect):
            incident = _dispatch(state, incident, effect, ctx, out)
        else:
            incident = _notify(state, incident, effect, ctx, out)
    out.incident(incident)


def _dispatch(
    state: TheaterState, incident: Incident, effect: lifecycle.DispatchEffect, ctx: TheaterContext, out: _Out
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
        _set_responder(state, candidate.responder_id, "assigned", out, f"task {task.id}")
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


def _notify(
    state: TheaterState, incident: Incident, effect: lifecycle.NotifyEffect, ctx: TheaterContext, out: _Out
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
    for province in sorted(targets):
        state.notification_number += 1
        note = Notification(
            id=f"N{state.notification_number:06d}",
            incident_id=incident.id,
            at_ms=state.now_ms,
            to_province=province,
            rule=effect.rule,
            message=effect.message,
        )
        out.emit("notification", note.id, note)
    what = f"notify {', '.join(sorted(targets))}"
    return replace(
        incident,
        decisions=(*incident.decisions, Decision(state.now_ms, what, effect.rule, (), effect.message)),
    )


def _set_responder(state: TheaterState, responder_id: str, status: str, out: _Out, why: str) -> None:
    if responder_id not in state.fleet.responders:
        out.emit("rejected", responder_id, f"unknown responder {responder_id!r} ({why})")
        return
    state.fleet = state.fleet.with_status(responder_id, status)  # type: ignore[arg-type]
    out.emit("responder", responder_id, {"id": responder_id, "status": status, "why": why})


def _on_task_reply(state: TheaterState, reply: TaskReply, out: _Out) -> None:
    task = state.tasks.get(reply.task_id)
    if task is None or task.responder_id != reply.responder_id:
        out.emit("rejected", reply.event_id, f"task.status: no task {reply.task_id!r} for {reply.responder_id!r}")
        return
    updated = replace(task, status=reply.status)  # type: ignore[arg-type]
    state.tasks[task.id] = updated
    out.emit("task", task.id, updated)
    if reply.status in _REPLY_TO_FLEET:
        _set_responder(state, reply.responder_id, _REPLY_TO_FLEET[reply.status], out, f"task {task.id} {reply.status}")


def _on_command(state: TheaterState, cmd: OperatorCommand, ctx: TheaterContext, out: _Out) -> None:
    incident = state.fusion.incidents.get(cmd.incident_id)
    who = f"{cmd.operator}@{cmd.centre}"
    if cmd.action == "release":
        _set_responder(state, cmd.target, "available", out, f"released by {who}")
        return
    if incident is None:
        out.emit("rejected", cmd.event_id, f"command {cmd.action}: no incident {cmd.incident_id!r}")
        return
    if cmd.action == "acknowledge":
        out.incident(lifecycle.acknowledge(incident, who, state.now_ms))
    elif cmd.action == "set_level":
        try:
            out.incident(lifecycle.set_level_by_operator(incident, who, cmd.level, cmd.reason, state.now_ms))
        except ValueError as exc:
            out.emit("rejected", cmd.event_id, f"command set_level: {exc}")
    elif cmd.action == "close":
        decision = Decision(state.now_ms, "closed", f"operator:{who}", (), cmd.reason)
        closed = replace(
            incident, stage="closed", status="closed", timers=(), decisions=(*incident.decisions, decision)
        )
        out.incident(closed)
    else:
        out.emit("rejected", cmd.event_id, f"command {cmd.action}: not available yet for {cmd.incident_id}")
