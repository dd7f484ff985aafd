"""Reports upward: a first report when an incident is graded, follow-ups on changes, a final one on closing;
deadlines in event time per region; a late report alerts the centre above; an operator submits."""

from __future__ import annotations

from dataclasses import replace

from ebrain.compose import Core
from geo.datafiles import LoadError
from playbooks.evidence import Signal
from streams import theater
from streams.theater import reporting
from streams.theater.reporting import Report
from streams.theater.reporting_rules import load_reporting_rules
from streams.theater.state import Emitter, TheaterState
from streams.theater.store import all_records, restore
from streams.wire.records import OperatorCommand, Tick
from tests.streams.theater.theater_geo_kit import BJ, HB, T0, incident_at, start, stepwise

MIN = 60_000


def _follow(state: TheaterState, core: Core, incident, at_ms: int) -> Emitter:  # type: ignore[no-untyped-def]
    state.now_ms = at_ms
    out = Emitter(state)
    reporting.follow(state, incident, core.theater, out)
    return out


def _reports(out: Emitter) -> list[Report]:
    return [d.entity for d in out.deltas if d.kind == "report"]


def _casualties(deaths: int, injured: int, at_ms: int) -> Signal:
    return Signal(
        signal_id=f"cas-{at_ms}", source="agency", kind="casualties", at_ms=at_ms, province=HB, adcode="131082",
        lon=116.81, lat=39.96, value=float(deaths),
        attrs=(("agency", "langfang-emergency"), ("deaths", str(deaths)), ("injured", str(injured))),
    )  # fmt: skip


def test_an_ungraded_incident_owes_nothing(core: Core) -> None:
    state = TheaterState(fleet=core.initial_fleet)
    assert _reports(_follow(state, core, incident_at(), T0)) == []
    assert state.reports == {} and state.report_marks == {}


def test_a_larger_event_in_hebei_owes_a_written_report_in_1_h_and_a_phone_report_in_30_min(core: Core) -> None:
    state = TheaterState(fleet=core.initial_fleet)
    graded = replace(incident_at(), event_grade="较大", response_level="III")
    first = _reports(_follow(state, core, graded, T0))
    assert [(r.kind, r.channel, r.to, r.due_ms - T0) for r in first] == [
        ("first", "written", "province", 60 * MIN),
        ("first", "phone", "province", 30 * MIN),
    ]
    assert first[0].id == "JINGJINJI-000001.R1" and first[0].status == "due"
    assert reporting.next_due_ms(state) == T0 + 30 * MIN


def test_a_general_event_goes_to_the_city_without_a_phone_report(core: Core) -> None:
    state = TheaterState(fleet=core.initial_fleet)
    reports = _reports(_follow(state, core, replace(incident_at(), event_grade="一般"), T0))
    assert [(r.kind, r.channel, r.to) for r in reports] == [("first", "written", "city")]


def test_changes_make_one_follow_up_due_and_closing_a_final_report(core: Core) -> None:
    state = TheaterState(fleet=core.initial_fleet)
    incident = replace(incident_at(), event_grade="一般", response_level="IV")
    _follow(state, core, incident, T0)
    incident = replace(incident, evidence=(_casualties(2, 5, T0 + MIN),))
    follow_up = _reports(_follow(state, core, incident, T0 + MIN))
    assert [(r.kind, r.reason, r.due_ms - T0 - MIN) for r in follow_up] == [("followup", "casualties", 120 * MIN)]
    assert follow_up[0].draft.deaths == 2 and follow_up[0].draft.injured == 5
    # a second change while that follow-up is due updates it rather than opening another
    incident = replace(incident, event_grade="较大", response_level="III")
    again = _reports(_follow(state, core, incident, T0 + 2 * MIN))
    assert [(r.id, r.kind, r.channel) for r in again] == [
        (follow_up[0].id, "followup", "written"),
        ("JINGJINJI-000001.R3", "first", "phone"),  # 较大 now: Hebei wants a phone report too
    ]
    assert again[0].reason == "casualties+grade+response_level" and again[0].to == "province"
    closed = _reports(_follow(state, core, replace(incident, status="closed", stage="closed"), T0 + 3 * MIN))
    assert [(r.kind, r.due_ms - T0 - 3 * MIN) for r in closed] == [("final", 1440 * MIN)]


