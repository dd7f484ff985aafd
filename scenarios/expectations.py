"""What a scenario expects of the brain, and how each expectation is scored against a run's deltas.

An expectation is read from the scenario file (errors name the file and line) and scored against the feed a
command centre would have seen, in event time: "by T+30m an incident of type gas_explosion at response level
III or higher" holds when some version of such an incident was on the feed at or before T+30m.

Kinds (exactly one a mapping; `by` is an offset from T0, `id` an optional name, `note` free text):
- `incident: {type, region, response_level, warning_colour, event_grade, stage, opened_by, lead}`: levels (and who
  leads) are minimums; `opened_by` the source of the evidence it was opened on (sensor, hotline, agency, operator).
- `dispatched: {capability, from, incident_type, cross_border, count, regions}`: units (not unfilled tasks) sent;
  `regions: N` from at least N provinces.
- `warning_issued: {to, colour, msg_type}`: a public (CAP) warning covering the region, at least that colour;
  `msg_type: Update` (or `Cancel`) a message of that type that references one issued before it on the feed.
- `notified: {to, after, within}`: a notification to the region within `within` of `after` (an entry id).
- `incidents: {type, region, at_most}`: no more than N incidents (a surge of calls must not become N incidents).
- `same_incident: [entry ids]`: the evidence of these timeline entries ended in one incident.
- `report: {kind, channel, status, incident_type, region}`: a report upward (docs/reporting.md) was `due`, was
  `submitted` in time, or went `late` (its deadline passed unsubmitted; an alert went to the centre above).
- `work_order: {status, hotline, incident_type}`: a 12345 work order of calls taken by the `hotline` region's
  centre reached `assigned`, `handling` or `done` (docs/work-orders.md).
- `closure_in_force: {near, kind, incident_type}`: a road closure put in force in the region `near` names.
- `mutual_aid: {from, to, capability, stage, incident_type}`: an exchange asked of the lender `from` by the
  borrower `to` that reached `stage` (requested < offered < committed; or declined, timed_out).
- `casualties_routed: {to, count, incident_type, speciality}`: at least `count` injured routed to hospitals in the
  region; with `speciality` (burns, …: geo/data/hospitals.yaml) only those routed to that speciality's units.
- `coverage: {measure, within, stage, at_least, rises, region}`: readiness under a warning covering the region
  (docs/readiness.md): the share of the registered hazards (`measure: hazards`) or of the population
  (`population`) within `within` (15m or 30m) of a capable team, as it stood when the warning came into force
  (`stage: before`) or with the move-ups accepted so far (`after`, the default) is at least `at_least`; `rises:
  true` asks that the accepted move-ups raised it.
- `move_up: {status, capability, from, to, cross_border}`: a pre-positioning move of a unit of the `from` region to
  a post in the `to` region was `proposed`, `accepted` or `rejected` by an operator.
- `dispatched` also takes `prepositioned: true`: the unit sent stood where an accepted move-up had put it.
- `assigned: {work, agency, region, incident_type}`: a task of that work (damage_assessment, power_restoration, …)
  assigned to an agency, not a unit, for an incident in the region; `agency` is the agency kind (power_utility,
  county_government, …) or a province-wide body's id (hebei-power).
- `supplies: {item, from, to, stage, count, incident_type}`: supplies (or `shelter_places`) of the lender `from` for
  the borrower `to` (the same region for local stock) that reached `stage` (requested < offered < in_transit <
  delivered < returning < returned; or declined, timed_out), at least `count` of them (docs/resources.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from geo.agreements import SUPPLIES
from geo.closures import CLOSURE_KINDS
from geo.datafiles import LineDict, LineList, LoadError, line_of
from geo.hospitals import load_surge_policy
from geo.names import did_you_mean
from geo.regions import PROVINCES
from playbooks.incident import EVENT_GRADES, RESPONSE_LEVELS, STAGE_ORDER, WARNING_COLOURS, Incident, Task
from playbooks.lead import LEADS
from scenarios.offsets import parse_offset

_FIELDS: dict[str, frozenset[str]] = {
    "incident": frozenset(
        {"type", "region", "response_level", "warning_colour", "event_grade", "stage", "opened_by", "lead"}
    ),
    "dispatched": frozenset(
        {"capability", "from", "incident_type", "cross_border", "count", "regions", "prepositioned"}
    ),
    "warning_issued": frozenset({"to", "colour", "msg_type"}),
    "notified": frozenset({"to", "after", "within"}),
    "incidents": frozenset({"type", "region", "at_most"}),
    "same_incident": frozenset(),
    "closure_in_force": frozenset({"near", "kind", "incident_type"}),
    "mutual_aid": frozenset({"from", "to", "capability", "stage", "incident_type"}),
    "casualties_routed": frozenset({"to", "count", "incident_type", "speciality"}),
    "report": frozenset({"kind", "channel", "status", "incident_type", "region"}),
    "work_order": frozenset({"status", "hotline", "incident_type"}),
    "coverage": frozenset({"measure", "within", "stage", "at_least", "rises", "region"}),
    "move_up": frozenset({"status", "capability", "from", "to", "cross_border"}),
    "assigned": frozenset({"work", "agency", "region", "incident_type"}),
    "supplies": frozenset({"item", "from", "to", "stage", "count", "incident_type"}),
}
_CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    "report": {
        "kind": ("first", "followup", "final"),
        "channel": ("written", "phone"),
        "status": ("due", "submitted", "late"),
    },
    "work_order": {"status": ("assigned", "handling", "done")},
    "coverage": {"measure": ("hazards", "population"), "within": ("15m", "30m"), "stage": ("before", "after")},
    "move_up": {"status": ("proposed", "accepted", "rejected")},
    "supplies": {"item": tuple(sorted(SUPPLIES))},
}
AID_STAGES = ("requested", "offered", "committed")  # ascending; declined and timed_out are matched exactly
_AID_ENDS = ("declined", "timed_out")
SUPPLY_STAGES = ("requested", "offered", "in_transit", "delivered", "returning", "returned")  # ascending
_SOURCES = ("sensor", "hotline", "agency", "operator")
_MSG_TYPES = ("Alert", "Update", "Cancel")
KINDS = tuple(_FIELDS)
_COMMON = frozenset({"by", "id", "note"})
_SCALES = {
    "response_level": RESPONSE_LEVELS,
    "warning_colour": WARNING_COLOURS,
    "event_grade": EVENT_GRADES,
    "lead": LEADS,
}

#: Resolves a region as written (adcode, or a name such as 涿州市 or 北京) to an adcode, or None.
RegionResolver = Callable[[str], str | None]


@dataclass(frozen=True)
class Expectation:
    kind: str
    line: int
    name: str
    text: str  # as a trainer reads it in the report
    by_ms: int | None = None
    types: tuple[str, ...] = ()
    region: str = ""  # region / from / to, as written
    response_level: str = ""
    warning_colour: str = ""
    event_grade: str = ""
    stage: str = ""
    capability: str = ""
    cross_border: bool | None = None
    count: int = 1
    at_most: int | None = None
    report_kind: str = ""
    channel: str = ""
    status: str = ""
    after: str = ""
    after_ms: int | None = None
    within_ms: int | None = None
    entries: tuple[str, ...] = ()
    opened_by: str = ""
    lead: str = ""  # who leads, at least (county < city < province < joint < state_council)
    regions_at_least: int = 1
    msg_type: str = ""
    closure: str = ""  # closure kind
    borrower: str = ""  # mutual_aid `to`, as written
    aid_stage: str = ""
    prepositioned: bool = False  # dispatched: the unit stood where an accepted move-up put it
    measure: str = ""  # coverage: hazards | population
    within_min: int = 0  # coverage: 15 | 30
    at_least: float | None = None  # coverage: a share, 0..1
    rises: bool = False  # coverage: the accepted move-ups raised it
    agency: str = ""  # assigned: the agency kind or body
    speciality: str = ""  # casualties_routed: only those routed to this speciality's units


@dataclass(frozen=True)
class Result:
    expectation: Expectation
    passed: bool
    detail: str
    at_ms: int | None = None  # when it was met


def _text(kind: str, node: Any, by: str) -> str:
    if kind == "same_incident":
        body = ", ".join(str(x) for x in node)
    else:
        body = ", ".join(f"{k}={v}" for k, v in node.items())
    return f"{'by T' + by + ' ' if by else ''}{kind}: {body}"


def _one_of(file: str, body: LineDict, where: str, key: str, allowed: Collection[str]) -> None:
    """A field that must hold one of `allowed`, if given: else an error at its line with the nearest allowed."""
    if key in body and str(body[key]) not in allowed:
        raise LoadError(
            file,
            line_of(body, key),
            f"{where}.{key}: {body[key]!r} is not one of {list(allowed)}{did_you_mean(str(body[key]), allowed)}",
        )


def _one(file: str, node: Any, line: int, t0_ms: int, names: dict[str, int], index: int) -> Expectation:
    where = f"expect[{index}]"
    if not isinstance(node, LineDict):
        raise LoadError(file, line, f"{where}: expected a mapping such as {{by: +30m, incident: {{type: ...}}}}")
    kinds = [k for k in node if k in _FIELDS]
    for key in node:
        if key not in _FIELDS and key not in _COMMON:
            raise LoadError(
                file, line_of(node, key), f"{where}: unknown key {key!r}{did_you_mean(key, [*_FIELDS, *_COMMON])}"
            )
    if len(kinds) != 1:
        raise LoadError(file, line, f"{where}: give exactly one of {', '.join(KINDS)} (found {kinds or 'none'})")
    kind = kinds[0]
    body = node[kind]
    by_text = str(node.get("by", "")).strip()
    by_ms = None
    if by_text:
        try:
            by_ms = t0_ms + parse_offset(by_text)
        except ValueError as exc:
            raise LoadError(file, line_of(node, "by"), f"{where}.by: {exc}") from None
    base: dict[str, Any] = {
        "kind": kind,
        "line": line,
        "name": str(node.get("id", f"{kind}-{index + 1}")),
        "text": str(node.get("note") or _text(kind, body, by_text)),
        "by_ms": by_ms,
    }
    if kind == "same_incident":
        if not isinstance(body, LineList) or len(body) < 2:
            raise LoadError(file, line_of(node, kind), f"{where}.same_incident: list two or more timeline entry ids")
        for name in body:
            if str(name) not in names:
                raise LoadError(
                    file,
                    line_of(node, kind),
                    f"{where}.same_incident: no timeline entry with id {name!r}{did_you_mean(str(name), names)}",
                )
        return Expectation(**base, entries=tuple(str(x) for x in body))
    if not isinstance(body, LineDict):
        raise LoadError(file, line_of(node, kind), f"{where}.{kind}: expected a mapping")
    for key in body:
        if key not in _FIELDS[kind]:
            raise LoadError(
                file, line_of(body, key), f"{where}.{kind}: unknown key {key!r}{did_you_mean(key, _FIELDS[kind])}"
            )
    for scale_field, scale in _SCALES.items():
        _one_of(file, body, f"{where}.{kind}", scale_field, scale)
    if kind == "warning_issued" and "colour" in body and str(body["colour"]) not in WARNING_COLOURS:
        raise LoadError(
            file, line_of(body, "colour"), f"{where}: colour {body['colour']!r} is not one of {WARNING_COLOURS}"
        )
    stages = {
        "mutual_aid": (*AID_STAGES, *_AID_ENDS),
        "supplies": (*SUPPLY_STAGES, *_AID_ENDS),
        "coverage": ("before", "after"),
    }.get(kind, STAGE_ORDER)
    for key, allowed in (
        *_CHOICES.get(kind, {}).items(),
        ("stage", stages),
        ("opened_by", _SOURCES),
        ("msg_type", _MSG_TYPES),
        *((("kind", CLOSURE_KINDS),) if kind == "closure_in_force" else ()),
    ):
        _one_of(file, body, f"{where}.{kind}", key, allowed)
    raw_types = body.get("type", body.get("incident_type", ()))
    types = tuple(str(t) for t in raw_types) if isinstance(raw_types, list) else (str(raw_types),) if raw_types else ()
    fields: dict[str, Any] = {
        "types": types,
        "region": str(body.get("region", body.get("from", body.get("to", body.get("near", body.get("hotline", "")))))),
        "response_level": str(body.get("response_level", "")),
        "warning_colour": str(body.get("warning_colour", body.get("colour", ""))),
        "event_grade": str(body.get("event_grade", "")),
        "stage": str(body.get("stage", "")) if kind not in ("mutual_aid", "supplies") else "",
        "capability": str(body.get("capability", body.get("work", body.get("item", "")))),
        "agency": str(body.get("agency", "")),
        "cross_border": body.get("cross_border"),
        "count": int(body.get("count", 1)),
        "report_kind": str(body.get("kind", "")) if kind == "report" else "",
        "channel": str(body.get("channel", "")),
        "status": str(body.get("status", "")),
        "opened_by": str(body.get("opened_by", "")),
        "lead": str(body.get("lead", "")),
        "regions_at_least": int(body.get("regions", 1)),
        "msg_type": str(body.get("msg_type", "")),
        "closure": str(body.get("kind", "")) if kind == "closure_in_force" else "",
        "borrower": str(body.get("to", "")) if kind in ("mutual_aid", "supplies") else "",
        "aid_stage": str(body.get("stage", "requested")) if kind in ("mutual_aid", "supplies") else "",
    }
    if kind in ("mutual_aid", "supplies"):
        fields["region"] = str(body.get("from", ""))
    if kind == "move_up":
        fields["region"] = str(body.get("from", ""))
        fields["borrower"] = str(body.get("to", ""))
    if kind == "casualties_routed" and "speciality" in body:
        _one_of(file, body, f"{where}.{kind}", "speciality", tuple(sorted(load_surge_policy().speciality_share)))
        fields["speciality"] = str(body["speciality"])
    if kind == "dispatched":
        fields["prepositioned"] = bool(body.get("prepositioned", False))
    if kind == "coverage":
        fields["measure"] = str(body.get("measure", "hazards"))
        fields["within_min"] = int(str(body.get("within", "15m")).removesuffix("m"))
        fields["stage"] = str(body.get("stage", "after"))
        fields["rises"] = bool(body.get("rises", False))
        if "at_least" in body:
            try:
                fields["at_least"] = float(body["at_least"])
            except (TypeError, ValueError):
                raise LoadError(
                    file, line_of(body, "at_least"), f"{where}.coverage.at_least: {body['at_least']!r} is not a share"
                ) from None
            if not 0.0 <= fields["at_least"] <= 1.0:
                raise LoadError(
                    file, line_of(body, "at_least"), f"{where}.coverage.at_least: {body['at_least']} is not in 0..1"
                )
    if kind == "incidents":
        if "at_most" not in body:
            raise LoadError(file, line_of(node, kind), f"{where}.incidents: give at_most")
        fields["at_most"] = int(body["at_most"])
    if kind == "notified":
        for required in ("to", "after", "within"):
            if required not in body:
                raise LoadError(file, line_of(node, kind), f"{where}.notified: give {required!r}")
        after = str(body["after"])
        if after not in names:
            raise LoadError(
                file,
                line_of(body, "after"),
                f"{where}.notified.after: no timeline entry with id {after!r}{did_you_mean(after, names)}",
            )
        try:
            fields["within_ms"] = parse_offset(body["within"])
        except ValueError as exc:
            raise LoadError(file, line_of(body, "within"), f"{where}.notified.within: {exc}") from None
        fields["after"] = after
        fields["after_ms"] = names[after]
    return Expectation(**base, **fields)


def parse_expectations(file: str, node: Any, line: int, t0_ms: int, names: dict[str, int]) -> tuple[Expectation, ...]:
    """The `expect:` list of a scenario; `names` maps timeline entry ids to their event time."""
    if node is None:
        return ()
    if not isinstance(node, LineList):
        raise LoadError(file, line, "expect: expected a list")
    return tuple(
        _one(file, item, item_line, t0_ms, names, i)
        for i, (item, item_line) in enumerate(zip(node, node.item_lines, strict=True))
    )


def check_regions(file: str, expectations: Iterable[Expectation], resolve: RegionResolver) -> dict[str, str]:
    """Every region an expectation names, resolved once; an unknown name is a load error at its line."""
    resolved: dict[str, str] = {}
    for exp in expectations:
        for name in (exp.region, exp.borrower):
            if name and name not in resolved:
                code = resolve(name)
                if code is None:
                    raise LoadError(file, exp.line, f"{exp.name}: {name!r} names no region of the theater")
                resolved[name] = code
    return resolved


def _level(code: str) -> int:
    """2 province, 4 prefecture, 6 county: how many leading digits name the unit."""
    return 2 if code.endswith("0000") else 4 if code.endswith("00") else 6


def overlaps(a: str, b: str) -> bool:
    """Two adcodes overlap when one unit contains the other (a province its counties, a prefecture its own)."""
    n = min(_level(a), _level(b))
    return a[:n] == b[:n]


def in_region(code: str, provinces: Iterable[str], adcodes: Iterable[str]) -> bool:
    """Whether something in these provinces and counties lies in the region `code`."""
    if _level(code) == 2:
        return code in set(provinces)
    return any(overlaps(code, a) for a in adcodes)


@dataclass
class Observed:
    """The feed of one run, arranged for scoring: every version of every incident, in feed order."""

    versions: dict[str, list[tuple[int, Incident]]] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    notifications: list[Any] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    reports: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # every version, in feed order
    work_orders: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    # the other entities as (event time, entity) in feed order: objects in an embedded run, mappings from Kafka
    closures: list[tuple[int, Any]] = field(default_factory=list)
    aid: list[tuple[int, Any]] = field(default_factory=list)
    routings: list[tuple[int, Any]] = field(default_factory=list)
    readiness: list[tuple[int, Any]] = field(default_factory=list)  # coverage under warnings, every version
    moves: list[tuple[int, Any]] = field(default_factory=list)  # move-up proposals and decisions
    supplies: list[tuple[int, Any]] = field(default_factory=list)

    @classmethod
    def from_deltas(cls, deltas: Iterable[Any]) -> Observed:
        seen = cls()
        others = {
            "closure": seen.closures,
            "mutual_aid": seen.aid,
            "casualty_routing": seen.routings,
            "readiness": seen.readiness,
            "move_up": seen.moves,
            "supply": seen.supplies,
        }
        for delta in deltas:
            if delta.kind in others:
                others[delta.kind].append((delta.at_ms, delta.entity))
            if delta.kind == "incident":
                seen.versions.setdefault(delta.key, []).append((delta.at_ms, delta.entity))
            elif delta.kind == "task":
                first = seen.tasks.get(delta.key)
                seen.tasks[delta.key] = delta.entity if first is None else first
            elif delta.kind == "notification":
                seen.notifications.append(delta.entity)
            elif delta.kind == "warning":
                seen.warnings.append(dict(delta.entity))
            elif delta.kind in ("report", "work_order"):
                entity = delta.entity if isinstance(delta.entity, dict) else dataclasses.asdict(delta.entity)
                kept = seen.reports if delta.kind == "report" else seen.work_orders
                kept.append((delta.at_ms, entity))
        return seen

    def final(self, incident_id: str) -> Incident:
        return self.versions[incident_id][-1][1]

    def root(self, incident_id: str) -> str:
        """The incident this one was merged into, transitively."""
        seen = {incident_id}
        while incident_id in self.versions:
            merged = self.final(incident_id).merged_into
            if not merged or merged in seen:
                break
            seen.add(merged)
            incident_id = merged
        return incident_id


def _get(entity: Any, name: str, default: Any = "") -> Any:
    """A field of a feed entity, whether the object itself (an embedded run) or its JSON mapping (Kafka)."""
    if isinstance(entity, dict):
        return entity.get(name, default)
    return getattr(entity, name, default)


def _opened_by(inc: Incident) -> str:
    return inc.evidence[0].source if inc.evidence else ""


def _at_least(scale: tuple[str, ...], value: str | None, minimum: str) -> bool:
    return not minimum or (value is not None and value in scale and scale.index(value) >= scale.index(minimum))


def _incident_matches(exp: Expectation, inc: Incident, code: str | None) -> bool:
    return (
        (not exp.types or inc.type in exp.types)
        and (code is None or in_region(code, inc.provinces, inc.adcodes))
        and _at_least(RESPONSE_LEVELS, inc.response_level, exp.response_level)
        and _at_least(WARNING_COLOURS, inc.warning_colour, exp.warning_colour)
        and _at_least(EVENT_GRADES, inc.event_grade, exp.event_grade)
        and (not exp.stage or inc.stage == exp.stage)
        and (not exp.opened_by or _opened_by(inc) == exp.opened_by)
        and _at_least(LEADS, inc.lead, exp.lead)
    )


def _due(exp: Expectation, at_ms: int) -> bool:
    return exp.by_ms is None or at_ms <= exp.by_ms


def _score_incident(exp: Expectation, seen: Observed, code: str | None) -> Result:
    met = [
        (at, inc.id)
        for versions in seen.versions.values()
        for at, inc in versions
        if _due(exp, at) and _incident_matches(exp, inc, code)
    ]
    if met:
        at, incident_id = min(met)
        return Result(exp, True, f"{incident_id} met it", at)
    near = [
        f"{inc.id} {inc.type} level={inc.response_level or '-'} warning={inc.warning_colour or '-'} "
        f"grade={inc.event_grade or '-'} stage={inc.stage}"
        for inc in (v[-1][1] for v in seen.versions.values())
        if not exp.types or inc.type in exp.types
    ]
    return Result(exp, False, "; ".join(near[:5]) or f"no incident of type {'/'.join(exp.types) or 'any'}")


def _of_type(exp: Expectation, seen: Observed, incident_id: str) -> bool:
    if not exp.types:
        return True
    return incident_id in seen.versions and seen.final(seen.root(incident_id)).type in exp.types


def _score_dispatched(exp: Expectation, seen: Observed, code: str | None) -> Result:
    sent = sorted(
        (
            t
            for t in seen.tasks.values()
            if t.responder_id and not t.agency_kind and t.status != "unfilled" and _due(exp, t.created_at_ms)
        ),
        key=lambda t: (t.created_at_ms, t.id),
    )
    matching = [
        t
        for t in sent
        if (not exp.capability or t.capability == exp.capability)
        and (code is None or in_region(code, (t.responder_province,), (t.responder_adcode,)))
        and (exp.cross_border is None or t.cross_border == exp.cross_border)
        and _of_type(exp, seen, t.incident_id)
        and (not exp.prepositioned or _stood_moved(seen, str(t.responder_id), t.created_at_ms))
    ]
    provinces: list[str] = []
    for t in matching:  # the time the last province needed joined
        if t.responder_province not in provinces:
            provinces.append(t.responder_province)
            if len(provinces) == exp.regions_at_least:
                joined = t.created_at_ms
    if len(matching) >= exp.count and len(provinces) >= exp.regions_at_least:
        chosen = matching[exp.count - 1]
        unit = chosen.responder_name or chosen.responder_id
        at = max(chosen.created_at_ms, joined) if exp.regions_at_least > 1 else chosen.created_at_ms
        return Result(exp, True, f"{len(matching)} unit(s) from {len(provinces)} province(s), e.g. {unit}", at)
    return Result(
        exp,
        False,
        f"{len(matching)} matching unit(s) of {exp.count} from {len(provinces)} province(s) of "
        f"{exp.regions_at_least}; {len(sent)} sent in all by then",
    )


def _stood_moved(seen: Observed, responder_id: str, at_ms: int) -> bool:
    """Whether the unit stood where an accepted move-up put it when it was sent (the last decision before then)."""
    last = ""
    for at, move in seen.moves:
        if at <= at_ms and _get(move, "responder_id") == responder_id and _get(move, "status") in ("accepted", "ended"):
            last = str(_get(move, "status"))
    return last == "accepted"


def _score_coverage(exp: Expectation, seen: Observed, code: str | None) -> Result:
    key = f"{exp.measure}_{exp.within_min}"
    said: list[str] = []
    for at, r in seen.readiness:
        if not _due(exp, at):
            continue
        if code is not None and not any(overlaps(code, str(a)) for a in _get(r, "area_adcodes", ()) or ()):
            continue
        before = float((_get(r, "before", {}) or {}).get(key, 0.0))
        value = float((_get(r, exp.stage, {}) or {}).get(key, 0.0))
        after = float((_get(r, "after", {}) or {}).get(key, 0.0))
        said.append(f"{key} {before:.0%} → {after:.0%}")
        if (exp.at_least is None or value >= exp.at_least) and (not exp.rises or after > before):
            return Result(exp, True, f"{_get(r, 'warning_id')}: {said[-1]}", at)
    return Result(exp, False, "; ".join(said[-3:]) or "no coverage computed under a warning")


def _score_move(exp: Expectation, seen: Observed, lender: str | None, post: str | None) -> Result:
    said: list[str] = []
    for at, move in seen.moves:
        if not _due(exp, at) or (exp.capability and _get(move, "capability") != exp.capability):
            continue
        if lender is not None and not overlaps(lender, str(_get(move, "from_adcode"))):
            continue
        if post is not None and not overlaps(post, str(_get(move, "to_adcode"))):
            continue
        crossed = str(_get(move, "from_adcode"))[:2] != str(_get(move, "to_adcode"))[:2]
        if exp.cross_border is not None and crossed != exp.cross_border:
            continue
        said.append(f"{_get(move, 'id')} {_get(move, 'status')}")
        if not exp.status or _get(move, "status") == exp.status:
            who = f" by {_get(move, 'decided_by')}" if _get(move, "decided_by") else ""
            return Result(exp, True, f"{_get(move, 'responder_name')} → {_get(move, 'to_place')}{who}", at)
    return Result(exp, False, "; ".join(said[-5:]) or "no matching move-up")


def _score_warning(exp: Expectation, seen: Observed, code: str | None) -> Result:
    earlier: set[str] = set()
    for warning in seen.warnings:
        references = [str(r) for r in warning.get("references", ())]
        earlier.add(str(warning.get("identifier")))
        if exp.msg_type:
            # an Update or Cancel counts only as part of a chain: it references a message issued before it
            if warning.get("msg_type") != exp.msg_type or not references or not set(references) <= earlier:
                continue
        elif warning.get("msg_type") == "Cancel":
            continue
        if not _due(exp, int(warning.get("sent_ms", 0))):
            continue
        if exp.warning_colour and not _at_least(WARNING_COLOURS, warning.get("colour"), exp.warning_colour):
            continue
        areas = [str(a) for a in warning.get("area_adcodes", ())]
        incident_id = str(warning.get("incident_id", ""))
        if not areas and incident_id in seen.versions:
            inc = seen.final(incident_id)
            areas = [*inc.provinces, *inc.adcodes]
        if code is None or any(overlaps(code, a) for a in areas):
            chain = f" after {', '.join(references)}" if exp.msg_type and references else ""
            detail = f"{warning.get('identifier')} {warning.get('msg_type')} {warning.get('colour')}{chain}"
            return Result(exp, True, detail, int(warning["sent_ms"]))
    return Result(exp, False, f"{len(seen.warnings)} public warning message(s), none matching")


def _score_notified(exp: Expectation, seen: Observed, code: str | None) -> Result:
    assert exp.after_ms is not None and exp.within_ms is not None
    late: list[int] = []
    for note in seen.notifications:
        # a county is told only by a notification naming it (or a unit containing it); a province by any
        adcodes = tuple(getattr(note, "to_adcodes", ()) or ())
        if code is not None and not (
            code == note.to_province or (_level(code) > 2 and any(overlaps(code, a) for a in adcodes))
        ):
            continue
        if not _of_type(exp, seen, note.incident_id):
            continue
        if note.at_ms < exp.after_ms:
            continue
        if note.at_ms <= exp.after_ms + exp.within_ms:
            return Result(exp, True, f"{note.id} after {(note.at_ms - exp.after_ms) // 60_000} min", note.at_ms)
        late.append(note.at_ms)
    if late:
        return Result(exp, False, f"first notification {(min(late) - exp.after_ms) // 60_000} min after {exp.after}")
    return Result(exp, False, f"no notification to {exp.region} after {exp.after}")


def _score_count(exp: Expectation, seen: Observed, code: str | None) -> Result:
    assert exp.at_most is not None
    found = [
        incident_id
        for incident_id, versions in seen.versions.items()
        if (last := [inc for at, inc in versions if _due(exp, at)])
        and last[-1].status != "merged"
        and (not exp.types or last[-1].type in exp.types)
        and (code is None or in_region(code, last[-1].provinces, last[-1].adcodes))
    ]
    detail = f"{len(found)} incident(s){': ' + ', '.join(sorted(found)[:6]) if found else ''}"
    return Result(exp, len(found) <= exp.at_most, detail)


def _score_same(exp: Expectation, seen: Observed, evidence_ids: dict[str, str]) -> Result:
    holder: dict[str, str] = {}
    for incident_id, versions in seen.versions.items():
        for signal in versions[-1][1].evidence:
            holder.setdefault(signal.signal_id.split(":", 1)[0], incident_id)
            if signal.place_key.startswith("device:"):  # a sensor is evidence by its alarms, whichever reading
                holder.setdefault(signal.place_key, incident_id)
    where: dict[str, str] = {}
    for name in exp.entries:
        found = holder.get(evidence_ids.get(name, name))
        where[name] = seen.root(found) if found else "-"
    roots = set(where.values())
    detail = ", ".join(f"{name}→{incident}" for name, incident in where.items())
    return Result(exp, len(roots) == 1 and "-" not in roots, detail)


def _place_of(seen: Observed, incident_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if incident_id not in seen.versions:
        return (), ()
    inc = seen.final(seen.root(incident_id))
    return inc.provinces, inc.adcodes


def _score_report(exp: Expectation, seen: Observed, code: str | None) -> Result:
    for at, r in seen.reports:
        if not _due(exp, at) or not _of_type(exp, seen, str(r.get("incident_id", ""))):
            continue
        if (exp.report_kind and r.get("kind") != exp.report_kind) or (exp.channel and r.get("channel") != exp.channel):
            continue
        if code is not None and not in_region(code, *_place_of(seen, str(r.get("incident_id", "")))):
            continue
        status = r.get("status")
        if (
            not exp.status
            or (exp.status == "submitted" and status == "submitted" and not r.get("late"))
            or (exp.status != "submitted" and status == exp.status)
        ):
            return Result(exp, True, f"{r.get('id')} {status}", at)
    states = sorted({f"{r.get('kind')}/{r.get('channel')}/{r.get('status')}" for _, r in seen.reports})
    return Result(exp, False, f"{len(seen.reports)} report change(s): {', '.join(states[:8]) or 'none'}")


def _score_work_order(exp: Expectation, seen: Observed, code: str | None) -> Result:
    for at, w in seen.work_orders:
        if not _due(exp, at) or not _of_type(exp, seen, str(w.get("incident_id", ""))):
            continue
        if code is not None and not overlaps(code, str(w.get("hotline", ""))):
            continue
        if not exp.status or w.get("status") == exp.status:
            return Result(exp, True, f"{w.get('id')} {w.get('status')} ({w.get('calls')} call(s))", at)
    states = sorted({f"{w.get('agency_kind')}/{w.get('status')}" for _, w in seen.work_orders})
    return Result(exp, False, f"{len(seen.work_orders)} work-order change(s): {', '.join(states[:8]) or 'none'}")


def _score_closure(exp: Expectation, seen: Observed, code: str | None) -> Result:
    active = [(at, c) for at, c in seen.closures if _get(c, "status") == "active"]
    for at, closure in active:
        adcode = str(_get(closure, "adcode"))
        if not _due(exp, at) or (exp.closure and _get(closure, "kind") != exp.closure):
            continue
        if code is not None and not (adcode and overlaps(code, adcode)):
            continue
        incident_id = str(_get(closure, "incident_id"))
        if exp.types and not (incident_id and _of_type(exp, seen, incident_id)):
            continue
        place = f" at {_get(closure, 'place')}" if _get(closure, "place") else ""
        whose = f"{incident_id}: " if incident_id else "reported: "
        return Result(exp, True, f"{whose}{_get(closure, 'kind')}{place} in force", at)
    return Result(exp, False, f"{len(active)} closure(s) put in force, none matching")


def _score_aid(exp: Expectation, seen: Observed, lender: str | None, borrower: str | None) -> Result:
    return _score_exchange(exp, seen, seen.aid, "capability", AID_STAGES, (lender, borrower), "", "mutual-aid exchange")


def _score_supplies(exp: Expectation, seen: Observed, lender: str | None, borrower: str | None) -> Result:
    """The first exchange of the item between the regions that reached the stage with at least `count` moved."""
    return _score_exchange(
        exp, seen, seen.supplies, "item", SUPPLY_STAGES, (lender, borrower), "moved", "supply exchange"
    )


def _score_exchange(
    exp: Expectation,
    seen: Observed,
    updates: list[tuple[int, Any]],
    what: str,
    stages: tuple[str, ...],
    parties: tuple[str | None, str | None],
    counted: str,
    name: str,
) -> Result:
    """An exchange (mutual aid, supplies) of `what` between the lender and borrower regions that reached the
    expected stage (or later, on the ascending `stages`); with `counted`, at least `exp.count` of it."""
    lender, borrower = parties
    reached: list[str] = []
    for at, update in updates:
        stage = str(_get(update, "stage"))
        if (
            not _due(exp, at)
            or (exp.capability and _get(update, what) != exp.capability)
            or (lender is not None and not overlaps(lender, str(_get(update, "lender"))))
            or (borrower is not None and not overlaps(borrower, str(_get(update, "borrower"))))
            or not _of_type(exp, seen, str(_get(update, "incident_id")))
        ):
            continue
        amount = int(_get(update, counted, 0) or 0) if counted else exp.count
        lender_name = PROVINCES.get(str(_get(update, "lender")), str(_get(update, "lender")))
        amount_said = f"{amount} " if counted else ""
        said = f"{_get(update, 'incident_id')}: {amount_said}{_get(update, what)} from {lender_name} {stage}"
        reached.append(said)
        far_enough = stage == exp.aid_stage or (
            exp.aid_stage in stages and stage in stages and stages.index(stage) >= stages.index(exp.aid_stage)
        )
        if far_enough and amount >= exp.count:
            return Result(exp, True, f"{said} by {_get(update, 'by')}", at)
    return Result(exp, False, "; ".join(reached[-5:]) or f"no matching {name}")


def _score_assigned(exp: Expectation, seen: Observed, code: str | None) -> Result:
    assigned = sorted((t for t in seen.tasks.values() if t.agency_kind), key=lambda t: (t.created_at_ms, t.id))
    for t in assigned:
        if not _due(exp, t.created_at_ms) or not _of_type(exp, seen, t.incident_id):
            continue
        if exp.capability and t.capability != exp.capability:
            continue
        if exp.agency and exp.agency not in (t.agency_kind, t.agency):
            continue
        if code is not None and not in_region(code, (t.incident_province,), (t.responder_adcode,)):
            continue
        return Result(
            exp, True, f"{t.capability} to {t.agency or t.agency_kind} ({t.responder_adcode})", t.created_at_ms
        )
    works = sorted({f"{t.capability}/{t.agency or t.agency_kind}" for t in assigned})
    return Result(exp, False, f"{len(assigned)} task(s) assigned to agencies: {', '.join(works[:8]) or 'none'}")


def _score_routed(exp: Expectation, seen: Observed, code: str | None) -> Result:
    routed = 0
    for at, routing in seen.routings:
        if not _due(exp, at) or not _of_type(exp, seen, str(_get(routing, "incident_id"))):
            continue
        for share in _get(routing, "hospitals", ()) or ():
            if exp.speciality and str(_get(share, "speciality", "") or "") != exp.speciality:
                continue
            if code is None or overlaps(code, str(_get(share, "adcode"))):
                routed += int(_get(share, "casualties", 0))
        if routed >= exp.count:
            return Result(exp, True, f"{routed} injured routed there", at)
    return Result(exp, False, f"{routed} injured routed there of {exp.count}")


# the kinds scored on what was seen in the expectation's region (its code, or None for anywhere)
_SCORE_IN_REGION: dict[str, Callable[[Expectation, Observed, str | None], Result]] = {
    "incident": _score_incident,
    "dispatched": _score_dispatched,
    "warning_issued": _score_warning,
    "notified": _score_notified,
    "incidents": _score_count,
    "report": _score_report,
    "work_order": _score_work_order,
    "closure_in_force": _score_closure,
    "casualties_routed": _score_routed,
    "coverage": _score_coverage,
    "assigned": _score_assigned,
}


def score(
    expectations: Iterable[Expectation],
    deltas: Iterable[Any],
    regions: dict[str, str],
    evidence_ids: dict[str, str],
) -> tuple[Result, ...]:
    """Score every expectation; `regions` from `check_regions`; `evidence_ids` maps entry ids to the event id
    their message carries, or to "device:<id>" for a sensor's readings."""
    seen = Observed.from_deltas(deltas)
    results: list[Result] = []
    for exp in expectations:
        code = regions.get(exp.region) if exp.region else None
        if exp.kind == "mutual_aid":
            results.append(_score_aid(exp, seen, code, regions.get(exp.borrower) if exp.borrower else None))
        elif exp.kind == "move_up":
            results.append(_score_move(exp, seen, code, regions.get(exp.borrower) if exp.borrower else None))
        elif exp.kind in _SCORE_IN_REGION:
            results.append(_SCORE_IN_REGION[exp.kind](exp, seen, code))
        elif exp.kind == "supplies":
            results.append(_score_supplies(exp, seen, code, regions.get(exp.borrower) if exp.borrower else None))
        elif exp.kind == "casualties_routed":
            results.append(_score_routed(exp, seen, code))
        else:
            results.append(_score_same(exp, seen, evidence_ids))
    return tuple(results)
