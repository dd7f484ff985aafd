"""The lifecycle: stages and reopen, the three scales, timers by event time (exactly once), approvals."""

from __future__ import annotations

import pytest

from playbooks import lifecycle
from playbooks.effects import ApprovalEffect, DispatchEffect
from playbooks.model import parse_playbook
from playbooks.places import PlaybookPlaces
from playbooks.plan import Playbook
from tests.playbooks.conftest import dry_run, effects_of, whats

T0 = "2024-05-01T08:00:00+08:00"

PLAYBOOK = """
playbook: t
incident_types: [t]
stages:
  during:
    enter_when: {signal: call:explosion}
    overdue_after: 2h
    on_overdue: [{raise: {scale: response_level, by: 1, reason: overdue}}]
  after:
    enter_when: {signal: report:rescue_ended}
  reopen:
    when: {signal: call:explosion}
rules:
  - id: boom
    when: {signal: call:explosion}
    repeat: true
    then:
      - raise: {scale: response_level, by: 1, reason: explosion}
  - id: calm
    when: {signal: report:rescue_ended}
    then:
      - lower: {scale: response_level, by: 2, reason: rescue ended}
  - id: evacuate
    when: {signal: call:gas_smell}
    then:
      - require_approval:
          summary: evacuate 500 m
          within: 10m
          default: approve
          then: [{dispatch: {capability: search_rescue, count: 1}}]
  - id: maybe-borrow
    when: {signal: call:collapse}
    then:
      - require_approval:
          summary: borrow
          within: 10m
          default: reject
          then: [{dispatch: {capability: search_rescue, count: 3}}]
timers:
  - id: ack
    after: 15m
    unless: acknowledged
    then: [{raise: {scale: response_level, by: 1, reason: not acknowledged}}]
  - id: quiet
    start_on: evidence
    after: 1h
    then: [{enter_stage: after}]
"""


@pytest.fixture(scope="module")
def playbook(places: PlaybookPlaces) -> Playbook:
    return parse_playbook("inline.yaml", PLAYBOOK, places=places)


def at(minutes: int) -> str:
    hours, mins = divmod(8 * 60 + minutes, 60)
    return f"2024-05-01T{hours:02d}:{mins:02d}:00+08:00"


def sig(minutes: int, kind: str, **extra: object) -> dict[str, object]:
    return {"at": at(minutes), "kind": kind, "province": "130000", "adcode": "131082", **extra}


def test_second_explosion_in_recovery_reopens_and_raises(playbook: Playbook) -> None:
    dry = dry_run(
        playbook,
        [
            sig(0, "call:explosion"),
            {"at": at(1), "command": "acknowledge"},
            sig(30, "report:rescue_ended"),
            sig(50, "call:explosion"),
        ],
        "t",
    )
    stages = [w for w in whats(dry) if w.startswith("stage")]
    assert stages == ["stage before→during", "stage during→after", "stage after→during (reopened)"]
    levels = [w for w in whats(dry) if w.startswith("response_level")]
    assert levels == ["response_level -→IV", "response_level IV→-", "response_level -→IV"]
    assert dry.incident is not None and dry.incident.stage == "during"


def test_scale_changes_record_rule_reason_and_evidence(playbook: Playbook) -> None:
    dry = dry_run(playbook, [sig(0, "call:explosion", id="S1")], "t")
    assert dry.incident is not None
    decision = next(d for d in dry.incident.decisions if d.what == "response_level -→IV")
    assert (decision.rule, decision.reason, decision.evidence, decision.at_ms) == (
        "boom",
        "explosion",
        ("S1",),
        dry.incident.opened_at_ms,
    )


def test_unacknowledged_timer_fires_once_at_its_event_time(playbook: Playbook) -> None:
    dry = dry_run(playbook, [sig(0, "call:gas_smell"), {"at": at(14), "command": "tick"}], "t")
    assert "timer ack fired" not in whats(dry)
    dry = dry_run(playbook, [sig(0, "call:gas_smell"), {"at": at(40), "command": "tick"}], "t")
    assert dry.incident is not None
    fired = [d for d in dry.incident.decisions if d.what == "timer ack fired"]
    assert [d.at_ms - dry.incident.opened_at_ms for d in fired] == [15 * 60_000]
    again, effects = lifecycle.fire_timers(dry.incident, playbook, dry.incident.opened_at_ms + 3_600_000)
    assert "timer ack fired" not in [d.what for d in again.decisions[len(dry.incident.decisions) :]]
    assert effects == ()


