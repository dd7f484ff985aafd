"""Reporting upward (信息报告): the reports an incident owes the government above, with their deadlines.

Rule: an incident that reaches a reportable grade owes a 首报 (first report, written; by phone too where its
region requires it from that grade), a 续报 (follow-up) whenever its casualties, grade or response level change
after that, and a 终报 (final report) when it closes. Each obligation is a `Report` with its due time in event
time, drafted from the incident; an operator submits it (command `submit_report`, target = the report id). A report
still not submitted when its deadline passes is late: a `report` delta says so and a notification alerts the
centre above (the province's command centre; the joint centre sees every notification).

Deadlines and recipients are data per region (`streams/data/reporting.yaml`). Due times are part of the theater's
durable state and fire when the watermark passes them, never by sleeping, so they survive a restart.
While a follow-up is still due, a further change updates that one rather than opening another.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from playbooks.incident import EVENT_GRADES, Incident, Notification
from streams.theater.losses import figures_of, named
from streams.theater.reporting_rules import Recipient, RegionRule
from streams.theater.state import Emitter, TheaterContext, TheaterState
from streams.wire.contract import LOSS_FIGURES
from streams.wire.records import OperatorCommand
from streams.wire.timefmt import format_time_ms

JOINT_CENTRE = "joint"  # the joint command centre's code (dashboard_api/data/sharing.yaml)
ReportKind = Literal["first", "followup", "final"]
Channel = Literal["written", "phone"]


@dataclass(frozen=True, slots=True)
class ReportDraft:
    """The report's content, modelled on GB/T 35965.2 event information (事件信息): name and type of the event,
    grade and response level, time and place of occurrence, casualties and losses, measures taken, resources
    committed, the reporting unit and the time of the report. Field names are this project's own."""

    event_type: str  # the incident type (the page says it)
    event_grade: str
    response_level: str
    stage: str
    occurred_ms: int  # when the incident opened
    province: str
    adcode: str
    places: tuple[str, ...]  # every county it spans
    lon: float
    lat: float
    deaths: int
    injured: int
    missing: int
    relocated: int
    houses_damaged: int
    direct_loss_cny: int
    measures: tuple[str, ...]  # what the response did: the incident's decisions on stage, levels and warnings
    resources: tuple[tuple[str, int], ...]  # units sent, by capability
    cross_border_units: int
    reporting_unit: str  # the county that owns the incident reports upward
    drafted_ms: int


@dataclass(frozen=True, slots=True)
class Report:
    """One reporting obligation of one incident, and what became of it."""

    id: str  # "<incident id>.R<n>"
    incident_id: str
    number: int
    kind: ReportKind
    channel: Channel
    to: Recipient
    province: str
    reason: str  # what made it due: grade, casualties, response_level, closed (joined with "+")
    opened_ms: int
    due_ms: int
    status: Literal["due", "submitted", "late", "merged"]  # merged: withdrawn, its incident merged into another
    draft: ReportDraft
    late: bool = False  # its deadline passed before it was submitted (kept when it is then submitted)
    submitted_ms: int | None = None
    submitted_by: str = ""  # "operator:<name>@<centre>"


@dataclass(frozen=True, slots=True)
class ReportMark:
    """What the last reports of an incident were about: a change from it makes a follow-up due."""

    grade: str
    level: str
    figures: tuple[int, ...]  # deaths, injured, missing, relocated, houses damaged, direct loss
    phone: bool  # a phone report was made due
    closed: bool
    count: int  # reports opened so far (numbers the next)


def follow(state: TheaterState, incident: Incident, ctx: TheaterContext, out: Emitter) -> None:
    """Open the reports `incident` now owes (called for every incident the feed shows changed)."""
    mark = state.report_marks.get(incident.id)
    if mark is None and incident.event_grade not in ctx.reporting.reportable_grades:
        return
    if incident.status == "merged":
        # its survivor reports for both (it takes the higher grade, so it owes its own reports): these are withdrawn
        for report in reports_of(state, incident.id):
            if report.status == "due":
                _put(state, replace(report, status="merged"), out)
        return
    rule = ctx.reporting.region(incident.province)
    grade, level, figures = incident.event_grade or "", incident.response_level or "", casualty_figures(state, incident)
    if mark is None:
        mark = ReportMark(grade, level, figures, phone=False, closed=False, count=0)
        mark = _open(state, incident, mark, "first", "written", "grade", rule.written_min, ctx, out)
    else:
        changed = [
            name
            for name, before, now in (("grade", mark.grade, grade), ("response_level", mark.level, level))
            if before != now
        ]
        if figures != mark.figures:
            changed.append("casualties")
        if changed and incident.status == "open":
            mark = _follow_up(state, incident, mark, "+".join(changed), rule.followup_min, ctx, out)
        mark = replace(mark, grade=grade, level=level, figures=figures)
    if not mark.phone and _phone_due(rule, grade):
        mark = replace(mark, phone=True)
        mark = _open(state, incident, mark, "first", "phone", "grade", rule.phone_min or 0, ctx, out)
    if incident.status == "closed" and not mark.closed:
        mark = replace(mark, closed=True)
        mark = _open(state, incident, mark, "final", "written", "closed", rule.final_min, ctx, out)
    if state.report_marks.get(incident.id) != mark:
        state.report_marks[incident.id] = mark
        state.dirty.add(("meta", "reports"))


def _phone_due(rule: RegionRule, grade: str) -> bool:
    if rule.phone_min is None or rule.phone_from_grade is None or grade not in EVENT_GRADES:
        return False
    return EVENT_GRADES.index(grade) >= EVENT_GRADES.index(rule.phone_from_grade)


