"""Shipped playbook hazmat_leak: first response, a chemical plant nearby, a plume over homes, borrowing teams."""

from __future__ import annotations

from collections.abc import Callable

from playbooks.effects import ApprovalEffect, DispatchEffect, MutualAidEffect, WarningEffect
from playbooks.plan import Playbook
from tests.playbooks.conftest import dry_run, effects_of

NEAR_PLANT = {"province": "130000", "adcode": "131082", "lon": 116.85, "lat": 39.955}
FAR = {"province": "130000", "adcode": "130683", "lon": 115.95, "lat": 38.40}


def call(minute: int, place: dict[str, object]) -> dict[str, object]:
    return {"at": f"2024-06-01T10:{minute:02d}:00+08:00", "kind": "call:chemical", "source": "hotline", **place}


def test_leak_next_to_a_chemical_plant_is_larger(shipped: Callable[[str], Playbook]) -> None:
    dry = dry_run(shipped("hazmat_leak"), [call(0, NEAR_PLANT)], "hazmat_leak")
    assert dry.incident is not None
    assert (dry.incident.stage, dry.incident.response_level, dry.incident.warning_colour) == ("during", "III", "orange")
    assert sorted(e.capability for e in effects_of(dry, DispatchEffect)) == [
        "fire_suppression",
        "hazmat",
        "medical",
    ]
    dry = dry_run(shipped("hazmat_leak"), [call(0, FAR)], "hazmat_leak")
    assert dry.incident is not None and dry.incident.response_level == "IV"


def test_plume_over_homes_warns_the_public_and_asks_before_borrowing(shipped: Callable[[str], Playbook]) -> None:
    events = [call(m, FAR) for m in range(0, 50, 5)]
    events.append({"at": "2024-06-01T11:30:00+08:00", "command": "tick"})
    dry = dry_run(shipped("hazmat_leak"), events, "hazmat_leak")
    (alert,) = effects_of(dry, WarningEffect)
    assert (alert.msg_type, alert.colour, alert.event_code) == ("Alert", "red", "12000")
    assert effects_of(dry, MutualAidEffect) == []  # default reject: nobody approved the loan
    assert [e.state for e in effects_of(dry, ApprovalEffect)] == ["requested", "expired"]