def test_acknowledged_timer_is_cancelled_not_fired(playbook: Playbook) -> None:
    dry = dry_run(
        playbook,
        [sig(0, "call:gas_smell"), {"at": at(5), "command": "acknowledge"}, {"at": at(20), "command": "tick"}],
        "t",
    )
    assert "timer ack cancelled (acknowledged)" in whats(dry)
    assert "timer ack fired" not in whats(dry)


def test_quiet_timer_restarts_with_each_new_evidence(playbook: Playbook) -> None:
    dry = dry_run(
        playbook,
        [sig(0, "call:explosion"), sig(50, "call:explosion"), {"at": at(100), "command": "tick"}],
        "t",
    )
    assert dry.incident is not None and dry.incident.stage == "during"  # 50 min quiet, not 60
    dry = dry_run(
        playbook, [sig(0, "call:explosion"), sig(50, "call:explosion"), {"at": at(111), "command": "tick"}], "t"
    )
    assert dry.incident is not None and dry.incident.stage == "after"
    moved = next(d for d in dry.incident.decisions if d.what == "stage during→after")
    assert moved.at_ms - dry.incident.opened_at_ms == 110 * 60_000


def test_stage_overdue_fires_only_while_in_the_stage(playbook: Playbook) -> None:
    dry = dry_run(playbook, [sig(0, "call:explosion")] + [sig(m, "call:other") for m in range(30, 150, 30)], "t")
    assert "timer stage:during:overdue fired" in whats(dry)
    dry = dry_run(
        playbook, [sig(0, "call:explosion"), sig(30, "report:rescue_ended"), {"at": at(200), "command": "tick"}], "t"
    )
    assert "timer stage:during:overdue cancelled (stage_left)" in whats(dry)


def test_approval_approved_runs_the_held_actions(playbook: Playbook) -> None:
    dry = dry_run(
        playbook, [sig(0, "call:gas_smell"), {"at": at(3), "command": "approve", "target": "A1", "by": "li"}], "t"
    )
    assert dry.incident is not None
    approval = dry.incident.approvals[0]
    assert (approval.state, approval.decided_by) == ("approved", "operator:li")
    assert [e.count for e in effects_of(dry, DispatchEffect)] == [1]
    assert not any(t.id == "approval:A1" for t in dry.incident.timers)


def test_approval_rejected_runs_nothing(playbook: Playbook) -> None:
    dry = dry_run(playbook, [sig(0, "call:gas_smell"), {"at": at(3), "command": "reject", "target": "A1"}], "t")
    assert dry.incident is not None and dry.incident.approvals[0].state == "rejected"
    assert effects_of(dry, DispatchEffect) == []


def test_nobody_decides_the_default_applies_at_the_deadline(playbook: Playbook) -> None:
    dry = dry_run(playbook, [sig(0, "call:gas_smell"), sig(1, "call:collapse"), {"at": at(30), "command": "tick"}], "t")
    assert dry.incident is not None
    states = {a.summary: (a.state, a.decided_by) for a in dry.incident.approvals}
    assert states == {"evacuate 500 m": ("expired", "default:approve"), "borrow": ("expired", "default:reject")}
    assert [e.count for e in effects_of(dry, DispatchEffect)] == [1]  # only the approve-by-default one
    expired = [e for e in effects_of(dry, ApprovalEffect) if e.state == "expired"]
    assert {e.approval_id for e in expired} == {"A1", "A2"}


def test_deciding_an_unknown_or_settled_approval_is_refused(playbook: Playbook) -> None:
    dry = dry_run(playbook, [sig(0, "call:gas_smell"), {"at": at(3), "command": "approve", "target": "A1"}], "t")
    assert dry.incident is not None
    with pytest.raises(ValueError, match="no approval 'A9'"):
        lifecycle.decide_approval(dry.incident, playbook, "A9", "approve", "li", 0)
    with pytest.raises(ValueError, match="already approved"):
        lifecycle.decide_approval(dry.incident, playbook, "A1", "reject", "li", 0)
