"""The incident lifecycle under a playbook: rules, stages, the three scales, timers, approvals; effects as data.

Pure: each function takes an incident and event time and returns the new incident and the effects
(dispatch requests, notifications, public warnings, mutual-aid requests) for the caller to carry out.
Every change records a Decision: what changed, by which rule, on what evidence, at what event time.
Timers are part of the incident, so a restart that restores the incident neither loses nor repeats one.
"""

from __future__ import annotations

from dataclasses import replace

from geo.names import did_you_mean
from playbooks.actions import decided, run_actions, start_timer
from playbooks.carry_over import carry_over
from playbooks.effects import (
    ApprovalEffect,
    AssignEffect,
    DispatchEffect,
    Effect,
    MutualAidEffect,
    NotifyEffect,
    SupplyEffect,
    WarningEffect,
)
from playbooks.evidence import Signal
from playbooks.hazards import follow as follow_hazards
from playbooks.incident import RESPONSE_LEVELS, Incident, Timer
from playbooks.matching import cited_evidence, describe, holds
from playbooks.plan import Playbook, Rule

__all__ = [
    "ApprovalEffect",
    "AssignEffect",
    "DispatchEffect",
    "Effect",
    "MutualAidEffect",
    "NotifyEffect",
    "SupplyEffect",
    "WarningEffect",
    "acknowledge",
    "decide_approval",
    "evaluate",
    "fire_timers",
    "on_open",
    "set_level_by_operator",
    "start_timer",
]


def _fire_rule(
    incident: Incident,
    playbook: Playbook,
    rule: Rule,
    trigger: Signal | None,
    now_ms: int,
) -> tuple[Incident, tuple[Effect, ...]]:
    evidence = cited_evidence(rule.when, incident, trigger, now_ms)
    fired = incident.fired if rule.id in incident.fired else (*incident.fired, rule.id)
    incident = decided(
        replace(incident, fired=fired), now_ms, f"rule {rule.id} fired", rule.id, evidence, describe(rule.when)
    )
    incident, effects = run_actions(incident, playbook, rule.then, rule.id, evidence, now_ms)
    for spec in playbook.timers:
        if spec.start_on == f"rule:{rule.id}":
            incident = start_timer(incident, playbook, spec.id, rule.id, now_ms)
    return incident, effects


def _restart_evidence_timers(incident: Incident, playbook: Playbook, now_ms: int) -> Incident:
    """`start_on: evidence` timers measure quiet: each new piece of evidence starts them again from now."""
    for spec in playbook.timers:
        if spec.start_on != "evidence":
            continue
        if any(t.id == spec.id for t in incident.timers):
            timers = tuple(replace(t, due_ms=now_ms + spec.after_ms) if t.id == spec.id else t for t in incident.timers)
            incident = replace(incident, timers=timers)
        else:
            incident = start_timer(incident, playbook, spec.id, "evidence", now_ms)
    return incident


def evaluate(
    incident: Incident,
    playbook: Playbook,
    trigger: Signal | None,
    now_ms: int,
    warnings: tuple[Signal, ...] = (),
) -> tuple[Incident, tuple[Effect, ...]]:
    """Run every rule whose condition holds, in file order; `trigger` is None when only time moved on.

    `warnings` are the warnings in force in the theater (for `in_warning_area`).
    """
    if incident.status != "open":
        return incident, ()
    if trigger is not None:
        incident = _restart_evidence_timers(incident, playbook, now_ms)
        # the site may have moved with the evidence: the registered hazards near it, before the rules read them
        incident = follow_hazards(incident, playbook.places, now_ms)
    effects: list[Effect] = []
    for rule in playbook.rules:
        if rule.id in incident.fired and not rule.repeat:
            continue
        if trigger is None and not rule.when.time_driven:
            continue
        if holds(rule.when, incident, trigger, now_ms, warnings):
            incident, produced = _fire_rule(incident, playbook, rule, trigger, now_ms)
            effects.extend(produced)
            if incident.status != "open":
                break
    return incident, tuple(effects)


def on_open(incident: Incident, playbook: Playbook, now_ms: int) -> Incident:
    """The playbook takes the incident: when it is new, or when a change of type brought another playbook."""
    before = incident
    incident = decided(replace(incident, playbook=playbook.id), now_ms, f"playbook {playbook.id}", "fusion")
    incident = follow_hazards(incident, playbook.places, now_ms)
    for spec in playbook.timers:
        if spec.start_on in ("opened", "evidence", f"stage:{incident.stage}"):
            incident = start_timer(incident, playbook, spec.id, "opened", now_ms)
    if before.playbook and before.playbook != playbook.id:
        incident = carry_over(incident, before, playbook, now_ms)
    return incident


def _cancelled(timer: Timer, incident: Incident) -> bool:
    if timer.unless == "acknowledged":
        return incident.acknowledged
    if timer.unless == "resolved":
        return incident.stage in ("after", "closed")
    if timer.unless == "stage_left":
        return incident.stage != timer.stage
    return False


