"""Expectations: read with file and line, scored against a run's deltas in event time."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.datafiles import LoadError, load_yaml
from playbooks.evidence import Signal
from playbooks.incident import Notification, Task
from scenarios.expectations import Expectation, check_regions, in_region, parse_expectations, score
from streams.theater.state import Delta
from tests.scenarios.expectations_kit import MIN, T0, incident


def parse(text: str, names: dict[str, int] | None = None) -> tuple[Expectation, ...]:
    doc = load_yaml("e.yaml", text)
    return parse_expectations("e.yaml", doc["expect"], 1, T0, names or {})


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


def test_new_kinds_name_their_line_and_offer_a_did_you_mean() -> None:
    with pytest.raises(LoadError, match=r"'cordn' is not one of .*did you mean 'cordon'") as info:
        parse("expect:\n  - closure_in_force:\n      near: 河北区\n      kind: cordn\n")
    assert info.value.line == 4
    with pytest.raises(LoadError, match=r"'comitted' is not one of .*did you mean 'committed'") as info:
        parse("expect:\n  - mutual_aid: {from: 北京, stage: comitted}\n")
    assert info.value.line == 2
    with pytest.raises(LoadError, match="did you mean 'agency'"):
        parse("expect:\n  - incident: {type: x, opened_by: agncy}\n")
    with pytest.raises(LoadError, match="did you mean 'Update'"):
        parse("expect:\n  - warning_issued: {msg_type: Updat}\n")
    (aid,) = parse("expect:\n  - mutual_aid: {from: 北京, to: 河北}\n")
    assert check_regions("e.yaml", [aid], {"北京": "110000", "河北": "130000"}.get) == {
        "北京": "110000",
        "河北": "130000",
    }


def test_incident_opened_by_a_source() -> None:
    (exp,) = parse("expect:\n  - incident: {type: gas_explosion, opened_by: sensor}\n")
    call = Signal("c1", "hotline", "call:explosion", T0, "130000")
    by_call = [Delta(1, T0, "incident", "I1", incident("III", T0, evidence=(call,)))]
    assert not score([exp], by_call, {}, {})[0].passed
    alarm = Signal("s1", "sensor", "sensor:gas_lel", T0, "130000")
    assert score([exp], [Delta(1, T0, "incident", "I1", incident("III", T0, evidence=(alarm, call)))], {}, {})[0].passed


def test_dispatched_from_several_provinces() -> None:
    (exp,) = parse("expect:\n  - dispatched: {capability: hazmat, regions: 2, count: 2}\n")

    def task(n: int, province: str) -> Delta:
        entity = Task(
            f"T{n}", "I1", "hazmat", T0 + n, T0 + 15 * MIN, "r", "dispatched", f"u{n}", responder_province=province
        )
        return Delta(n, T0 + n, "task", entity.id, entity)

    assert not score([exp], [task(1, "130000"), task(2, "130000")], {}, {})[0].passed
    result = score([exp], [task(1, "130000"), task(2, "130000"), task(3, "110000")], {}, {})[0]
    assert result.passed and result.at_ms == T0 + 3


def test_a_cap_update_counts_only_as_part_of_a_chain() -> None:
    (exp,) = parse("expect:\n  - warning_issued: {to: 三河市, msg_type: Update}\n")
    regions = {"三河市": "131082"}

    def message(n: int, msg_type: str, references: list[str]) -> Delta:
        entity = {"identifier": f"W{n}", "incident_id": "I1", "msg_type": msg_type, "sent_ms": T0 + n * MIN,
                  "references": references, "colour": "red", "area_adcodes": ["131082"]}  # fmt: skip
        return Delta(n, T0 + n * MIN, "warning", f"W{n}", entity)

    assert not score([exp], [message(1, "Update", ["W0"])], regions, {})[0].passed  # references nothing seen
    result = score([exp], [message(1, "Alert", []), message(2, "Update", ["W1"])], regions, {})[0]
    assert result.passed and result.at_ms == T0 + 2 * MIN and "after W1" in result.detail


def test_closure_in_force_at_a_place_of_an_incident_type() -> None:
    (exp,) = parse("expect:\n  - by: +10m\n    closure_in_force: {near: 丰台区, kind: flooded_underpass}\n")
    regions = {"丰台区": "110106"}
    closure = {"id": "C1", "kind": "flooded_underpass", "status": "active", "adcode": "110106", "incident_id": "I1"}
    elsewhere = {**closure, "id": "C0", "adcode": "110105"}
    deltas = [Delta(1, T0, "closure", "C0", elsewhere), Delta(2, T0 + 5 * MIN, "closure", "C1", closure)]
    result = score([exp], deltas, regions, {})[0]
    assert result.passed and result.at_ms == T0 + 5 * MIN
    late = [Delta(1, T0 + 11 * MIN, "closure", "C1", closure)]
    assert not score([exp], late, regions, {})[0].passed


def test_mutual_aid_reaches_a_stage_between_the_right_provinces() -> None:
    (exp,) = parse("expect:\n  - mutual_aid: {from: 北京, to: 河北, capability: hazmat, stage: offered}\n")
    regions = {"北京": "110000", "河北": "130000"}

    def update(n: int, stage: str, lender: str = "110000") -> Delta:
        entity = {"request_id": "R1", "incident_id": "I1", "capability": "hazmat", "borrower": "130000",
                  "lender": lender, "stage": stage, "by": "operator:li@110000"}  # fmt: skip
        return Delta(n, T0 + n * MIN, "mutual_aid", "R1", entity)

    assert not score([exp], [update(1, "requested")], regions, {})[0].passed
    assert not score([exp], [update(1, "committed", "120000")], regions, {})[0].passed
    result = score([exp], [update(1, "requested"), update(2, "committed")], regions, {})[0]
    assert result.passed and result.at_ms == T0 + 2 * MIN


def test_casualties_routed_to_a_region() -> None:
    (exp,) = parse("expect:\n  - casualties_routed: {to: 北京, count: 3}\n")
    regions = {"北京": "110000"}

    def routing(n: int, adcode: str, casualties: int) -> Delta:
        entity = {"incident_id": "I1", "hospitals": [{"adcode": adcode, "casualties": casualties}]}
        return Delta(n, T0 + n * MIN, "casualty_routing", f"s{n}", entity)

    assert not score([exp], [routing(1, "110105", 2), routing(2, "131082", 5)], regions, {})[0].passed
    assert score([exp], [routing(1, "110105", 2), routing(2, "110101", 1)], regions, {})[0].passed


def test_casualties_routed_to_a_speciality_count_only_its_units() -> None:
    (exp,) = parse("expect:\n  - casualties_routed: {to: 北京, count: 3, speciality: burns}\n")
    regions = {"北京": "110000"}

    def routing(n: int, *shares: tuple[str, int]) -> Delta:
        hospitals = [{"adcode": "110105", "speciality": kind, "casualties": count} for kind, count in shares]
        return Delta(n, T0 + n * MIN, "casualty_routing", f"s{n}", {"incident_id": "I1", "hospitals": hospitals})

    assert not score([exp], [routing(1, ("", 5), ("burns", 2))], regions, {})[0].passed  # general beds do not count
    assert score([exp], [routing(1, ("burns", 2)), routing(2, ("burns", 1))], regions, {})[0].passed
    with pytest.raises(LoadError, match="did you mean 'burns'"):
        parse("expect:\n  - casualties_routed: {to: 北京, speciality: burn}\n")


def test_who_leads_is_a_minimum_with_a_did_you_mean() -> None:
    with pytest.raises(LoadError, match="did you mean 'province'"):
        parse("expect:\n  - incident: {lead: provnce}\n")
    (exp,) = parse("expect:\n  - incident: {type: gas_explosion, lead: city}\n")
    assert not score([exp], [Delta(1, T0, "incident", "I1", incident("IV", T0))], {}, {})[0].passed
    led = incident("II", T0, lead="province")
    assert score([exp], [Delta(1, T0, "incident", "I1", led)], {}, {})[0].passed


def test_assigned_names_the_work_and_the_owning_agency_and_not_units() -> None:
    (exp,) = parse(
        "expect:\n  - by: +1h\n    assigned: {work: power_restoration, agency: hebei-power, region: 三河市}\n"
    )
    regions = check_regions("e.yaml", [exp], {"三河市": "131082"}.get)

    def task(n: int, at: int, agency: str = "hebei-power", kind: str = "power_utility") -> Delta:
        entity = Task(
            f"T{n}", "I1", "power_restoration", at, at + 24 * 60 * MIN, "stage:after:enter", "dispatched",
            agency or f"{kind}@131082", responder_province="130000", responder_adcode="131082",
            incident_province="130000", agency_kind=kind, agency=agency,
        )  # fmt: skip
        return Delta(n, at, "task", entity.id, entity)

    unit = Task("T0", "I1", "power_repair", T0, T0 + MIN, "r", "dispatched", "power_crew-131082-01")
    assert not score([exp], [Delta(0, T0, "task", "T0", unit)], regions, {})[0].passed
    assert not score([exp], [task(1, T0 + 2 * 60 * MIN)], regions, {})[0].passed  # after its `by`
    assert not score([exp], [task(1, T0, agency="", kind="county_government")], regions, {})[0].passed
    assert score([exp], [task(1, T0 + 30 * MIN)], regions, {})[0].passed
