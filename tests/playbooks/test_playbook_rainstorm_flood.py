"""Shipped playbook rainstorm_flood: Beijing's thresholds, downstream notice across the border, blackout, boats."""

from __future__ import annotations

from collections.abc import Callable

from playbooks.effects import MutualAidEffect, NotifyEffect, WarningEffect
from playbooks.plan import Playbook
from tests.playbooks.conftest import dry_run, effects_of, whats


def test_red_flood_warning_on_the_daishihe_tells_zhuozhou_at_once(shipped: Callable[[str], Playbook]) -> None:
    dry = dry_run(shipped("rainstorm_flood"), "flood_warning_daishihe.jsonl", "flood_warning")
    assert dry.incident is not None
    first = [n for n in effects_of(dry, NotifyEffect) if n.adcodes]
    assert first and "130681" in first[0].adcodes  # 涿州, downstream in Hebei
    assert dry.steps[0].at_ms == dry.incident.opened_at_ms  # in the same event-time minute as the warning
    alert, cancel = effects_of(dry, WarningEffect)
    assert (alert.msg_type, alert.colour, alert.event_code) == ("Alert", "red", "11A01")
    assert {"110111", "130681"} <= set(alert.area_adcodes)
    assert cancel.msg_type == "Cancel" and cancel.references == ((alert.sender, alert.identifier, alert.sent_ms),)
    assert [w for w in whats(dry) if w.startswith("stage")] == ["stage before→during", "stage during→after"]
    assert dry.incident.response_level == "III"  # II while the warning stood, lowered when it was lifted


def test_beijing_red_rain_needs_approval_and_defaults_to_issuing(shipped: Callable[[str], Playbook]) -> None:
    dry = dry_run(shipped("rainstorm_flood"), "rain_beijing.jsonl", "rainstorm")
    warnings = effects_of(dry, WarningEffect)
    assert [(w.msg_type, w.colour) for w in warnings] == [("Alert", "orange"), ("Update", "red"), ("Cancel", "red")]
    assert dry.incident is not None
    assert dry.incident.approvals[0].state == "expired"
    red = warnings[1]
    assert red.sent_ms - dry.incident.opened_at_ms == 70 * 60_000  # 1 h to the red reading + 10 min deadline
    assert dry.incident.stage == "after" and dry.incident.warning_colour is None


def test_the_same_rain_in_hebei_is_judged_by_the_national_table(shipped: Callable[[str], Playbook]) -> None:
    gauge = {"kind": "sensor:rain_gauge", "source": "sensor", "province": "130000", "adcode": "130681", "value": 105.0}
    dry = dry_run(shipped("rainstorm_flood"), [{"at": "2023-07-30T21:00:00+08:00", **gauge}], "rainstorm")
    assert dry.incident is not None
    assert dry.incident.warning_colour == "yellow"  # nationally 1 h of rain is only short-duration heavy rain
    assert effects_of(dry, WarningEffect) == []


def test_stations_silent_under_a_warning_are_flagged(shipped: Callable[[str], Playbook]) -> None:
    warning = {
        "at": "2023-07-31T09:00:00+08:00",
        "kind": "warning",
        "province": "110000",
        "adcode": "110109",
        "severity": 4,
        "attrs": {"action": "issue", "colour": "red", "hazard": "rainstorm", "warning_id": "W1", "area": "110109"},
    }
    silent = {"kind": "blackout_risk", "source": "sensor", "province": "110000", "adcode": "110109", "severity": 4}
    events = [warning] + [{"at": f"2023-07-31T10:0{i}:00+08:00", **silent} for i in range(5)]
    dry = dry_run(shipped("rainstorm_flood"), events, "sensor_blackout")
    assert "rule silent-under-warning fired" in whats(dry)
    assert dry.incident is not None and dry.incident.response_level == "III"  # five silent stations


def test_many_trapped_calls_borrow_boats_after_approval(shipped: Callable[[str], Playbook]) -> None:
    call = {"kind": "call:trapped", "source": "hotline", "province": "130000", "adcode": "130681"}
    events = [{"at": f"2023-08-01T05:{10 * i:02d}:00+08:00", **call} for i in range(5)]
    events.append({"at": "2023-08-01T05:45:00+08:00", "command": "approve", "target": "A1"})
    dry = dry_run(shipped("rainstorm_flood"), events, "flood_rescue")
    (aid,) = effects_of(dry, MutualAidEffect)
    assert (aid.capability, aid.count, aid.borrower, aid.lenders) == ("boat", 4, "130000", ("110000", "120000"))
    assert dry.incident is not None
    assert "timer ack-rescue fired" in whats(dry)  # nobody acknowledged the rescue in 15 min
    assert dry.incident.response_level == "I"  # III, +1 unacknowledged, +1 five calls in an hour
