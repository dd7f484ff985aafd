"""Shipped playbook building_collapse: tilt warning, evacuation by approval, collapse response, grading."""

from __future__ import annotations

from collections.abc import Callable

from playbooks.effects import DispatchEffect, MutualAidEffect, NotifyEffect
from playbooks.plan import Playbook
from tests.playbooks.conftest import dry_run, effects_of, whats

SITE = {"province": "120000", "adcode": "120104", "lon": 117.15, "lat": 39.11}


def ev(clock: str, kind: str, **extra: object) -> dict[str, object]:
    return {"at": f"2024-04-02T{clock}:00+08:00", "kind": kind, **SITE, **extra}


def test_tilt_at_the_limit_evacuates_by_default_when_nobody_decides(shipped: Callable[[str], Playbook]) -> None:
    events = [ev("09:00", "sensor:building_tilt", value=72.0), ev("09:30", "sensor:building_tilt", value=101.0)]
    events.append({"at": "2024-04-02T09:45:00+08:00", "command": "tick"})
    dry = dry_run(shipped("building_collapse"), events, "building_collapse")
    assert dry.incident is not None and dry.incident.warning_colour == "red"
    assert dry.incident.approvals[0].state == "expired"
    assert any(n.message.startswith("立即疏散") for n in effects_of(dry, NotifyEffect))
    assert [e.capability for e in effects_of(dry, DispatchEffect)] == ["search_rescue"]


def test_collapse_with_many_callers_borrows_and_is_graded_by_deaths(shipped: Callable[[str], Playbook]) -> None:
    events = [ev(f"10:0{i}", "call:collapse", source="hotline") for i in range(3)]
    events += [{"at": "2024-04-02T10:05:00+08:00", "command": "acknowledge"}, ev("12:00", "casualties", value=11.0)]
    dry = dry_run(shipped("building_collapse"), events, "building_collapse")
    assert dry.incident is not None
    assert (dry.incident.stage, dry.incident.event_grade, dry.incident.response_level) == ("during", "重大", "II")
    (aid,) = effects_of(dry, MutualAidEffect)
    assert aid.borrower == "120000" and aid.lenders == ("110000", "130000")
    assert "timer ack-collapse cancelled (acknowledged)" in whats(dry)
