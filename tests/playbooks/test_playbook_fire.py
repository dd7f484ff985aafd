"""Shipped playbook fire, and the shared grading every playbook runs (base.yaml): a fire with 10 or more deaths is
graded 重大 with its response level (II) and lead (the province), reported up to the State Council (issue 22)."""

from __future__ import annotations

from collections.abc import Callable

from playbooks.effects import DispatchEffect, NotifyEffect
from playbooks.plan import Playbook
from tests.playbooks.conftest import dry_run, effects_of, whats

CHANGFENG = {"province": "110000", "adcode": "110106", "lon": 116.30, "lat": 39.86}  # 丰台区 (the 2023 hospital fire)


def ev(clock: str, kind: str, **extra: object) -> dict[str, object]:
    return {"at": f"2023-04-18T{clock}:00+08:00", "kind": kind, **CHANGFENG, **extra}


def test_a_hospital_fire_with_29_deaths_is_graded_major_with_level_and_lead(shipped: Callable[[str], Playbook]) -> None:
    events = [
        ev("12:57", "call:fire", source="hotline"),
        ev("13:00", "report:fire", source="agency"),
        ev("16:00", "casualties", source="agency", value=29.0, attrs={"deaths": "29", "injured": "39"}),
    ]
    dry = dry_run(shipped("fire"), events, "fire")
    assert dry.incident is not None
    assert (dry.incident.stage, dry.incident.event_grade, dry.incident.response_level) == ("during", "重大", "II")
    notes = [n.message for n in effects_of(dry, NotifyEffect)]
    assert notes == ["重大事件：省级人民政府牵头处置，逐级上报国务院（每级2小时内）"]  # graded once, not also 较大
    assert "event_grade -→重大" in whats(dry)
    assert [d.capability for d in effects_of(dry, DispatchEffect)][:2] == ["fire_suppression", "medical"]


def test_injuries_grade_too_and_the_highest_criterion_wins(shipped: Callable[[str], Playbook]) -> None:
    events = [
        ev("12:57", "call:fire", source="hotline"),
        ev("14:00", "casualties", source="agency", value=2.0, attrs={"deaths": "2", "injured": "60"}),
    ]
    dry = dry_run(shipped("fire"), events, "fire")
    assert dry.incident is not None and (dry.incident.event_grade, dry.incident.response_level) == ("重大", "II")


def test_every_grade_has_its_level_and_lead_under_any_playbook(shipped: Callable[[str], Playbook]) -> None:
    cases = [(1.0, "一般", "IV", "县级"), (5.0, "较大", "III", "设区的市级"), (35.0, "特别重大", "I", "国务院牵头")]
    for deaths, grade, level, lead in cases:
        events = [ev("10:00", "report:power_outage", source="agency"), ev("11:00", "casualties", value=deaths)]
        dry = dry_run(shipped("power_outage"), events, "power_outage")
        assert dry.incident is not None
        assert (dry.incident.event_grade, dry.incident.response_level) == (grade, level)
        assert [n.message for n in effects_of(dry, NotifyEffect) if lead in n.message], deaths


def test_later_reports_only_raise_the_grade(shipped: Callable[[str], Playbook]) -> None:
    events = [
        ev("12:57", "call:fire", source="hotline"),
        ev("14:00", "casualties", source="agency", value=4.0),
        ev("18:00", "casualties", source="agency", value=12.0),
        ev("20:00", "casualties", source="agency", value=1.0),  # a partial figure never lowers it
    ]
    dry = dry_run(shipped("fire"), events, "fire")
    assert dry.incident is not None and dry.incident.event_grade == "重大"
    assert [w for w in whats(dry) if w.startswith("event_grade")] == ["event_grade -→较大", "event_grade 较大→重大"]
