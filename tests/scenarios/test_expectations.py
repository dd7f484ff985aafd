"""Expectations: read with file and line, scored against a run's deltas in event time."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.datafiles import LoadError, load_yaml
from playbooks.incident import Incident, Notification, Task
from scenarios.expectations import Expectation, check_regions, in_region, parse_expectations, score
from streams.theater.state import Delta

T0 = 1_700_000_000_000
MIN = 60_000


def parse(text: str, names: dict[str, int] | None = None) -> tuple[Expectation, ...]:
    doc = load_yaml("e.yaml", text)
    return parse_expectations("e.yaml", doc["expect"], 1, T0, names or {})


def incident(level: str | None, at: int, **kw: object) -> Incident:
    base: dict[str, object] = {
        "id": "I1",
        "theater": "t",
        "type": "gas_explosion",
        "family": "gas",
        "opened_at_ms": T0,
        "updated_at_ms": at,
        "last_evidence_ms": at,
        "lon": 116.8,
        "lat": 39.9,
        "province": "130000",
        "adcode": "131082",
        "provinces": ("130000",),
        "adcodes": ("131082",),
        "evidence": (),
        "counts": (),
        "confidence": 0.9,
        "response_level": level,
    }
    base.update(kw)
    return Incident(**base)  # type: ignore[arg-type]


def test_unknown_kind_and_level_are_load_errors_at_their_line() -> None:
    with pytest.raises(LoadError, match="did you mean 'incident'") as info:
        parse("expect:\n  - by: +1m\n    incidnt: {type: x}\n")
    assert info.value.line == 3
    with pytest.raises(LoadError, match="is not one of") as info:
        parse("expect:\n  - incident:\n      response_level: V\n")
    assert info.value.line == 3
    with pytest.raises(LoadError, match="no timeline entry with id 'blst'; did you mean 'blast'"):
        parse("expect:\n  - notified: {to: 北京, after: blst, within: 5m}\n", {"blast": T0})


def test_incident_level_must_be_reached_by_the_deadline() -> None:
    (exp,) = parse("expect:\n  - by: +10m\n    incident: {type: gas_explosion, response_level: III}\n")
    early = [Delta(1, T0 + 5 * MIN, "incident", "I1", incident("IV", T0 + 5 * MIN))]
    late = [*early, Delta(2, T0 + 11 * MIN, "incident", "I1", incident("III", T0 + 11 * MIN))]
    assert not score([exp], late, {}, {})[0].passed
    in_time = [*early, Delta(2, T0 + 9 * MIN, "incident", "I1", incident("II", T0 + 9 * MIN))]
    result = score([exp], in_time, {}, {})[0]
    assert result.passed and result.at_ms == T0 + 9 * MIN


def test_dispatch_from_a_region_and_across_the_border() -> None:
    (exp,) = parse("expect:\n  - by: +20m\n    dispatched: {from: 通州区, cross_border: true, count: 2}\n")
    regions = check_regions("e.yaml", [exp], {"通州区": "110112"}.get)

    def task(n: int, adcode: str, at: int) -> Delta:
        entity = Task(
            f"T{n}", "I1", "fire_suppression", at, at + 15 * MIN, "r", "dispatched", f"u{n}",
            responder_province=adcode[:2] + "0000", responder_adcode=adcode, cross_border=adcode[:2] == "11",
        )  # fmt: skip
        return Delta(n, at, "task", entity.id, entity)

    one = [task(1, "110112", T0), task(2, "131082", T0)]
    assert not score([exp], one, regions, {})[0].passed
    assert score([exp], [*one, task(3, "110112", T0 + 19 * MIN)], regions, {})[0].passed


def test_notification_to_a_county_needs_it_named_within_the_window() -> None:
    (exp,) = parse("expect:\n  - notified: {to: 涿州市, after: warn, within: 15m}\n", {"warn": T0})
    regions = {"涿州市": "130681"}
    province_wide = Notification("N1", "I1", T0 + MIN, "130000", "r", "m")
    named = Notification("N2", "I1", T0 + 20 * MIN, "130000", "r", "m", to_adcodes=("130681",))
    deltas = [
        Delta(1, T0 + MIN, "notification", "N1", province_wide),
        Delta(2, T0 + 20 * MIN, "notification", "N2", named),
    ]
    result = score([exp], deltas, regions, {})[0]
    assert not result.passed and "20 min" in result.detail
    in_time = Notification("N3", "I1", T0 + 14 * MIN, "130000", "r", "m", to_adcodes=("130600",))
    assert score([exp], [Delta(3, T0 + 14 * MIN, "notification", "N3", in_time)], regions, {})[0].passed


def test_at_most_counts_open_incidents_not_merged_ones() -> None:
    (exp,) = parse("expect:\n  - incidents: {type: gas_explosion, at_most: 1}\n")
    a = incident("III", T0)
    b = incident("III", T0, id="I2")
    assert not score([exp], [Delta(1, T0, "incident", "I1", a), Delta(2, T0, "incident", "I2", b)], {}, {})[0].passed
    merged = incident("III", T0, id="I2", status="merged", merged_into="I1")
    deltas = [
        Delta(1, T0, "incident", "I1", a),
        Delta(2, T0, "incident", "I2", b),
        Delta(3, T0, "incident", "I2", merged),
    ]
    assert score([exp], deltas, {}, {})[0].passed


def test_region_containment() -> None:
    assert in_region("130000", ("130000",), ())
    assert in_region("130600", (), ("130681",))
    assert in_region("130681", (), ("130600",))
    assert not in_region("130681", ("130000",), ("131082",))


def test_unknown_region_is_a_load_error(tmp_path: Path) -> None:
    (exp,) = parse("expect:\n  - incident: {region: 涿洲}\n")
    with pytest.raises(LoadError, match="names no region"):
        check_regions("e.yaml", [exp], lambda text: None)


def _report(status: str, late: bool = False, kind: str = "first", channel: str = "written") -> dict[str, object]:
    return {"id": "I1.R1", "incident_id": "I1", "kind": kind, "channel": channel, "status": status, "late": late}


def test_report_expectations_tell_due_submitted_in_time_and_late() -> None:
    due, submitted, late = parse(
        "expect:\n"
        "  - {by: +5m, report: {kind: first, status: due}}\n"
        "  - report: {kind: first, channel: written, status: submitted}\n"
        "  - report: {status: late}\n"
    )
    opened = [Delta(1, T0, "incident", "I1", incident("IV", T0)), Delta(2, T0 + MIN, "report", "I1.R1", _report("due"))]
    late_then_in = [
        *opened,
        Delta(3, T0 + 61 * MIN, "report", "I1.R1", _report("late", True)),
        Delta(4, T0 + 70 * MIN, "report", "I1.R1", _report("submitted", True)),
    ]
    assert [r.passed for r in score((due, submitted, late), late_then_in, {}, {})] == [True, False, True]
    in_time = [*opened, Delta(3, T0 + 9 * MIN, "report", "I1.R1", _report("submitted"))]
    assert [r.passed for r in score((due, submitted, late), in_time, {}, {})] == [True, True, False]


def test_work_order_expectations_name_the_hotline_region() -> None:
    (done,) = parse("expect:\n  - work_order: {status: done, hotline: 北京}\n")
    order = {"id": "I1/gas_utility/110000", "incident_id": "I1", "hotline": "110000", "status": "done", "calls": 2}
    deltas = [Delta(1, T0, "incident", "I1", incident("IV", T0)), Delta(2, T0 + MIN, "work_order", order["id"], order)]
    assert score((done,), deltas, {"北京": "110000"}, {})[0].passed
    assert not score((done,), deltas, {"北京": "120000"}, {})[0].passed


def test_report_choices_are_checked_at_their_line() -> None:
    with pytest.raises(LoadError, match="'sent' is not one of") as info:
        parse("expect:\n  - report:\n      status: sent\n")
    assert info.value.line == 3
