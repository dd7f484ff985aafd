"""A change of type hands the incident to another playbook: its timers, approvals and stage carry over by rule."""

from __future__ import annotations

from playbooks import lifecycle
from playbooks.incident import Approval, Incident, Timer
from playbooks.model import parse_playbook
from playbooks.places import PlaybookPlaces
from playbooks.plan import Playbook

T0 = 1_710_287_640_000

NEW = """
playbook: new
incident_types: [new]
rules: []
timers:
  - {id: ack-new, after: 10m, unless: acknowledged, then: [{raise: {scale: response_level, by: 1}}]}
  - {id: shared, after: 60m, then: [{set_event_grade: {level: 较大}}]}
"""


def _book(text: str, places: PlaybookPlaces) -> Playbook:
    return parse_playbook("mem.yaml", text, None, places)


def _incident() -> Incident:
    return Incident(
        id="I1", theater="t", type="new", family="f", opened_at_ms=T0, updated_at_ms=T0, last_evidence_ms=T0,
        lon=116.8, lat=39.9, province="130000", adcode="131082", provinces=("130000",), adcodes=("131082",),
        evidence=(), counts=(), confidence=1.0, playbook="old", stage="during",
        timers=(
            Timer("ack-old", T0 + 600_000, "rule:x", "acknowledged", "during"),
            Timer("shared", T0 + 3_600_000, "opened"),
            Timer("old-only", T0 + 1_800_000, "opened"),
            Timer("approval:A1", T0 + 900_000, "evacuate"),
        ),
        approvals=(Approval("A1", "evacuate", 0, T0, T0 + 900_000, "approve", "evacuate 500 m"),),
    )  # fmt: skip


def test_timers_are_kept_mapped_or_cancelled_and_approvals_withdrawn(places: PlaybookPlaces) -> None:
    new = _book(NEW, places)
    now = T0 + 5 * 60_000  # the type changes 5 minutes after the old acknowledgement clock started
    after = lifecycle.on_open(_incident(), new, now)
    timers = {t.id: t for t in after.timers}
    assert timers["shared"].due_ms == T0 + 3_600_000  # kept, same due time
    assert timers["ack-new"].due_ms == T0 + 600_000  # mapped: the running acknowledgement clock is not reset
    assert set(timers) == {"shared", "ack-new"}  # old-only cancelled, the approval's deadline gone with it
    assert after.stage == "during"
    assert after.approvals[0].state == "cancelled"
    whats = [d.what for d in after.decisions]
    assert "timer shared kept (playbook old→new)" in whats
    assert "timer ack-old mapped to ack-new (playbook old→new)" in whats
    assert "timer old-only cancelled (playbook old→new)" in whats
    assert "approval A1 cancelled (playbook old→new)" in whats
    # every timer the incident now holds fires under the new playbook without error
    fired, _ = lifecycle.fire_timers(after, new, T0 + 4 * 3_600_000)
    assert fired.timers == () and fired.event_grade == "较大"


def test_a_withdrawn_approval_cannot_be_decided(places: PlaybookPlaces) -> None:
    after = lifecycle.on_open(_incident(), _book(NEW, places), T0)
    try:
        lifecycle.decide_approval(after, _book(NEW, places), "A1", "approve", "li", T0)
    except ValueError as exc:
        assert "already cancelled" in str(exc)
    else:
        raise AssertionError("a withdrawn approval was decided")