def fire_timers(incident: Incident, playbook: Playbook, now_ms: int) -> tuple[Incident, tuple[Effect, ...]]:
    """Timers due by `now_ms` fire exactly once: they leave the incident's state when they fire or are cancelled."""
    due = sorted((t for t in incident.timers if t.due_ms <= now_ms), key=lambda t: (t.due_ms, t.id))
    effects: list[Effect] = []
    for timer in due:
        if incident.status != "open":
            break
        incident = replace(incident, timers=tuple(t for t in incident.timers if t.id != timer.id))
        if timer.id.startswith("approval:"):
            incident, produced = _expire_approval(incident, playbook, timer.id[len("approval:") :], timer.due_ms)
            effects.extend(produced)
            continue
        if _cancelled(timer, incident):
            incident = decided(incident, timer.due_ms, f"timer {timer.id} cancelled ({timer.unless})", timer.rule)
            continue
        spec = playbook.timer(timer.id)
        if spec is None:  # started under a former playbook and restored from before carry_over existed
            what = f"timer {timer.id} dropped (not in playbook {playbook.id})"
            incident = decided(incident, timer.due_ms, what, timer.rule)
            continue
        if spec.when is not None and not holds(spec.when, incident, None, timer.due_ms):
            incident = decided(incident, timer.due_ms, f"timer {timer.id} cancelled (condition not met)", timer.rule)
            continue
        rule = f"timer:{timer.id}"
        incident = decided(incident, timer.due_ms, f"timer {timer.id} fired", rule, (), f"started by {timer.rule}")
        incident, produced = run_actions(incident, playbook, spec.then, rule, (), timer.due_ms)
        effects.extend(produced)
    return incident, tuple(effects)


def _expire_approval(
    incident: Incident, playbook: Playbook, approval_id: str, now_ms: int
) -> tuple[Incident, tuple[Effect, ...]]:
    approval = next((a for a in incident.approvals if a.id == approval_id), None)
    if approval is None or approval.state != "pending":
        return incident, ()
    return _settle(incident, playbook, approval_id, approval.default, "expired", f"default:{approval.default}", now_ms)


def decide_approval(
    incident: Incident, playbook: Playbook, approval_id: str, verdict: str, who: str, now_ms: int
) -> tuple[Incident, tuple[Effect, ...]]:
    """An operator's approve or reject; raises ValueError (with did-you-mean) for an unknown or settled approval."""
    if verdict not in ("approve", "reject"):
        raise ValueError(f"verdict: {verdict!r} is not 'approve' or 'reject'")
    ids = [a.id for a in incident.approvals]
    approval = next((a for a in incident.approvals if a.id == approval_id), None)
    if approval is None:
        hint = did_you_mean(approval_id, ids) or f" (it has {len(ids)} approval(s))"
        raise ValueError(f"target: incident {incident.id} has no approval {approval_id!r}{hint}")
    if approval.state != "pending":
        raise ValueError(f"target: approval {approval_id} is already {approval.state} by {approval.decided_by}")
    state = "approved" if verdict == "approve" else "rejected"
    incident = replace(incident, timers=tuple(t for t in incident.timers if t.id != f"approval:{approval_id}"))
    return _settle(incident, playbook, approval_id, verdict, state, f"operator:{who}", now_ms)


def _settle(
    incident: Incident, playbook: Playbook, approval_id: str, verdict: str, state: str, by: str, now_ms: int
) -> tuple[Incident, tuple[Effect, ...]]:
    approval = next(a for a in incident.approvals if a.id == approval_id)
    settled = replace(approval, state=state, decided_by=by)  # type: ignore[arg-type]
    incident = replace(incident, approvals=tuple(settled if a.id == approval_id else a for a in incident.approvals))
    what = f"approval {approval_id} {state}" + (f" → {verdict}" if state == "expired" else "")
    incident = decided(incident, now_ms, what, by, (), approval.summary)
    note = ApprovalEffect(
        incident.id,
        approval.rule,
        approval_id,
        state,  # type: ignore[arg-type]
        approval.summary,
        approval.deadline_ms,
        approval.default,
        by,
    )
    foreign = approval.playbook not in ("", playbook.id)  # held actions of a former playbook are not run
    if verdict != "approve" or foreign or approval.action_index >= len(playbook.approvals):
        return incident, (note,)
    spec = playbook.approvals[approval.action_index]
    incident, effects = run_actions(incident, playbook, spec.then, approval.rule, (), now_ms)
    return incident, (note, *effects)


def acknowledge(incident: Incident, who: str, now_ms: int) -> Incident:
    if incident.acknowledged:
        return incident
    return decided(replace(incident, acknowledged=True), now_ms, "acknowledged", f"operator:{who}")


def set_level_by_operator(incident: Incident, who: str, level: str, reason: str, now_ms: int) -> Incident:
    if level not in RESPONSE_LEVELS:
        raise ValueError(f"level: {level!r} is not one of {list(RESPONSE_LEVELS)}")
    what = f"response_level {incident.response_level or '-'}→{level}"
    return decided(replace(incident, response_level=level), now_ms, what, f"operator:{who}", (), reason)
