"""The incident lifecycle under a playbook: rules, stages, the three scales, timers; effects out as data.

Pure: each function takes an incident and event time and returns the new incident and the effects
(dispatch requests, notifications) for the caller to carry out. Every change records a Decision.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from playbooks.evidence import Signal
from playbooks.incident import (
    EVENT_GRADES,
    RESPONSE_LEVELS,
    STAGE_ORDER,
    WARNING_COLOURS,
    Decision,
    Incident,
    Timer,
)
from playbooks.model import Action, Condition, Playbook, Rule


@dataclass(frozen=True, slots=True)
class DispatchEffect:
    incident_id: str
    rule: str
    capability: str
    count: int
    deadline_ms: int


@dataclass(frozen=True, slots=True)
class NotifyEffect:
    incident_id: str
    rule: str
    to: tuple[str, ...]
    message: str


Effect = DispatchEffect | NotifyEffect


def _holds(cond: Condition, incident: Incident, trigger: Signal | None, now_ms: int) -> bool:
    if cond.signal_kinds is not None and (trigger is None or trigger.kind not in cond.signal_kinds):
        return False
    if cond.time_driven and trigger is not None:
        return False
    if cond.stages is not None and incident.stage not in cond.stages:
        return False
    if cond.count_kinds is not None and incident.count(cond.count_kinds) < cond.count_at_least:
        return False
    if cond.value_at_least is not None and (
        trigger is None or trigger.value is None or trigger.value < cond.value_at_least
    ):
        return False
    if cond.severity_at_least is not None and (trigger is None or trigger.severity < cond.severity_at_least):
        return False
    if cond.no_evidence_for_ms is not None and now_ms - incident.last_evidence_ms < cond.no_evidence_for_ms:
        return False
    return not (cond.not_acknowledged and incident.acknowledged)


def _raise(scale: tuple[str, ...], current: str | None, wanted: str, allow_lower: bool) -> str | None:
    if current is None or allow_lower or scale.index(wanted) > scale.index(current):
        return wanted
    return None


def _apply(
    incident: Incident, playbook: Playbook, action: Action, rule: str, evidence: tuple[str, ...], now_ms: int
) -> tuple[Incident, tuple[Effect, ...]]:
    def decided(inc: Incident, what: str, reason: str = "") -> Incident:
        return replace(inc, decisions=(*inc.decisions, Decision(now_ms, what, rule, evidence, reason)))

    kind = action.kind
    if kind == "enter_stage":
        target = action.get("stage")
        current = STAGE_ORDER.index(incident.stage)
        reopen = incident.stage == "after" and target == "during"
        if incident.stage == "closed" or (STAGE_ORDER.index(target) <= current and not reopen):
            return incident, ()
        what = f"stage {incident.stage}→{target}" + (" (reopened)" if reopen else "")
        return decided(replace(incident, stage=target), what), ()
    if kind in ("set_response_level", "set_warning_colour", "set_event_grade"):
        field, scale = {
            "set_response_level": ("response_level", RESPONSE_LEVELS),
            "set_warning_colour": ("warning_colour", WARNING_COLOURS),
            "set_event_grade": ("event_grade", EVENT_GRADES),
        }[kind]
        new = _raise(scale, getattr(incident, field), action.get("level"), action.get("allow_lower"))
        if new is None or new == getattr(incident, field):
            return incident, ()
        if field == "response_level":
            changed = replace(incident, response_level=new)
        elif field == "warning_colour":
            changed = replace(incident, warning_colour=new)
        else:
            changed = replace(incident, event_grade=new)
        return decided(changed, f"{field} {getattr(incident, field) or '-'}→{new}", action.get("reason")), ()
    if kind == "raise_response_level":
        index = RESPONSE_LEVELS.index(incident.response_level) if incident.response_level else -1
        new = RESPONSE_LEVELS[min(len(RESPONSE_LEVELS) - 1, index + action.get("by"))]
        if new == incident.response_level:
            return incident, ()
        changed = replace(incident, response_level=new)
        return decided(changed, f"response_level {incident.response_level or '-'}→{new}", action.get("reason")), ()
    if kind == "dispatch":
        effect = DispatchEffect(
            incident.id, rule, action.get("capability"), action.get("count"), now_ms + action.get("within_ms")
        )
        return incident, (effect,)
    if kind == "notify":
        return incident, (NotifyEffect(incident.id, rule, action.get("to"), action.get("message")),)
    if kind == "start_timer":
        return start_timer(incident, playbook, action.get("timer"), rule, now_ms), ()
    if kind == "close":
        if incident.stage == "closed":
            return incident, ()
        return decided(replace(incident, stage="closed", status="closed", timers=()), "closed"), ()
    raise AssertionError(f"unhandled action {kind}")  # the loader admits only known actions


def run_actions(
    incident: Incident,
    playbook: Playbook,
    actions: tuple[Action, ...],
    rule: str,
    evidence: tuple[str, ...],
    now_ms: int,
) -> tuple[Incident, tuple[Effect, ...]]:
    effects: list[Effect] = []
    for action in actions:
        incident, produced = _apply(incident, playbook, action, rule, evidence, now_ms)
        effects.extend(produced)
    return incident, tuple(effects)


def start_timer(incident: Incident, playbook: Playbook, timer_id: str, rule: str, now_ms: int) -> Incident:
    spec = playbook.timer(timer_id)
    if any(t.id == timer_id for t in incident.timers):
        return incident  # already running: a timer is not restarted by repeated evidence
    timer = Timer(id=timer_id, due_ms=now_ms + spec.after_ms, rule=rule, unless=spec.unless)
    decision = Decision(now_ms, f"timer {timer_id} started (due in {spec.after_ms // 60_000} min)", rule)
    return replace(incident, timers=(*incident.timers, timer), decisions=(*incident.decisions, decision))


def _fire_rule(
    incident: Incident, playbook: Playbook, rule: Rule, trigger: Signal | None, now_ms: int
) -> tuple[Incident, tuple[Effect, ...]]:
    evidence = (trigger.signal_id,) if trigger is not None else ()
    fired = incident.fired if rule.id in incident.fired else (*incident.fired, rule.id)
    incident = replace(incident, fired=fired)
    incident, effects = run_actions(incident, playbook, rule.then, rule.id, evidence, now_ms)
    for spec in playbook.timers:
        if spec.start_on == f"rule:{rule.id}":
            incident = start_timer(incident, playbook, spec.id, rule.id, now_ms)
    return incident, effects


def evaluate(
    incident: Incident, playbook: Playbook, trigger: Signal | None, now_ms: int
) -> tuple[Incident, tuple[Effect, ...]]:
    """Run every rule whose condition holds, in file order; `trigger` is None when time moved on."""
    if incident.status != "open":
        return incident, ()
    effects: list[Effect] = []
    for rule in playbook.rules:
        if rule.id in incident.fired and not rule.repeat:
            continue
        if trigger is None and not rule.when.time_driven:
            continue
        if _holds(rule.when, incident, trigger, now_ms):
            incident, produced = _fire_rule(incident, playbook, rule, trigger, now_ms)
            effects.extend(produced)
    return incident, tuple(effects)


def on_open(incident: Incident, playbook: Playbook, now_ms: int) -> Incident:
    incident = replace(
        incident,
        playbook=playbook.id,
        decisions=(*incident.decisions, Decision(now_ms, f"playbook {playbook.id}", "fusion")),
    )
    for spec in playbook.timers:
        if spec.start_on == "opened":
            incident = start_timer(incident, playbook, spec.id, "opened", now_ms)
    return incident


def fire_timers(incident: Incident, playbook: Playbook, now_ms: int) -> tuple[Incident, tuple[Effect, ...]]:
    """Timers due by `now_ms` fire exactly once: they leave the incident's state when they fire or are cancelled."""
    due = sorted((t for t in incident.timers if t.due_ms <= now_ms), key=lambda t: (t.due_ms, t.id))
    if not due:
        return incident, ()
    effects: list[Effect] = []
    for timer in due:
        incident = replace(incident, timers=tuple(t for t in incident.timers if t.id != timer.id))
        resolved = incident.stage in ("after", "closed")
        if (timer.unless == "acknowledged" and incident.acknowledged) or (timer.unless == "resolved" and resolved):
            decision = Decision(timer.due_ms, f"timer {timer.id} cancelled ({timer.unless})", timer.rule)
            incident = replace(incident, decisions=(*incident.decisions, decision))
            continue
        spec = playbook.timer(timer.id)
        decision = Decision(timer.due_ms, f"timer {timer.id} fired", f"timer:{timer.id}")
        incident = replace(incident, decisions=(*incident.decisions, decision))
        incident, produced = run_actions(incident, playbook, spec.then, f"timer:{timer.id}", (), timer.due_ms)
        effects.extend(produced)
    return incident, tuple(effects)


def acknowledge(incident: Incident, who: str, now_ms: int) -> Incident:
    if incident.acknowledged:
        return incident
    decision = Decision(now_ms, "acknowledged", f"operator:{who}")
    return replace(incident, acknowledged=True, decisions=(*incident.decisions, decision))


def set_level_by_operator(incident: Incident, who: str, level: str, reason: str, now_ms: int) -> Incident:
    if level not in RESPONSE_LEVELS:
        raise ValueError(f"level: {level!r} is not one of {list(RESPONSE_LEVELS)}")
    decision = Decision(
        now_ms, f"response_level {incident.response_level or '-'}→{level}", f"operator:{who}", (), reason
    )
    return replace(incident, response_level=level, decisions=(*incident.decisions, decision))