def _open(
    state: TheaterState,
    incident: Incident,
    mark: ReportMark,
    kind: ReportKind,
    channel: Channel,
    reason: str,
    within_min: int,
    ctx: TheaterContext,
    out: Emitter,
) -> ReportMark:
    number = mark.count + 1
    report = Report(
        id=f"{incident.id}.R{number}",
        incident_id=incident.id,
        number=number,
        kind=kind,
        channel=channel,
        to=ctx.reporting.recipients.get(incident.event_grade or "", "city"),
        province=incident.province,
        reason=reason,
        opened_ms=state.now_ms,
        due_ms=state.now_ms + within_min * 60_000,
        status="due",
        draft=draft(state, incident),
    )
    _put(state, report, out)
    return replace(mark, count=number)


def _follow_up(
    state: TheaterState,
    incident: Incident,
    mark: ReportMark,
    reason: str,
    within_min: int,
    ctx: TheaterContext,
    out: Emitter,
) -> ReportMark:
    """A follow-up for a change; one still due takes the change instead (its draft and reason follow)."""
    pending = next(
        (r for r in reversed(list(reports_of(state, incident.id))) if r.kind == "followup" and r.status == "due"),
        None,
    )
    if pending is None:
        return _open(state, incident, mark, "followup", "written", reason, within_min, ctx, out)
    reasons = sorted({*pending.reason.split("+"), *reason.split("+")})
    to = ctx.reporting.recipients.get(incident.event_grade or "", pending.to)
    _put(state, replace(pending, reason="+".join(reasons), to=to, draft=draft(state, incident)), out)
    return mark


def reports_of(state: TheaterState, incident_id: str) -> list[Report]:
    """The incident's reports, in the order they were opened."""
    return sorted((r for r in state.reports.values() if r.incident_id == incident_id), key=lambda r: r.number)


def _put(state: TheaterState, report: Report, out: Emitter) -> None:
    state.reports[report.id] = report
    if report.status == "due":
        state.report_due[report.id] = report.due_ms
    else:
        state.report_due.pop(report.id, None)
    state.dirty.add(("meta", "reports"))
    out.emit("report", report.id, report)


def next_due_ms(state: TheaterState) -> int | None:
    return min(state.report_due.values(), default=None)


def expire(state: TheaterState, at_ms: int, out: Emitter) -> None:
    """Reports whose deadline passed unsubmitted are late: each is said, and the centre above is alerted."""
    for report_id in sorted(r for r, due in state.report_due.items() if due <= at_ms):
        report = state.reports[report_id]
        _put(state, replace(report, status="late", late=True), out)
        state.notification_number += 1
        note = Notification(
            id=f"N{state.notification_number:06d}",
            incident_id=report.incident_id,
            at_ms=state.now_ms,
            to_province=report.province,
            rule="reporting",
            message=(
                f"report overdue: {report.kind} {report.channel} to {report.to}, due {format_time_ms(report.due_ms)}"
            ),
        )
        out.emit("notification", note.id, note)


def on_submit(state: TheaterState, cmd: OperatorCommand, out: Emitter) -> None:
    """An operator submits a report: the draft is taken as the incident stands now, and the report is done."""
    report = state.reports.get(cmd.target)
    if report is None or report.incident_id != cmd.incident_id:
        out.emit("rejected", cmd.event_id, f"command submit_report: {cmd.incident_id} owes no report {cmd.target!r}")
        return
    if report.status == "submitted":
        out.emit("rejected", cmd.event_id, f"command submit_report: {report.id} was already submitted")
        return
    if cmd.centre not in (JOINT_CENTRE, report.province, report.draft.reporting_unit):
        # the region that owes the report submits it: its province's centre, its county post, or the joint centre
        out.emit("rejected", cmd.event_id, f"command submit_report: centre {cmd.centre} does not owe {report.id}")
        return
    incident = state.fusion.incidents.get(report.incident_id)
    content = draft(state, incident) if incident is not None else report.draft
    who = f"operator:{cmd.operator}@{cmd.centre}"
    _put(state, replace(report, status="submitted", submitted_ms=state.now_ms, submitted_by=who, draft=content), out)


def casualty_figures(state: TheaterState, incident: Incident) -> tuple[int, ...]:
    """Deaths, injured, missing, relocated, houses damaged, direct loss: the highest of the latest casualty report
    and the summed loss statistics (streams/theater/losses.py)."""
    latest = max((s for s in incident.evidence if s.kind == "casualties"), key=lambda s: s.at_ms, default=None)
    reported = figures_of(latest) if latest is not None else (0,) * len(LOSS_FIGURES)
    summed = state.loss_totals.get(incident.id, (0,) * len(LOSS_FIGURES))
    return tuple(max(a, b) for a, b in zip(reported, summed, strict=True))


def draft(state: TheaterState, incident: Incident) -> ReportDraft:
    units: dict[str, int] = {}
    across = 0
    for task in state.tasks.values():
        if task.incident_id == incident.id and task.responder_id and not task.agency_kind:  # units, not agencies
            units[task.capability] = units.get(task.capability, 0) + 1
            across += task.cross_border
    measures = tuple(
        d.what
        for d in incident.decisions
        if d.what.startswith(("stage ", "response_level ", "warning ", "notify ", "public warning "))
    )
    return ReportDraft(
        event_type=incident.type,
        event_grade=incident.event_grade or "",
        response_level=incident.response_level or "",
        stage=incident.stage,
        occurred_ms=incident.opened_at_ms,
        province=incident.province,
        adcode=incident.adcode,
        places=incident.adcodes,
        lon=incident.lon,
        lat=incident.lat,
        **named(casualty_figures(state, incident)),
        measures=measures[-20:],
        resources=tuple(sorted(units.items())),
        cross_border_units=across,
        reporting_unit=incident.adcode,
        drafted_ms=state.now_ms,
    )