def test_a_report_not_submitted_in_time_is_late_and_the_centre_above_is_alerted(core: Core) -> None:
    state = TheaterState(fleet=core.initial_fleet)
    ctx = stepwise(core.theater)
    out = start(state, replace(incident_at(), event_grade="一般"))
    reporting.follow(state, state.fusion.incidents["JINGJINJI-000001"], ctx, out)
    _, deltas = theater.step(state, Tick(T0 + 61 * MIN), ctx)
    late = [d.entity for d in deltas if d.kind == "report"]
    assert [(r.status, r.late) for r in late] == [("late", True)]
    notes = [d.entity for d in deltas if d.kind == "notification"]
    assert [(n.to_province, n.rule) for n in notes] == [(HB, "reporting")]
    assert notes[0].message.startswith("report overdue: first written to city, due 2024-03-13T08:54:00+08:00")
    assert state.report_due == {}
    # submitted late, it is done and stays marked late
    submit = OperatorCommand("c1", T0 + 62 * MIN, "王值班", HB, "submit_report", "JINGJINJI-000001", late[0].id)
    _, deltas = theater.step(state, submit, ctx)
    _, deltas = theater.step(state, Tick(T0 + 63 * MIN), ctx)
    done = state.reports[late[0].id]
    assert (done.status, done.late, done.submitted_by) == ("submitted", True, f"operator:王值班@{HB}")


def test_submitting_in_time_and_twice(core: Core) -> None:
    state = TheaterState(fleet=core.initial_fleet)
    ctx = stepwise(core.theater)
    out = start(state, replace(incident_at(province=BJ, adcode="110112"), event_grade="一般"))
    reporting.follow(state, state.fusion.incidents["JINGJINJI-000001"], ctx, out)
    submit = OperatorCommand(
        "c1", T0 + 10 * MIN, "李值班", BJ, "submit_report", "JINGJINJI-000001", "JINGJINJI-000001.R1"
    )
    deltas = [d for item in (submit, Tick(T0 + 11 * MIN)) for d in theater.step(state, item, ctx)[1]]
    assert [(d.kind, d.entity.status, d.entity.late) for d in deltas if d.kind == "report"] == [
        ("report", "submitted", False)
    ]
    assert state.report_due == {}
    twice = replace(submit, event_id="c2", at_ms=T0 + 12 * MIN)
    deltas = [d for item in (twice, Tick(T0 + 13 * MIN)) for d in theater.step(state, item, ctx)[1]]
    assert [d.entity for d in deltas if d.kind == "rejected"] == [
        "command submit_report: JINGJINJI-000001.R1 was already submitted"
    ]
    other = OperatorCommand(
        "c4", T0 + 16 * MIN, "周值班", HB, "submit_report", "JINGJINJI-000001", "JINGJINJI-000001.R1"
    )
    state.reports["JINGJINJI-000001.R1"] = replace(state.reports["JINGJINJI-000001.R1"], status="due")
    deltas = [d for item in (other, Tick(T0 + 17 * MIN)) for d in theater.step(state, item, ctx)[1]]
    assert [d.entity for d in deltas if d.kind == "rejected"] == [
        "command submit_report: centre 130000 does not owe JINGJINJI-000001.R1"
    ]
    unknown = replace(submit, event_id="c3", at_ms=T0 + 14 * MIN, target="JINGJINJI-000001.R9")
    deltas = [d for item in (unknown, Tick(T0 + 15 * MIN)) for d in theater.step(state, item, ctx)[1]]
    assert [d.entity for d in deltas if d.kind == "rejected"] == [
        "command submit_report: JINGJINJI-000001 owes no report 'JINGJINJI-000001.R9'"
    ]


def test_deadlines_survive_a_restart(core: Core) -> None:
    state = TheaterState(fleet=core.initial_fleet)
    ctx = stepwise(core.theater)
    out = start(state, replace(incident_at(), event_grade="较大"))
    reporting.follow(state, state.fusion.incidents["JINGJINJI-000001"], ctx, out)
    records = list(all_records(state))
    table = {t: [v for tt, _, v in records if tt == t] for t in ("incident", "task", "meta")}
    again = restore(core.initial_fleet, table["incident"], table["task"], [], table["meta"][0])
    assert again.reports == state.reports and again.report_marks == state.report_marks
    assert again.report_due == state.report_due
    _, deltas = theater.step(again, Tick(T0 + 31 * MIN), ctx)
    assert [(d.entity.channel, d.entity.status) for d in deltas if d.kind == "report"] == [("phone", "late")]


def test_the_rules_file_is_checked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "reporting.yaml"
    bad.write_text(
        "reportable_grades: [一般]\nrecipients: {一般: city}\nregions:\n  default: {written_min: 60, "
        "phone_from_grade: 较小, followup_min: 120, final_min: 1440}\n",
        encoding="utf-8",
    )
    try:
        load_reporting_rules(bad)
    except LoadError as exc:
        assert "较小" in str(exc) and ":4:" in str(exc)
    else:
        raise AssertionError("a grade that does not exist was accepted")


def test_the_reports_of_a_merged_incident_are_withdrawn(core: Core) -> None:
    state = TheaterState(fleet=core.initial_fleet)
    graded = replace(incident_at(), event_grade="一般")
    out = start(state, graded)
    reporting.follow(state, graded, core.theater, out)
    merged = replace(graded, status="merged", merged_into="JINGJINJI-000002")
    withdrawn = _reports(_follow(state, core, merged, T0 + MIN))
    assert [(r.id, r.status) for r in withdrawn] == [("JINGJINJI-000001.R1", "merged")]
    assert state.report_due == {}
