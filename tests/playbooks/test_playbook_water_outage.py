"""Shipped playbook water_outage: pressure drops at two nodes, a flooded plant, outage calls, escalation."""

from __future__ import annotations

from collections.abc import Callable

from playbooks.effects import DispatchEffect, MutualAidEffect
from playbooks.plan import Playbook
from tests.playbooks.conftest import dry_run, effects_of, whats

MENTOUGOU = {"province": "110000", "adcode": "110109", "lon": 116.10, "lat": 39.93}


def test_two_nodes_dropping_within_five_minutes_send_a_crew(shipped: Callable[[str], Playbook]) -> None:
    node = {"kind": "sensor:pipe_pressure", "source": "sensor", "severity": 3, **MENTOUGOU}
    events = [{"at": "2023-07-31T16:00:00+08:00", **node}, {"at": "2023-07-31T16:03:00+08:00", **node}]
    dry = dry_run(shipped("water_outage"), events, "water_outage")
    assert [e.capability for e in effects_of(dry, DispatchEffect)] == ["water_repair"]
    assert dry.incident is not None and dry.incident.stage == "during"
    one = dry_run(shipped("water_outage"), events[:1], "water_outage")
    assert effects_of(one, DispatchEffect) == []


def test_flooded_plant_and_outage_calls_escalate_until_resolved(shipped: Callable[[str], Playbook]) -> None:
    plant = {"at": "2023-07-31T20:30:00+08:00", "kind": "report:water_plant_flooded", **MENTOUGOU}
    calls = [
        {"at": f"2023-07-31T21:{m:02d}:00+08:00", "kind": "call:water_outage", "source": "hotline", **MENTOUGOU}
        for m in range(0, 40, 2)
    ]
    later = [  # calls keep coming every 3 h, so the incident never goes quiet
        {"at": f"2023-08-01T0{h}:00:00+08:00", "kind": "call:water_outage", "source": "hotline", **MENTOUGOU}
        for h in (0, 3, 6, 9)
    ]
    approve = {"at": "2023-07-31T20:40:00+08:00", "command": "approve", "target": "A1"}
    tick = {"at": "2023-08-01T10:00:00+08:00", "command": "tick"}
    dry = dry_run(shipped("water_outage"), [plant, approve, *calls, *later, tick], "water_outage")
    (aid,) = effects_of(dry, MutualAidEffect)
    assert aid.capability == "water_repair"
    assert "timer unresolved-outage fired" in whats(dry)
    assert dry.incident is not None and dry.incident.response_level == "II"  # III from the plant, +1 at 12 h
