"""The evaluation (调查评估) of one incident, live or replayed: a pure function from what the command centres saw of
it (the incident, its tasks, reports upward, mutual-aid and supply exchanges, loss figures, work orders, and the
readiness and move-ups of the warnings over its place, as feed JSON) to a report model.

Rule: every figure comes from the feed's entities, never from wall time: the segments from the incident's first
evidence, its first unit task, the first unit's arrival (reported, or estimated from its road time), the move to
recovery (controlled) and the close; the regions' parts from tasks and exchanges; missed deadlines from reports
that went late and unit tasks whose arrival came after their deadline or that were never filled; what the playbook
did and did not do from its decisions and the rules it holds; readiness from the warnings whose area holds the
incident's place, measured before it ended (docs/evaluation.md). Rendering is `scenarios/evaluation_report.py`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from scenarios.expectations import overlaps

Json = dict[str, Any]

_RULE_FIRED = re.compile(r"rule (?P<rule>\S+) fired")
_TIMER_FIRED = re.compile(r"timer (?P<timer>\S+) fired")
_STAGE = re.compile(r"stage (?P<old>\w+)→(?P<new>\w+)")
_ARRIVED = ("on_scene", "completed")


@dataclass(frozen=True)
class Segment:
    """One stretch of the response: from one moment to the next (None: not reached)."""

    name: str  # first_call, first_dispatch, first_on_scene, controlled, closed
    at_ms: int | None
    estimated: bool = False  # an arrival estimated from the unit's road time (no on-scene reply yet)


@dataclass(frozen=True)
class RegionPart:
    province: str
    units: tuple[tuple[str, int], ...]  # (capability, units sent) of this province's units
    agency_work: tuple[tuple[str, str, str], ...]  # (work, owner id, status) of recovery work here
    aid_given: int  # units lent to another province for this incident
    aid_received: int  # units borrowed from other provinces


@dataclass(frozen=True)
class ReportLine:
    kind: str  # first, followup, final
    channel: str
    to: str
    due_ms: int
    submitted_ms: int | None
    late: bool
    status: str


@dataclass(frozen=True)
class Miss:
    """A deadline the response did not keep."""

    kind: str  # report | arrival | unfilled
    subject: str  # the report's kind, or the task's capability
    due_ms: int
    at_ms: int | None  # when it was done at last (None: never)


@dataclass(frozen=True)
class Readiness:
    """Coverage under one warning over the incident's place, before and after the move-ups decided."""

    warning: Json  # the readiness record (docs/readiness.md): hazard, capability, before, proposed, after
    moves: tuple[Json, ...]  # its move-up proposals, with what became of each


@dataclass(frozen=True)
class Evaluation:
    incident: Json  # the incident as the feed has it (type, place, scales, lead, stage, decisions)
    segments: tuple[Segment, ...]
    regions: tuple[RegionPart, ...]
    reports: tuple[ReportLine, ...]
    misses: tuple[Miss, ...]
    fired: tuple[tuple[str, int], ...]  # (rule id, times fired), in the order first fired
    not_fired: tuple[str, ...]  # rules the playbook holds that never fired
    timers_lapsed: tuple[str, ...]  # timers that ran out (their actions ran because nobody acted first)
    defaults: tuple[tuple[str, str], ...]  # (approval summary, default applied) of approvals nobody answered
    losses: Json | None
    decisions: tuple[Json, ...]  # the timeline
    readiness: tuple[Readiness, ...] = ()  # before: warnings over the place, coverage and move-ups
    supplies: tuple[Json, ...] = ()  # supply and shelter-place exchanges, as they ended (lent, delivered, returned)
    work_orders: tuple[Json, ...] = ()  # the callers' 12345 orders: handling agency and status (closed back)


