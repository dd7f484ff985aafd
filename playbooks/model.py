"""The playbook language: YAML compiled at load time into a typed, frozen plan.

A broken file fails here, never at run time, with file, line, what was expected and a did-you-mean.
The constructs are documented in docs/playbooks.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playbooks.incident import EVENT_GRADES, RESPONSE_LEVELS, STAGE_ORDER, WARNING_COLOURS
from playbooks.yaml_lines import LineDict, LineList, LoadError, did_you_mean, line_of, load_yaml

_DURATION = re.compile(r"^(\d+)\s*(s|m|min|h|d)$")
_UNIT_MS = {"s": 1000, "m": 60_000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}
CONDITION_KEYS = {
    "signal",
    "stage",
    "count",
    "value_at_least",
    "severity_at_least",
    "no_evidence_for",
    "not_acknowledged",
}
ACTION_KEYS = {
    "enter_stage",
    "set_response_level",
    "raise_response_level",
    "set_warning_colour",
    "set_event_grade",
    "dispatch",
    "notify",
    "start_timer",
    "close",
}
NOTIFY_TARGETS = {"own", "neighbours", "all", "110000", "120000", "130000"}
RULE_KEYS = {"id", "when", "then", "repeat", "note"}
TOP_KEYS = {"playbook", "title", "incident_types", "rules", "timers", "note"}
TIMER_KEYS = {"id", "after", "start_on", "unless", "then", "note"}


@dataclass(frozen=True)
class Condition:
    signal_kinds: frozenset[str] | None = None
    stages: frozenset[str] | None = None
    count_kinds: frozenset[str] | None = None
    count_at_least: int = 0
    value_at_least: float | None = None
    severity_at_least: int | None = None
    no_evidence_for_ms: int | None = None
    not_acknowledged: bool = False

    @property
    def time_driven(self) -> bool:
        return self.no_evidence_for_ms is not None


@dataclass(frozen=True)
class Action:
    kind: str
    params: tuple[tuple[str, Any], ...]
    line: int

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.params).get(key, default)


@dataclass(frozen=True)
class Rule:
    id: str
    when: Condition
    then: tuple[Action, ...]
    repeat: bool
    line: int


@dataclass(frozen=True)
class TimerSpec:
    id: str
    after_ms: int
    start_on: str  # "opened" or "rule:<id>"
    unless: str  # "acknowledged", "resolved" or ""
    then: tuple[Action, ...]
    line: int


@dataclass(frozen=True)
class Playbook:
    id: str
    title: str
    incident_types: frozenset[str]
    rules: tuple[Rule, ...]
    timers: tuple[TimerSpec, ...]
    file: str

    def timer(self, timer_id: str) -> TimerSpec:
        return next(t for t in self.timers if t.id == timer_id)


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, node: Any, key: str | None, message: str) -> LoadError:
        return LoadError(self.file, line_of(node, key), message)

    def mapping(self, node: Any, where: str, allowed: set[str], parent: Any = None) -> LineDict:
        if not isinstance(node, LineDict):
            raise self.fail(parent if node is None else node, None, f"{where}: expected a mapping")
        for key in node:
            if key not in allowed:
                raise self.fail(node, key, f"{where}: unknown key {key!r}{did_you_mean(key, allowed)}")
        return node

    def duration(self, node: Any, value: Any, key: str) -> int:
        match = _DURATION.match(str(value).strip())
        if match is None:
            raise self.fail(node, key, f"{key}: expected a duration like 15m, 2h or 90s, got {value!r}")
        return int(match.group(1)) * _UNIT_MS[match.group(2)]

    def str_list(self, node: Any, value: Any, key: str) -> frozenset[str]:
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in items):
            raise self.fail(node, key, f"{key}: expected a name or a list of names, got {value!r}")
        return frozenset(items)

    def choice(self, node: Any, value: Any, key: str, choices: tuple[str, ...] | set[str]) -> str:
        if str(value) not in choices:
            hint = did_you_mean(str(value), choices)
            raise self.fail(node, key, f"{key}: {value!r} is not one of {sorted(choices)}{hint}")
        return str(value)

    def condition(self, node: Any, where: str) -> Condition:
        node = self.mapping(node, where, CONDITION_KEYS)
        count_kinds, count_at_least = None, 0
        if "count" in node:
            count = self.mapping(node["count"], f"{where}.count", {"kinds", "at_least"}, node)
            count_kinds = self.str_list(count, count.get("kinds"), "kinds")
            count_at_least = int(count.get("at_least", 1))
        stages = None
        if "stage" in node:
            stages = self.str_list(node, node["stage"], "stage")
            for stage in stages:
                self.choice(node, stage, "stage", STAGE_ORDER)
        return Condition(
            signal_kinds=self.str_list(node, node["signal"], "signal") if "signal" in node else None,
            stages=stages,
            count_kinds=count_kinds,
            count_at_least=count_at_least,
            value_at_least=float(node["value_at_least"]) if "value_at_least" in node else None,
            severity_at_least=int(node["severity_at_least"]) if "severity_at_least" in node else None,
            no_evidence_for_ms=(
                self.duration(node, node["no_evidence_for"], "no_evidence_for") if "no_evidence_for" in node else None
            ),
            not_acknowledged=bool(node.get("not_acknowledged", False)),
        )

    def action(self, node: Any, line: int, where: str) -> Action:
        if isinstance(node, str) and node == "close":
            return Action("close", (), line)
        if not isinstance(node, LineDict) or len(node) != 1:
            raise LoadError(self.file, line, f"{where}: expected one action like `dispatch: {{...}}`")
        kind = next(iter(node))
        if kind not in ACTION_KEYS:
            raise self.fail(node, kind, f"{where}: unknown action {kind!r}{did_you_mean(kind, ACTION_KEYS)}")
        value = node[kind]
        params: dict[str, Any]
        if kind == "enter_stage":
            params = {"stage": self.choice(node, value, kind, STAGE_ORDER)}
        elif kind in ("set_response_level", "set_warning_colour", "set_event_grade"):
            scale = {
                "set_response_level": RESPONSE_LEVELS,
                "set_warning_colour": WARNING_COLOURS,
                "set_event_grade": EVENT_GRADES,
            }[kind]
            spec = value if isinstance(value, LineDict) else {"level": value}
            if isinstance(spec, LineDict):
                self.mapping(spec, f"{where}.{kind}", {"level", "reason", "allow_lower"})
            params = {
                "level": self.choice(spec, spec.get("level"), "level", scale),
                "reason": str(spec.get("reason", "")),
                "allow_lower": bool(spec.get("allow_lower", False)),
            }
        elif kind == "raise_response_level":
            spec = self.mapping(value, f"{where}.{kind}", {"by", "reason"}, node)
            params = {"by": int(spec.get("by", 1)), "reason": str(spec.get("reason", ""))}
        elif kind == "dispatch":
            spec = self.mapping(value, f"{where}.dispatch", {"capability", "count", "within"}, node)
            if "capability" not in spec:
                raise self.fail(spec, None, f"{where}.dispatch: missing 'capability'")
            params = {
                "capability": str(spec["capability"]),
                "count": int(spec.get("count", 1)),
                "within_ms": self.duration(spec, spec.get("within", "30m"), "within"),
            }
        elif kind == "notify":
            spec = self.mapping(value, f"{where}.notify", {"to", "message"}, node)
            targets = self.str_list(spec, spec.get("to", "own"), "to")
            for target in targets:
                self.choice(spec, target, "to", NOTIFY_TARGETS)
            params = {"to": tuple(sorted(targets)), "message": str(spec.get("message", ""))}
        elif kind == "start_timer":
            params = {"timer": str(value)}
        else:
            params = {}
        return Action(kind, tuple(params.items()), line_of(node, kind))

    def actions(self, node: Any, where: str, parent: Any) -> tuple[Action, ...]:
        if not isinstance(node, LineList):
            raise self.fail(parent, None, f"{where}: expected a list of actions")
        return tuple(
            self.action(item, line, f"{where}[{i}]")
            for i, (item, line) in enumerate(zip(node, node.item_lines, strict=True))
        )


def _check_references(reader: _Reader, playbook: Playbook, capabilities: frozenset[str] | None) -> None:
    timer_ids = {t.id for t in playbook.timers}
    rule_ids = {r.id for r in playbook.rules}
    all_actions = [a for r in playbook.rules for a in r.then] + [a for t in playbook.timers for a in t.then]
    for action in all_actions:
        if action.kind == "start_timer" and action.get("timer") not in timer_ids:
            name = action.get("timer")
            raise LoadError(reader.file, action.line, f"start_timer: no timer {name!r}{did_you_mean(name, timer_ids)}")
        if action.kind == "dispatch" and capabilities is not None and action.get("capability") not in capabilities:
            name = action.get("capability")
            raise LoadError(
                reader.file,
                action.line,
                f"dispatch: unknown capability {name!r}{did_you_mean(name, capabilities)}",
            )
    for timer in playbook.timers:
        if timer.start_on.startswith("rule:") and timer.start_on[5:] not in rule_ids:
            name = timer.start_on[5:]
            raise LoadError(reader.file, timer.line, f"start_on: no rule {name!r}{did_you_mean(name, rule_ids)}")


def parse_playbook(path: Path | str, text: str | None = None, capabilities: frozenset[str] | None = None) -> Playbook:
    reader = _Reader(str(path))
    doc = reader.mapping(load_yaml(path, text), "playbook file", TOP_KEYS)
    for required in ("playbook", "incident_types", "rules"):
        if required not in doc:
            raise reader.fail(doc, None, f"missing required key {required!r}")
    rules: list[Rule] = []
    seen: set[str] = set()
    if not isinstance(doc["rules"], LineList):
        raise reader.fail(doc, "rules", "rules: expected a list")
    for index, raw in enumerate(doc["rules"]):
        where = f"rules[{index}]"
        node = reader.mapping(raw, where, RULE_KEYS, doc["rules"])
        for required in ("id", "when", "then"):
            if required not in node:
                raise reader.fail(node, None, f"{where}: missing {required!r}")
        rule_id = str(node["id"])
        if rule_id in seen:
            raise reader.fail(node, "id", f"{where}: duplicate rule id {rule_id!r}")
        seen.add(rule_id)
        rules.append(
            Rule(
                id=rule_id,
                when=reader.condition(node["when"], f"{where}.when"),
                then=reader.actions(node["then"], f"{where}.then", node),
                repeat=bool(node.get("repeat", False)),
                line=node.line,
            )
        )
    timers: list[TimerSpec] = []
    for index, raw in enumerate(doc.get("timers") or []):
        where = f"timers[{index}]"
        node = reader.mapping(raw, where, TIMER_KEYS, doc)
        for required in ("id", "after", "then"):
            if required not in node:
                raise reader.fail(node, None, f"{where}: missing {required!r}")
        start_on = str(node.get("start_on", "opened"))
        if start_on != "opened" and not start_on.startswith("rule:"):
            raise reader.fail(node, "start_on", f"{where}.start_on: expected 'opened' or 'rule:<id>', got {start_on!r}")
        unless = str(node.get("unless", ""))
        if unless:
            reader.choice(node, unless, "unless", ("acknowledged", "resolved"))
        timers.append(
            TimerSpec(
                id=str(node["id"]),
                after_ms=reader.duration(node, node["after"], "after"),
                start_on=start_on,
                unless=unless,
                then=reader.actions(node["then"], f"{where}.then", node),
                line=node.line,
            )
        )
    playbook = Playbook(
        id=str(doc["playbook"]),
        title=str(doc.get("title", doc["playbook"])),
        incident_types=reader.str_list(doc, doc["incident_types"], "incident_types"),
        rules=tuple(rules),
        timers=tuple(timers),
        file=str(path),
    )
    _check_references(reader, playbook, capabilities)
    return playbook


def load_playbooks(directory: Path, capabilities: frozenset[str] | None = None) -> dict[str, Playbook]:
    """Every *.yaml playbook in a folder, keyed by incident type; two playbooks for one type is an error."""
    by_type: dict[str, Playbook] = {}
    for path in sorted(directory.glob("*.yaml")):
        playbook = parse_playbook(path, capabilities=capabilities)
        for incident_type in sorted(playbook.incident_types):
            if incident_type in by_type:
                other = by_type[incident_type].file
                raise LoadError(str(path), 1, f"incident type {incident_type!r} already has a playbook in {other}")
            by_type[incident_type] = playbook
    return by_type
