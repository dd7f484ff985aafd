"""Public warnings, approvals and mutual-aid requests carried out by the theater.

CAP messages of every type (Alert, Update, Cancel) validate against the official CAP 1.2 schema.
"""

from __future__ import annotations

import pytest
import xmlschema

from ebrain.compose import Core
from playbooks.cap import parse_cap_xml
from playbooks.evidence import Signal
from streams.wire.records import OperatorCommand, Tick
from tests.streams.theater.warnings_kit import MIN, T0, XSD, flood_warning, run


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def test_red_flood_warning_reaches_zhuozhou_within_minutes_with_cap(core: Core, schema: xmlschema.XMLSchema) -> None:
    deltas = run(
        core,
        [
            flood_warning(T0, "issue", "W1"),
            Tick(T0 + MIN),
            flood_warning(T0 + 60 * MIN, "cancel", "W2"),
            Tick(T0 + 61 * MIN),
        ],
    )
    notes = [d.entity for d in deltas if d.kind == "notification" and d.entity.to_province == "130000"]
    assert notes and "130681" in notes[0].to_adcodes  # 涿州
    assert notes[0].at_ms - T0 <= 5 * MIN
    warnings = [d.entity for d in deltas if d.kind == "warning"]
    assert [w["msg_type"] for w in warnings] == ["Alert", "Cancel"]
    for w in warnings:
        schema.validate(w["cap_xml"])
    cancel = parse_cap_xml(warnings[1]["cap_xml"])
    assert cancel.references == ((warnings[0]["sender"], warnings[0]["identifier"], warnings[0]["sent_ms"]),)
    alert = parse_cap_xml(warnings[0]["cap_xml"])
    assert {code for _, code in alert.areas[0].geocodes} >= {"110111", "130681"}


def test_operator_approval_issues_the_held_warning_as_an_update(core: Core, schema: xmlschema.XMLSchema) -> None:
    def gauge(at_ms: int, mm: float, sid: str) -> Signal:
        return Signal(
            signal_id=sid,
            source="sensor",
            kind="sensor:rain_gauge",
            at_ms=at_ms,
            province="110000",
            adcode="110109",
            lon=116.10,
            lat=39.94,
            severity=4,
            value=mm,
            place_key="device:RG-1",
        )

    first = run(core, [gauge(T0, 75.0, "R1"), Tick(T0 + MIN)])
    incident_id = next(d.key for d in first if d.kind == "incident")
    approve = OperatorCommand("C1", T0 + 62 * MIN, "li", "110000", "approve", incident_id, "A1")
    deltas = run(core, [gauge(T0, 75.0, "R1"), gauge(T0 + 60 * MIN, 105.0, "R2"), approve, Tick(T0 + 63 * MIN)])
    warnings = [d.entity for d in deltas if d.kind == "warning"]
    assert [(w["msg_type"], w["colour"]) for w in warnings] == [("Alert", "orange"), ("Update", "red")]
    assert warnings[1]["references"] == [warnings[0]["identifier"]]
    assert warnings[1]["sent_ms"] == T0 + 62 * MIN  # when the operator approved, not at the deadline
    for w in warnings:
        schema.validate(w["cap_xml"])
    asked = [d.entity.message for d in deltas if d.kind == "notification" and "待审批 A1" in d.entity.message]
    assert asked


def test_rejecting_an_unknown_approval_is_refused_with_a_hint(core: Core) -> None:
    flood = flood_warning(T0, "issue", "W1")
    first = run(core, [flood, Tick(T0 + MIN)])
    incident_id = next(d.key for d in first if d.kind == "incident")
    bad = OperatorCommand("C9", T0 + 2 * MIN, "li", "110000", "reject", incident_id, "A7")
    deltas = run(core, [flood, Tick(T0 + MIN), bad, Tick(T0 + 3 * MIN)])
    rejected = [d.entity for d in deltas if d.kind == "rejected"]
    assert rejected and "no approval 'A7'" in rejected[0]


@pytest.mark.parametrize("action", ["update", "cancel"])
def test_an_update_or_cancel_of_an_unknown_warning_is_refused_and_opens_nothing(core: Core, action: str) -> None:
    deltas = run(core, [flood_warning(T0, action, "W9"), Tick(T0 + MIN)])
    assert [d.kind for d in deltas if d.kind in ("incident", "warning", "notification", "task")] == []
    (refused,) = [d for d in deltas if d.kind == "rejected"]
    assert refused.key == "W9"
    assert refused.entity == (
        f"agency.warning W9: action={action}: warning_id='BJ-HYD-1' is not a warning in force (never issued, or "
        f"already cancelled); send action 'issue' for a new warning, or the warning_id of the one to {action}"
    )


def test_a_cancel_after_a_cancel_is_refused(core: Core) -> None:
    items = [flood_warning(T0, "issue", "W1"), flood_warning(T0 + MIN, "cancel", "W2")]
    deltas = run(core, [*items, flood_warning(T0 + 2 * MIN, "cancel", "W3"), Tick(T0 + 3 * MIN)])
    assert [d.key for d in deltas if d.kind == "rejected"] == ["W3"]
    assert [d.entity["msg_type"] for d in deltas if d.kind == "warning"] == ["Alert", "Cancel"]


def test_the_refusal_is_said_in_both_languages_without_ids(core: Core) -> None:
    (refused,) = [d for d in run(core, [flood_warning(T0, "cancel", "W9"), Tick(T0 + MIN)]) if d.kind == "rejected"]
    said = core.words.delta("rejected", refused.entity, refused.at_ms)
    assert said.missing == []
    assert said.zh == ["未执行｜预警解除未受理：所指预警未发布或已解除"]
    assert said.en == ["not carried out | warning not lifted: it was never issued or is already lifted"]


def test_a_scripted_approval_names_the_rule_not_the_ids(core: Core) -> None:
    def gauge(at_ms: int, mm: float, sid: str) -> Signal:
        return Signal(
            signal_id=sid, source="sensor", kind="sensor:rain_gauge", at_ms=at_ms, province="110000",
            adcode="110109", lon=116.10, lat=39.94, severity=4, value=mm, place_key="device:RG-1",
        )  # fmt: skip

    nothing = OperatorCommand("C0", T0 + MIN, "drill-script", "joint", "approve", "", "rule:rain-red-by-authority")
    approve = OperatorCommand("C1", T0 + 62 * MIN, "drill-script", "joint", "approve", "", "rule:rain-red-by-authority")
    deltas = run(
        core,
        [gauge(T0, 75.0, "R1"), nothing, gauge(T0 + 60 * MIN, 105.0, "R2"), approve, Tick(T0 + 63 * MIN)],
    )
    rejected = [d.entity for d in deltas if d.kind == "rejected"]
    assert rejected == ["command approve: no pending approval of rule 'rain-red-by-authority'"]
    warnings = [d.entity for d in deltas if d.kind == "warning"]
    assert [(w["msg_type"], w["colour"], w["sent_ms"]) for w in warnings][-1] == ("Update", "red", T0 + 62 * MIN)
    incident = [d.entity for d in deltas if d.kind == "incident"][-1]
    assert [(a.state, a.decided_by) for a in incident.approvals] == [("approved", "operator:drill-script@joint")]