def evaluate(
    incident: Json,
    tasks: Iterable[Json],
    reports: Iterable[Json] = (),
    exchanges: Iterable[Json] = (),
    losses: Json | None = None,
    armed: Sequence[str] = (),
    *,
    supplies: Iterable[Json] = (),
    work_orders: Iterable[Json] = (),
    readiness: Iterable[Json] = (),
    moves: Iterable[Json] = (),
) -> Evaluation:
    """The evaluation of `incident` from its tasks, reports upward, mutual-aid exchanges, summed losses and the
    rule ids its playbook holds (`armed`); besides, its supply exchanges and work orders, and the readiness and
    move-ups of every warning (as the feed has them)."""
    own = sorted((t for t in tasks if t.get("incident_id") == incident["id"]), key=lambda t: str(t["id"]))
    units = [t for t in own if t.get("responder_id") and not t.get("agency_kind") and t.get("status") != "unfilled"]
    decisions = tuple(incident.get("decisions") or ())
    return Evaluation(
        incident=incident,
        segments=_segments(incident, units, decisions),
        regions=_regions(incident, own, [x for x in exchanges if x.get("incident_id") == incident["id"]]),
        reports=tuple(
            ReportLine(
                str(r.get("kind")),
                str(r.get("channel")),
                str(r.get("to")),
                int(r["due_ms"]),
                r.get("submitted_ms"),
                bool(r.get("late")),
                str(r.get("status")),
            )
            for r in sorted(
                (r for r in reports if r.get("incident_id") == incident["id"] and r.get("status") != "merged"),
                key=lambda r: (int(r["due_ms"]), str(r["id"])),
            )
        ),
        misses=_misses(own, reports, incident["id"]),
        fired=_fired(decisions),
        not_fired=tuple(r for r in armed if r not in {rule for rule, _ in _fired(decisions)}),
        timers_lapsed=tuple(
            dict.fromkeys(
                m.group("timer")
                for d in decisions
                if (m := _TIMER_FIRED.fullmatch(str(d.get("what", "")))) and not m.group("timer").startswith("stage:")
            )
        ),
        defaults=tuple(
            (str(a.get("summary", "")), str(a.get("default", "")))
            for a in incident.get("approvals") or ()
            if a.get("state") == "expired"
        ),
        losses=losses,
        decisions=decisions,
        readiness=_readiness(incident, readiness, moves),
        supplies=tuple(
            sorted(
                (x for x in supplies if x.get("incident_id") == incident["id"]),
                key=lambda x: str(x.get("request_id", "")),
            )
        ),
        work_orders=tuple(
            sorted((o for o in work_orders if o.get("incident_id") == incident["id"]), key=lambda o: str(o["id"]))
        ),
    )


def _readiness(incident: Json, readiness: Iterable[Json], moves: Iterable[Json]) -> tuple[Readiness, ...]:
    """The warnings whose area holds the incident's place and that were measured before the incident ended."""
    places = [str(a) for a in incident.get("adcodes") or (incident.get("adcode"),) if a]
    until = int(incident.get("updated_at_ms") or incident["opened_at_ms"])
    kept = [
        r
        for r in readiness
        if int(r.get("at_ms") or 0) <= until
        and any(overlaps(str(area), place) for area in r.get("area_adcodes") or () for place in places)
    ]
    moved = sorted(moves, key=lambda m: str(m.get("id", "")))
    return tuple(
        Readiness(r, tuple(m for m in moved if m.get("warning_id") == r.get("warning_id")))
        for r in sorted(kept, key=lambda r: (int(r.get("at_ms") or 0), str(r.get("warning_id"))))
    )


def _arrival(task: Json) -> tuple[int, bool] | None:
    """When a unit reached the scene: estimated from its road time once it reported on scene or done."""
    if task.get("status") not in _ARRIVED:
        return None
    return int(task["created_at_ms"] + (task.get("travel_s") or 0) * 1000), True


def _segments(incident: Json, units: list[Json], decisions: Sequence[Json]) -> tuple[Segment, ...]:
    evidence = incident.get("evidence") or ()
    first_call = min((int(s["at_ms"]) for s in evidence), default=int(incident["opened_at_ms"]))
    first_task = min((int(t["created_at_ms"]) for t in units), default=None)
    arrivals = [a for a in (_arrival(t) for t in units) if a is not None]
    on_scene = min(arrivals, default=None)
    moves = [(int(d["at_ms"]), m.group("new")) for d in decisions if (m := _STAGE.fullmatch(str(d.get("what", ""))))]
    controlled = next((at for at, new in moves if new in ("after", "closed")), None)
    closed = next((at for at, new in moves if new == "closed"), None)
    if closed is None:  # an operator's close is its own decision ("closed"), not a stage move
        closed = next((int(d["at_ms"]) for d in decisions if d.get("what") == "closed"), None)
    if controlled is None:
        controlled = closed
    return (
        Segment("first_call", first_call),
        Segment("first_dispatch", first_task),
        Segment("first_on_scene", on_scene[0] if on_scene else None, on_scene is not None),
        Segment("controlled", controlled),
        Segment("closed", closed),
    )


