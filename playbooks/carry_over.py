"""What an incident keeps when its type changes and another playbook takes it over (docs/playbooks.md).

A gas-smell call at a collapse makes the collapse a gas incident: the gas playbook now runs it, while the
incident still holds the collapse playbook's timers and approvals. Each is kept, mapped or cancelled here,
and every choice is a decision on the incident:

- the stage is kept: every playbook runs the same four stages (before, during, after, closed);
- a pending timer whose id the new playbook also has is kept with its due time (it fires under the new spec);
- a pending timer with a cancel condition (`unless`) is mapped onto a timer of the new playbook with the same
  condition that the takeover just started: that one falls due at the earlier of the two times, so a clock
  that was already running (no acknowledgement for 10 min) is not reset by the change of type;
- any other pending timer is cancelled;
- a pending approval is cancelled with its deadline timer: the actions it held belong to the old playbook.
"""

from __future__ import annotations

from dataclasses import replace

from playbooks.actions import decided
from playbooks.incident import Incident, Timer
from playbooks.plan import Playbook


def carry_over(incident: Incident, before: Incident, playbook: Playbook, now_ms: int) -> Incident:
    """`incident` has just been opened under `playbook`; `before` is the same incident under its former one."""
    former = before.playbook
    started = {t.id for t in incident.timers} - {t.id for t in before.timers}
    own = {spec.id for spec in playbook.timers}
    timers = {t.id: t for t in incident.timers if t.id in started or t.id.startswith("approval:")}
    for old in before.timers:
        if old.id.startswith("approval:"):
            continue  # settled with its approval below
        if old.id in own:
            timers[old.id] = old
            incident = decided(incident, now_ms, f"timer {old.id} kept (playbook {former}→{playbook.id})", "fusion")
            continue
        target = _mapped_onto(old, [timers[i] for i in sorted(started) if i in timers])
        if target is not None:
            timers[target.id] = replace(target, due_ms=min(target.due_ms, old.due_ms))
            what = f"timer {old.id} mapped to {target.id} (playbook {former}→{playbook.id})"
            incident = decided(incident, now_ms, what, "fusion")
            continue
        what = f"timer {old.id} cancelled (playbook {former}→{playbook.id})"
        incident = decided(incident, now_ms, what, "fusion")
    approvals = []
    for approval in incident.approvals:
        if approval.state == "pending":
            timers.pop(f"approval:{approval.id}", None)
            approval = replace(approval, state="cancelled", decided_by=f"playbook:{playbook.id}")
            what = f"approval {approval.id} cancelled (playbook {former}→{playbook.id})"
            incident = decided(incident, now_ms, what, "fusion", (), approval.summary)
        approvals.append(approval)
    return replace(incident, timers=tuple(timers.values()), approvals=tuple(approvals))


def _mapped_onto(old: Timer, started: list[Timer]) -> Timer | None:
    if not old.unless:
        return None
    return next((t for t in started if t.unless == old.unless), None)
