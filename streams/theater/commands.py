"""Operator commands from command centres: each is audited with who issued it. A drill's scripted answer names
the approval by its rule (`target: rule:<id>`, no incident), since a script cannot know the ids in advance."""

from __future__ import annotations

from dataclasses import replace

from playbooks import lifecycle
from playbooks.incident import Decision
from streams.theater import closures, merges, mutual_aid, readiness, reporting, supplies
from streams.theater.effects import carry_out
from streams.theater.responders import set_responder
from streams.theater.state import Emitter, TheaterContext, TheaterState
from streams.wire.records import OperatorCommand


def on_command(state: TheaterState, cmd: OperatorCommand, ctx: TheaterContext, out: Emitter) -> None:
    if cmd.action in ("approve", "reject") and cmd.target.startswith(readiness.MOVE_PREFIX):
        readiness.on_command(state, cmd, ctx, out)  # a move-up under a warning, not an incident's approval
        return
    if cmd.action in ("approve", "reject") and not cmd.incident_id and cmd.target.startswith("rule:"):
        found = pending_approval_of(state, cmd.target.removeprefix("rule:"))
        if found is None:
            out.emit("rejected", cmd.event_id, f"command {cmd.action}: no pending approval of rule {cmd.target[5:]!r}")
            return
        cmd = replace(cmd, incident_id=found[0], target=found[1])
    incident = state.fusion.incidents.get(cmd.incident_id)
    who = f"{cmd.operator}@{cmd.centre}"
    if cmd.action in ("offer", "commit", "decline", "release") and cmd.target in state.supplies:
        supplies.on_command(state, cmd, ctx, out)  # a supply request: the request id names the incident
        return
    if cmd.action == "release":
        set_responder(state, cmd.target, "available", out, f"released by {who}")
        return
    if cmd.action in ("offer", "commit", "decline"):
        mutual_aid.on_command(state, cmd, ctx, out)  # the request id names the incident
        return
    if cmd.action == "submit_report":
        reporting.on_submit(state, cmd, out)  # a closed incident still owes its final report
        return
    if cmd.action == "lift_closure":
        closures.on_command(state, cmd, out)  # the closure names its incident
        return
    if incident is None:
        out.emit("rejected", cmd.event_id, f"command {cmd.action}: no incident {cmd.incident_id!r}")
        return
    if cmd.action == "acknowledge":  # a person has looked: a flag for attention is answered too
        out.incident(replace(lifecycle.acknowledge(incident, who, state.now_ms), attention=""))
    elif cmd.action == "set_level":
        try:
            out.incident(lifecycle.set_level_by_operator(incident, who, cmd.level, cmd.reason, state.now_ms))
        except ValueError as exc:
            out.emit("rejected", cmd.event_id, f"command set_level: {exc}")
    elif cmd.action in ("approve", "reject"):
        playbook = ctx.playbooks.get(incident.type)
        if playbook is None:
            out.emit("rejected", cmd.event_id, f"command {cmd.action}: {incident.id} runs under no playbook")
            return
        try:
            incident, effects = lifecycle.decide_approval(incident, playbook, cmd.target, cmd.action, who, state.now_ms)
        except ValueError as exc:
            out.emit("rejected", cmd.event_id, f"command {cmd.action}: {exc}")
            return
        carry_out(state, incident, effects, ctx, out)
    elif cmd.action == "close":
        decision = Decision(state.now_ms, "closed", f"operator:{who}", (), cmd.reason)
        closed = replace(
            incident, stage="closed", status="closed", timers=(), decisions=(*incident.decisions, decision)
        )
        out.incident(closed)
    elif cmd.action == "merge":
        merges.merge_by_operator(state, cmd, ctx, out)
    elif cmd.action == "split":
        merges.split_by_operator(state, cmd, ctx, out)
    else:
        out.emit("rejected", cmd.event_id, f"command {cmd.action}: not available yet for {cmd.incident_id}")


def pending_approval_of(state: TheaterState, rule: str) -> tuple[str, str] | None:
    """(incident id, approval id) of the oldest pending approval a rule asked for, among open incidents: what a
    drill's scripted answer (`rule:<id>`, scenarios/answers.py) names, as it cannot know the ids in advance."""
    pending = [
        (approval.requested_at_ms, incident.id, approval.id)
        for incident in state.fusion.incidents.values()
        if incident.status == "open"
        for approval in incident.approvals
        if approval.state == "pending" and approval.rule == rule
    ]
    return min(pending)[1:] if pending else None