def _regions(incident: Json, tasks: list[Json], exchanges: list[Json]) -> tuple[RegionPart, ...]:
    provinces = set(incident.get("provinces") or (incident.get("province"),))
    provinces |= {str(t.get("responder_province")) for t in tasks if t.get("responder_province")}
    committed = [x for x in exchanges if x.get("stage") == "committed"]
    provinces |= {str(x.get("lender")) for x in committed} | {str(x.get("borrower")) for x in committed}
    parts = []
    for province in sorted(p for p in provinces if p):
        sent = Counter(
            str(t["capability"])
            for t in tasks
            if t.get("responder_province") == province and not t.get("agency_kind") and t.get("status") != "unfilled"
        )
        work = tuple(
            (str(t["capability"]), str(t["responder_id"]), str(t["status"]))
            for t in tasks
            if t.get("agency_kind") and t.get("responder_province") == province
        )
        parts.append(
            RegionPart(
                province,
                tuple(sorted(sent.items())),
                work,
                sum(_lent(x) for x in committed if x.get("lender") == province),
                sum(_lent(x) for x in committed if x.get("borrower") == province),
            )
        )
    return tuple(parts)


def _lent(exchange: Json) -> int:
    return len(exchange.get("responder_ids") or ()) or int(exchange.get("count") or 0)


def _misses(tasks: list[Json], reports: Iterable[Json], incident_id: str) -> tuple[Miss, ...]:
    found = [
        Miss("report", str(r.get("kind")), int(r["due_ms"]), r.get("submitted_ms"))
        for r in reports
        if r.get("incident_id") == incident_id and r.get("late")
    ]
    for t in tasks:
        if t.get("agency_kind"):
            continue
        if t.get("status") == "unfilled":
            found.append(Miss("unfilled", str(t["capability"]), int(t["deadline_ms"]), None))
            continue
        arrival = _arrival(t)
        if arrival is not None and arrival[0] > int(t["deadline_ms"]):
            found.append(Miss("arrival", str(t["capability"]), int(t["deadline_ms"]), arrival[0]))
    return tuple(sorted(found, key=lambda m: (m.due_ms, m.kind, m.subject)))


def _fired(decisions: Sequence[Json]) -> tuple[tuple[str, int], ...]:
    counts: Counter[str] = Counter()
    for d in decisions:
        m = _RULE_FIRED.fullmatch(str(d.get("what", "")))
        if m:
            counts[m.group("rule")] += 1
    return tuple(counts.items())


@dataclass(frozen=True)
class Seen:
    """The latest of each entity a run's feed carried, as feed JSON: what `evaluate` reads (a live picture holds
    the same)."""

    incidents: dict[str, Json]
    tasks: dict[str, Json]
    reports: dict[str, Json]
    exchanges: dict[str, Json]
    losses: dict[str, Json]
    supplies: dict[str, Json]
    work_orders: dict[str, Json]
    readiness: dict[str, Json]
    moves: dict[str, Json]

    @classmethod
    def from_deltas(cls, deltas: Iterable[Any]) -> Seen:
        import msgspec  # the feed's own encoding of its entities

        kinds = ("incident", "task", "report", "mutual_aid", "losses", "supply", "work_order", "readiness", "move_up")
        kept: dict[str, dict[str, Json]] = {k: {} for k in kinds}
        for delta in deltas:
            if delta.kind in kept:
                kept[delta.kind][delta.key] = msgspec.to_builtins(delta.entity)
        return cls(*(kept[k] for k in kinds))

    def evaluate(self, incident_id: str, armed: Sequence[str] = ()) -> Evaluation:
        return evaluate(
            self.incidents[incident_id],
            self.tasks.values(),
            self.reports.values(),
            self.exchanges.values(),
            self.losses.get(incident_id),
            armed,
            supplies=self.supplies.values(),
            work_orders=self.work_orders.values(),
            readiness=self.readiness.values(),
            moves=self.moves.values(),
        )
