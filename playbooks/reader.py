"""Reading the parts of a playbook file (conditions, actions) into the typed plan, with errors that say where."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal

from geo.agreements import SUPPLIES
from geo.closures import CLOSURE_KINDS
from geo.datafiles import LineDict, LineList, LoadError, line_of
from geo.names import did_you_mean
from playbooks.incident import EVENT_GRADES, RESPONSE_LEVELS, STAGE_ORDER, WARNING_COLOURS
from playbooks.places import PlaybookPlaces
from playbooks.plan import (
    Action,
    ApprovalSpec,
    Assign,
    CancelTimer,
    Close,
    CloseRoad,
    Condition,
    CountSpec,
    Dispatch,
    EnterStage,
    LiftClosure,
    NearSpec,
    Notify,
    PublicWarningAction,
    RequestMutualAid,
    RequestSupplies,
    RequireApproval,
    SetScale,
    StartTimer,
    StepScale,
    ThresholdRef,
    Title,
    WarningAreaSpec,
)
from playbooks.recovery import load_recovery_work

_DURATION = re.compile(r"^(\d+)\s*(s|m|min|h|d)$")
_UNIT_MS = {"s": 1000, "m": 60_000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}
SCALES: dict[str, tuple[str, ...]] = {
    "response_level": RESPONSE_LEVELS,
    "warning_colour": WARNING_COLOURS,
    "event_grade": EVENT_GRADES,
}
# the figures of a casualty report, and of a loss report as summed per incident (streams/theater/losses.py)
FIGURES = {"deaths", "injured", "missing", "relocated", "houses_damaged", "direct_loss_cny"}
SEVERITY_NAMES = {"blue": 1, "yellow": 2, "orange": 3, "red": 4}
CONDITION_KEYS = {
    "incident_type",
    "signal",
    "attrs",
    "stage",
    "count",
    "value_at_least",
    "figures_at_least",
    "threshold",
    "severity_at_least",
    "no_evidence_for",
    "lasting",
    "inside",
    "in_warning_area",
    "near",
    "at_facility",
    "downstream_of",
    "not_acknowledged",
    "warning_colour_at_least",
    "response_level_at_least",
    "event_grade_at_least",
    "any",
    "response_level_below",
    "warning_colour_below",
    "event_grade_below",
}
ACTION_KEYS = {
    "enter_stage",
    "set_response_level",
    "set_warning_colour",
    "set_event_grade",
    "raise_response_level",
    "raise",
    "lower",
    "dispatch",
    "assign",
    "notify",
    "start_timer",
    "cancel_timer",
    "issue_warning",
    "update_warning",
    "cancel_warning",
    "request_mutual_aid",
    "request_supplies",
    "require_approval",
    "close",
    "close_road",
    "lift_closure",
}
NOTIFY_TARGETS = {"own", "neighbours", "all", "downstream", "110000", "120000", "130000"}
WARNING_AREAS = ("incident", "downstream", "province", "downwind")
_WARNING_KEYS = {"event_code", "event", "colour", "headline", "description", "instruction", "area", "river", "expires"}


class Reader:
    def __init__(self, file: str, places: PlaybookPlaces | None, capabilities: frozenset[str] | None) -> None:
        self.file = file
        self.places = places
        self.capabilities = capabilities
        self.approvals: list[ApprovalSpec] = []
        self.problems: list[LoadError] = []
        self._recovery_work: dict[str, str] | None = None

    @contextmanager
    def item(self) -> Iterator[None]:
        """One item of a list (a rule, a timer): its error is kept and the next item is read, so one reading
        reports every broken item of the file, not only the first."""
        try:
            yield
        except LoadError as exc:
            self.problems.append(exc)

    def raise_problems(self) -> None:
        """Raise the kept errors as one `LoadError` (the first, then the others as `more`), if there are any."""
        if self.problems:
            first, *rest = self.problems
            others = [line for exc in rest for line in str(exc).splitlines()]
            raise LoadError(first.file, first.line, first.message, [*first.more, *others])

    # ---- scalars -----------------------------------------------------------------------------------

    def fail(self, node: Any, key: str | None, message: str) -> LoadError:
        return LoadError(self.file, line_of(node, key), message)

    def mapping(self, node: Any, where: str, allowed: set[str], parent: Any = None) -> LineDict:
        if not isinstance(node, LineDict):
            raise self.fail(parent if parent is not None else node, None, f"{where}: expected a mapping")
        for key in node:
            if key not in allowed:
                raise self.fail(node, key, f"{where}: unknown key {key!r}{did_you_mean(key, allowed)}")
        return node

    def duration(self, node: Any, value: Any, key: str) -> int:
        match = _DURATION.match(str(value).strip())
        if match is None:
            raise self.fail(node, key, f"{key}: expected a duration like 15m, 2h or 90s, got {value!r}")
        return int(match.group(1)) * _UNIT_MS[match.group(2)]

    def number(self, node: Any, value: Any, key: str, integer: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
            kind = "a whole number" if integer else "a number"
            raise self.fail(node, key, f"{key}: expected {kind}, got {value!r}")
        return value

    def str_list(self, node: Any, value: Any, key: str) -> tuple[str, ...]:
        items = value if isinstance(value, list) else [value]
        items = [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in items]  # adcodes
        if not items or not all(isinstance(v, str) for v in items):
            raise self.fail(node, key, f"{key}: expected a name or a list of names, got {value!r}")
        return tuple(items)

    def choice(self, node: Any, value: Any, key: str, choices: tuple[str, ...] | set[str] | frozenset[str]) -> str:
        if str(value) not in choices:
            hint = did_you_mean(str(value), choices)
            raise self.fail(node, key, f"{key}: {value!r} is not one of {sorted(choices)}{hint}")
        return str(value)

    def title(self, node: LineDict, where: str) -> Title | None:
        """An optional `title: {zh: …, en: …}`: a name for people in both languages."""
        if "title" not in node:
            return None
        value = self.mapping(node["title"], f"{where}.title", {"zh", "en"}, node)
        for lang in ("zh", "en"):
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                raise self.fail(value, lang if lang in value else None, f"{where}.title: needs a non-empty {lang!r}")
        return Title(value["zh"].strip(), value["en"].strip())

    def need_places(self, node: Any, key: str) -> PlaybookPlaces:
        if self.places is None:
            raise self.fail(node, key, f"{key}: needs the region index; load playbooks with places")
        return self.places

    # ---- conditions --------------------------------------------------------------------------------

    def condition(self, node: Any, where: str, parent: Any = None) -> Condition:
        node = self.mapping(node, where, CONDITION_KEYS, parent)
        fields: dict[str, Any] = {}
        if "incident_type" in node:
            fields["incident_types"] = frozenset(self.str_list(node, node["incident_type"], "incident_type"))
        if "signal" in node:
            fields["signal_kinds"] = self.str_list(node, node["signal"], "signal")
        if "attrs" in node:
            attrs = self.mapping(node["attrs"], f"{where}.attrs", set(node["attrs"] or ()), node)
            fields["attrs"] = tuple(sorted((str(k), str(v)) for k, v in attrs.items()))
        if "stage" in node:
            stages = self.str_list(node, node["stage"], "stage")
            fields["stages"] = frozenset(self.choice(node, s, "stage", STAGE_ORDER) for s in stages)
        if "count" in node:
            fields["count"] = self.count(node["count"], f"{where}.count", node)
        if "value_at_least" in node:
            fields["value_at_least"] = float(self.number(node, node["value_at_least"], "value_at_least"))
        if "figures_at_least" in node:
            figures = self.mapping(node["figures_at_least"], f"{where}.figures_at_least", FIGURES, node)
            fields["figures_at_least"] = tuple(
                sorted((str(k), float(self.number(figures, v, str(k)))) for k, v in figures.items())
            )
        if "threshold" in node:
            fields["threshold"] = self.threshold(node["threshold"], f"{where}.threshold", node)
        if "severity_at_least" in node:
            fields["severity_at_least"] = self.severity(node, node["severity_at_least"], "severity_at_least")
        if "no_evidence_for" in node:
            fields["no_evidence_for_ms"] = self.duration(node, node["no_evidence_for"], "no_evidence_for")
        if "lasting" in node:
            spec = self.mapping(node["lasting"], f"{where}.lasting", {"kinds", "at_least"}, node)
            if "at_least" not in spec:
                raise self.fail(spec, None, f"{where}.lasting: missing 'at_least' (a duration)")
            kinds = self.str_list(spec, spec.get("kinds", "*"), "kinds")
            fields["lasting"] = (kinds, self.duration(spec, spec["at_least"], "at_least"))
        if "inside" in node:
            fields["inside"] = self.regions(node, node["inside"], "inside")
        if "in_warning_area" in node:
            fields["in_warning_area"] = self.warning_area(node["in_warning_area"], f"{where}.in_warning_area", node)
        if "near" in node:
            fields["near"] = self.near(node["near"], f"{where}.near", node)
        if "at_facility" in node:
            places = self.need_places(node, "at_facility")
            classes = self.str_list(node, node["at_facility"], "at_facility")
            for cls in classes:
                self.choice(node, cls, "at_facility", set(places.facilities))
            fields["at_facility"] = frozenset(classes)
        if "downstream_of" in node:
            fields["downstream_of"] = self.downstream(node["downstream_of"], f"{where}.downstream_of", node)
        if "not_acknowledged" in node:
            fields["not_acknowledged"] = bool(node["not_acknowledged"])
        scales = []
        for scale, levels in SCALES.items():
            key = f"{scale}_at_least"
            if key in node:
                scales.append((scale, self.choice(node, node[key], key, levels)))
        fields["scales_at_least"] = tuple(scales)
        below = []
        for scale, levels in SCALES.items():
            key = f"{scale}_below"
            if key in node:
                below.append((scale, self.choice(node, node[key], key, levels)))
        fields["scales_below"] = tuple(below)
        if "any" in node:
            alternatives = node["any"]
            if not isinstance(alternatives, LineList) or not alternatives:
                raise self.fail(node, "any", f"{where}.any: expected a list of conditions")
            fields["any_of"] = tuple(self.condition(c, f"{where}.any[{i}]", node) for i, c in enumerate(alternatives))
        return Condition(**fields)

    def count(self, node: Any, where: str, parent: Any) -> CountSpec:
        spec = self.mapping(node, where, {"kinds", "at_least", "within", "value_at_least"}, parent)
        at_least = spec.get("at_least", 1)
        ref = self.threshold(at_least, f"{where}.at_least", spec) if isinstance(at_least, LineDict) else None
        return CountSpec(
            kinds=self.str_list(spec, spec.get("kinds", "*"), "kinds"),
            at_least=0 if ref else int(self.number(spec, at_least, "at_least", integer=True)),
            at_least_ref=ref,
            within_ms=self.duration(spec, spec["within"], "within") if "within" in spec else None,
            value_at_least=(
                float(self.number(spec, spec["value_at_least"], "value_at_least")) if "value_at_least" in spec else None
            ),
        )

    def severity(self, node: Any, value: Any, key: str) -> int:
        if isinstance(value, str):
            return SEVERITY_NAMES[self.choice(node, value, key, set(SEVERITY_NAMES))]
        return int(self.number(node, value, key, integer=True))

    def threshold(self, node: Any, where: str, parent: Any) -> ThresholdRef:
        spec = self.mapping(node, where, {"table", "tier"}, parent)
        places = self.need_places(parent, "threshold")
        name = self.choice(spec, spec.get("table"), "table", set(places.thresholds))
        table = places.thresholds[name]
        tier = self.choice(spec, spec.get("tier"), "tier", table.tiers)
        return ThresholdRef(table, tier)

    def regions(self, node: Any, value: Any, key: str) -> frozenset[str]:
        places = self.need_places(node, key)
        codes: set[str] = set()
        for name in self.str_list(node, value, key):
            found = places.unit_codes(name)
            if found is None:
                hint = did_you_mean(name, places.region_names())
                raise self.fail(node, key, f"{key}: {name!r} is not a province, city or county of the theater{hint}")
            codes |= found
        return frozenset(codes)

    def warning_area(self, node: Any, where: str, parent: Any) -> WarningAreaSpec:
        if node is True:
            return WarningAreaSpec(1, None)
        spec = self.mapping(node, where, {"colour_at_least", "hazard"}, parent)
        colour = self.choice(spec, spec.get("colour_at_least", "blue"), "colour_at_least", set(SEVERITY_NAMES))
        hazards = frozenset(self.str_list(spec, spec["hazard"], "hazard")) if "hazard" in spec else None
        return WarningAreaSpec(SEVERITY_NAMES[colour], hazards)

    def near(self, node: Any, where: str, parent: Any) -> NearSpec:
        spec = self.mapping(node, where, {"facility", "km"}, parent)
        places = self.need_places(parent, "near")
        facility = self.choice(spec, spec.get("facility"), "facility", set(places.facilities))
        km = float(self.number(spec, spec.get("km"), "km"))
        points = tuple((f.lon, f.lat, f.name) for f in places.facilities[facility])
        return NearSpec(facility, km, points)

    def downstream(self, node: Any, where: str, parent: Any) -> frozenset[str]:
        spec = self.mapping(node, where, {"river", "place"}, parent)
        places = self.need_places(parent, "downstream_of")
        river = places.rivers[self.choice(spec, spec.get("river"), "river", set(places.rivers))]
        place = str(spec.get("place", ""))
        named = dict(river.places)
        if place in named:
            start = named[place]
        else:
            codes = places.unit_codes(place) if place else None
            on_course = [c for c in river.course if codes is not None and c in codes]
            if not on_course:
                choices = [*named, *(places.unit_name(c) for c in river.course)]
                raise self.fail(
                    spec, "place", f"place: {place!r} is not on the {river.name}{did_you_mean(place, choices)}"
                )
            start = on_course[0]
        return frozenset((start, *river.downstream_from(start)))

    # ---- actions -----------------------------------------------------------------------------------

    def actions(self, node: Any, where: str, parent: Any, in_approval: bool = False) -> tuple[Action, ...]:
        if not isinstance(node, LineList):
            raise self.fail(parent, None, f"{where}: expected a list of actions")
        return tuple(
            self.action(item, line, f"{where}[{i}]", in_approval)
            for i, (item, line) in enumerate(zip(node, node.item_lines, strict=True))
        )

    def action(self, node: Any, line: int, where: str, in_approval: bool = False) -> Action:
        if isinstance(node, str) and node == "close":
            return Close(line=line)
        if isinstance(node, str) and node == "lift_closure":
            return LiftClosure(line=line)
        if not isinstance(node, LineDict) or len(node) != 1:
            raise LoadError(self.file, line, f"{where}: expected one action like `dispatch: {{...}}`")
        kind = next(iter(node))
        if kind not in ACTION_KEYS:
            raise self.fail(node, kind, f"{where}: unknown action {kind!r}{did_you_mean(kind, ACTION_KEYS)}")
        read: Callable[[Any, Any, str, bool, int], Action] = getattr(self, f"_a_{kind}")
        return read(node, node[kind], f"{where}.{kind}", in_approval, line_of(node, kind))

    def _a_enter_stage(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        return EnterStage(stage=self.choice(node, value, "enter_stage", STAGE_ORDER), line=line)

    def _a_close(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        return Close(line=line)

    def _set_scale(self, scale: str, node: Any, value: Any, where: str, line: int) -> Action:
        spec = value if isinstance(value, LineDict) else LineDict(level=value)
        if isinstance(value, LineDict):
            self.mapping(spec, where, {"level", "reason", "allow_lower"})
        else:
            spec.line, spec.key_lines = line_of(node), {}
        return SetScale(
            scale=scale,
            level=self.choice(spec, spec.get("level"), "level", SCALES[scale]),
            reason=str(spec.get("reason", "")),
            allow_lower=bool(spec.get("allow_lower", False)),
            line=line,
        )

    def _a_set_response_level(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        return self._set_scale("response_level", node, value, where, line)

    def _a_set_warning_colour(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        return self._set_scale("warning_colour", node, value, where, line)

    def _a_set_event_grade(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        return self._set_scale("event_grade", node, value, where, line)

    def _step_scale(
        self, node: Any, value: Any, where: str, default_scale: str | None, direction: int, line: int
    ) -> Action:
        spec = self.mapping(value, where, {"scale", "by", "reason"}, node)
        scale = default_scale or self.choice(spec, spec.get("scale"), "scale", set(SCALES))
        return StepScale(
            scale=scale,
            steps=direction * int(self.number(spec, spec.get("by", 1), "by", integer=True)),
            reason=str(spec.get("reason", "")),
            line=line,
        )

    def _a_raise_response_level(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        return self._step_scale(node, value, where, "response_level", 1, line)

    def _a_raise(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        return self._step_scale(node, value, where, None, 1, line)

    def _a_lower(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        return self._step_scale(node, value, where, None, -1, line)

    def _capability(self, spec: LineDict, where: str) -> str:
        if "capability" not in spec:
            raise self.fail(spec, None, f"{where}: missing 'capability'")
        name = str(spec["capability"])
        if self.capabilities is not None and name not in self.capabilities:
            raise self.fail(spec, "capability", f"capability: unknown {name!r}{did_you_mean(name, self.capabilities)}")
        return name

    def _a_dispatch(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        spec = self.mapping(value, where, {"capability", "count", "within"}, node)
        return Dispatch(
            capability=self._capability(spec, where),
            count=int(self.number(spec, spec.get("count", 1), "count", integer=True)),
            within_ms=self.duration(spec, spec.get("within", "30m"), "within"),
            line=line,
        )

    def _a_assign(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        spec = self.mapping(value, where, {"work", "within", "reason"}, node)
        if "work" not in spec:
            raise self.fail(spec, None, f"{where}: missing 'work'")
        if self._recovery_work is None:
            self._recovery_work = load_recovery_work()
        work = self.choice(spec, spec["work"], "work", set(self._recovery_work))
        return Assign(
            work=work,
            agency_kind=self._recovery_work[work],
            within_ms=self.duration(spec, spec.get("within", "24h"), "within"),
            reason=str(spec.get("reason", "")),
            line=line,
        )

    def _river(self, spec: LineDict) -> str:
        if "river" not in spec:
            return ""
        places = self.need_places(spec, "river")
        return self.choice(spec, spec["river"], "river", set(places.rivers))

    def _a_notify(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        spec = self.mapping(value, where, {"to", "message", "river"}, node)
        targets = self.str_list(spec, spec.get("to", "own"), "to")
        for target in targets:
            self.choice(spec, target, "to", NOTIFY_TARGETS)
        if "downstream" in targets:
            self.need_places(spec, "to")
        return Notify(
            to=tuple(sorted(set(targets))), message=str(spec.get("message", "")), river=self._river(spec), line=line
        )

    def _a_start_timer(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        return StartTimer(timer=str(value), line=line)

    def _a_cancel_timer(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        return CancelTimer(timer=str(value), line=line)

    def _warning(
        self, verb: Literal["issue", "update", "cancel"], node: Any, value: Any, where: str, line: int
    ) -> Action:
        spec = self.mapping(value if value is not None else LineDict(), where, _WARNING_KEYS, node)
        for key in ("event_code", "event", "headline") if verb == "issue" else ():
            if key not in spec:
                raise self.fail(spec if spec else node, None, f"{where}: missing {key!r}")

        def text(key: str) -> str:
            return str(spec[key]) if key in spec else ""

        colour = (
            self.choice(spec, spec["colour"], "colour", (*WARNING_COLOURS, "incident")) if "colour" in spec else None
        )
        area = self.choice(spec, spec.get("area", "incident"), "area", WARNING_AREAS)
        if area == "downstream":
            self.need_places(spec, "area")
        return PublicWarningAction(
            verb=verb,
            event_code=text("event_code"),
            event=text("event"),
            headline=text("headline"),
            description=text("description"),
            instruction=text("instruction"),
            colour=colour or "incident",
            area=area,
            river=self._river(spec),
            expires_ms=self.duration(spec, spec["expires"], "expires") if "expires" in spec else None,
            line=line,
        )

    def _a_issue_warning(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        return self._warning("issue", node, value, where, line)

    def _a_update_warning(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        return self._warning("update", node, value, where, line)

    def _a_cancel_warning(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        return self._warning("cancel", node, value, where, line)

    def _a_request_mutual_aid(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        spec = self.mapping(value, where, {"capability", "count", "from", "reason", "within"}, node)
        lenders = self.str_list(spec, spec.get("from", "any"), "from")
        for lender in lenders:
            self.choice(spec, lender, "from", {"any", "110000", "120000", "130000"})
        return RequestMutualAid(
            capability=self._capability(spec, where),
            count=int(self.number(spec, spec.get("count", 1), "count", integer=True)),
            lenders=tuple(sorted(set(lenders))),
            reason=str(spec.get("reason", "")),
            within_ms=self.duration(spec, spec.get("within", "1h"), "within"),
            line=line,
        )

    def _a_request_supplies(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        spec = self.mapping(value, where, {"item", "quantity", "reason"}, node)
        if "item" not in spec:
            raise self.fail(spec, None, f"{where}: missing 'item' (one of {sorted(SUPPLIES)})")
        quantity = int(self.number(spec, spec.get("quantity", 1), "quantity", integer=True))
        if quantity < 1:
            raise self.fail(spec, "quantity", f"quantity: {quantity} must be at least 1")
        return RequestSupplies(
            item=self.choice(spec, spec["item"], "item", SUPPLIES),
            quantity=quantity,
            reason=str(spec.get("reason", "")),
            line=line,
        )

    def _a_close_road(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        keys = {"closure", "at", "within_km", "radius_m", "factor", "reason", "or_incident"}
        spec = self.mapping(value, where, keys, node)
        if "closure" not in spec:
            raise self.fail(spec, None, f"{where}: missing 'closure' (one of {list(CLOSURE_KINDS)})")
        at = str(spec.get("at", "incident"))
        if at != "incident":
            places = self.need_places(spec, "at")
            at = self.choice(spec, at, "at", {"incident", *places.facilities})
        radius = float(self.number(spec, spec.get("radius_m", 300), "radius_m"))
        if radius <= 0:
            raise self.fail(spec, "radius_m", f"radius_m: {radius:g} must be above 0")
        factor = spec.get("factor")
        if factor is not None and float(self.number(spec, factor, "factor")) < 1:
            raise self.fail(spec, "factor", f"factor: {factor!r} must be at least 1 (or left out: impassable)")
        return CloseRoad(
            closure=self.choice(spec, spec["closure"], "closure", CLOSURE_KINDS),
            at=at,
            within_km=float(self.number(spec, spec.get("within_km", 0.5), "within_km")),
            radius_m=radius,
            factor=None if factor is None else float(factor),
            reason=str(spec.get("reason", "")),
            or_incident=bool(spec.get("or_incident", False)),
            line=line,
        )

    def _a_lift_closure(self, node: Any, value: Any, where: str, _: bool, line: int) -> Action:
        spec = self.mapping(value if value is not None else LineDict(), where, {"reason"}, node)
        return LiftClosure(reason=str(spec.get("reason", "")), line=line)

    def _a_require_approval(self, node: Any, value: Any, where: str, in_approval: bool, line: int) -> Action:
        if in_approval:
            raise self.fail(node, "require_approval", f"{where}: an approval cannot hold another approval")
        spec = self.mapping(value, where, {"summary", "approver", "within", "default", "then"}, node)
        for key in ("summary", "within", "default", "then"):
            if key not in spec:
                raise self.fail(spec, None, f"{where}: missing {key!r}")
        approval = ApprovalSpec(
            index=len(self.approvals),
            summary=str(spec["summary"]),
            approver=str(spec.get("approver", "own")),
            within_ms=self.duration(spec, spec["within"], "within"),
            default=self.choice(spec, spec["default"], "default", ("approve", "reject")),
            then=self.actions(spec["then"], f"{where}.then", spec, in_approval=True),
            line=line_of(node, "require_approval"),
        )
        self.approvals.append(approval)
        return RequireApproval(approval=approval.index, line=line)
