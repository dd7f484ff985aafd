"""Shipped playbook gas_explosion: a smell call first, the blast, grading by deaths, a second blast reopens."""

from __future__ import annotations

from collections.abc import Callable

from playbooks.effects import DispatchEffect
from playbooks.plan import Playbook
from tests.playbooks.conftest import dry_run, effects_of, whats

YANJIAO = {"province": "130000", "adcode": "131082", "lon": 116.81, "lat": 39.96}


def ev(clock: str, kind: str, **extra: object) -> dict[str, object]:
    return {"at": f"2024-03-13T{clock}:00+08:00", "kind": kind, **YANJIAO, **extra}


def test_smell_then_blast_then_recovery_then_second_blast(shipped: Callable[[str], Playbook]) -> None:
    events = [
        ev("07:40", "call:gas_smell", source="hotline"),
        ev("07:54", "call:explosion", source="hotline"),
        {"at": "2024-03-13T07:57:00+08:00", "command": "acknowledge"},
        ev("08:30", "casualties", value=7.0),
        ev("09:00", "report:rescue_ended"),
        ev("09:10", "report:explosion"),
    ]
    dry = dry_run(shipped("gas_explosion"), events, "gas_leak")
    assert dry.incident is not None
    stages = [w for w in whats(dry) if w.startswith("stage")]
    assert stages == ["stage before→during", "stage during→after", "stage after→during (reopened)"]
    assert (dry.incident.event_grade, dry.incident.response_level) == ("较大", "I")  # II, then +1 on the reopen
    assert "timer ack-leak fired" in whats(dry)  # the smell call went unacknowledged for 10 min
    first = [e.capability for e in effects_of(dry, DispatchEffect)][:2]
    assert first == ["gas_isolation", "fire_suppression"]
