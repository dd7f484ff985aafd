"""A plain-text summary of a run, in scenario time (T+offsets), for the terminal."""

from __future__ import annotations

from geo.regions import PROVINCES
from scenarios.model import Scenario
from scenarios.offsets import offset_text
from scenarios.run import Outcome


def render_summary(scenario: Scenario, outcome: Outcome) -> str:
    t0 = scenario.t0_ms
    lines = [f"== {scenario.title}", f"   {len(outcome.incidents)} incident(s), {len(outcome.tasks)} task(s)"]
    for incident in sorted(outcome.incidents.values(), key=lambda i: i.id):
        regions = ", ".join(PROVINCES.get(p, p) for p in incident.provinces)
        lines.append(
            f"-- {incident.id}  {incident.type}  stage={incident.stage}  response={incident.response_level or '-'}"
            f"  warning={incident.warning_colour or '-'}  grade={incident.event_grade or '-'}"
        )
        lines.append(
            f"   regions: {regions}; evidence: {incident.evidence_count} signal(s); confidence {incident.confidence}"
        )
        lines.append(f"   opened {offset_text(incident.opened_at_ms, t0)}; key decisions:")
        for decision in incident.decisions:
            if decision.what.startswith(("stage", "response_level", "event_grade", "timer", "dispatch", "type")):
                lines.append(f"     {offset_text(decision.at_ms, t0)}  {decision.what}  [{decision.rule}]")
        tasks = sorted((t for t in outcome.tasks.values() if t.incident_id == incident.id), key=lambda t: t.id)
        for task in tasks:
            where = PROVINCES.get(task.responder_province, task.responder_province or "-")
            eta = f"{task.travel_s / 60:.0f} min" if task.travel_s is not None else "-"
            border = "  cross-border" if task.cross_border else ""
            lines.append(
                f"     task {task.id}  {task.capability:<16} {task.status:<10} "
                f"{task.responder_name or '(unfilled)'} [{where}] eta {eta}{border}"
            )
    counts = outcome.counts
    if counts:
        lines.append(
            f"== input: received {counts.get('received', 0)} = accepted {counts.get('accepted', 0)}"
            f" + rejected {counts.get('rejected', 0)}  (ticks {counts.get('ticks', 0)})"
        )
    return "\n".join(lines)
