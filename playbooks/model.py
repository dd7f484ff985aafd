"""The playbook language: YAML compiled at load time into a typed, frozen plan (`playbooks.plan`).

A broken file fails here, never at run time, with file, line, what was expected and a did-you-mean.
Names (regions, rivers, facility classes, threshold tables, capabilities, timers, rules) are resolved now,
against the `PlaybookPlaces` the composition root built. The constructs are documented in docs/playbooks.md.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from geo.datafiles import LineDict, LineList, LoadError, line_of, load_yaml
from geo.names import did_you_mean
from playbooks.incident import STAGE_ORDER
from playbooks.places import PlaybookPlaces
from playbooks.plan import (
    Action,
    ApprovalSpec,
    CancelTimer,
    Condition,
    CountSpec,
    EnterStage,
    NearSpec,
    Playbook,
    Rule,
    StartTimer,
    ThresholdRef,
    TimerSpec,
    WarningAreaSpec,
)
from playbooks.reader import Reader

RULE_KEYS = {"id", "title", "when", "then", "repeat", "note"}
TOP_KEYS = {"playbook", "title", "incident_types", "stages", "rules", "timers", "note", "base", "extends"}
TIMER_KEYS = {"id", "title", "after", "start_on", "unless", "when", "then", "note"}
STAGE_KEYS = {"enter_when", "exit_when", "on_enter", "overdue_after", "on_overdue", "note"}
REOPEN_KEYS = {"when", "then", "note"}
_NEXT_STAGE = {"before": "during", "during": "after", "after": "closed"}


def _rules(reader: Reader, doc: LineDict) -> list[Rule]:
    rules: list[Rule] = []
    seen: set[str] = set()
    if not isinstance(doc.get("rules"), LineList):
        raise reader.fail(doc, "rules", "rules: expected a list")
    for index, raw in enumerate(doc["rules"]):
        with reader.item():
            where = f"rules[{index}]"
            node = reader.mapping(raw, where, RULE_KEYS, doc["rules"])
            for required in ("id", "when", "then"):
                if required not in node:
                    raise reader.fail(node, None, f"{where}: missing {required!r}")
            rule_id = str(node["id"])
            if rule_id in seen or rule_id.startswith("stage:"):
                raise reader.fail(node, "id", f"{where}: duplicate or reserved rule id {rule_id!r}")
            seen.add(rule_id)
            rules.append(
                Rule(
                    id=rule_id,
                    when=reader.condition(node["when"], f"{where}.when", node),
                    then=reader.actions(node["then"], f"{where}.then", node),
                    repeat=bool(node.get("repeat", False)),
                    line=node.line,
                    title=reader.title(node, where),
                )
            )
    return rules


def _stages(
    reader: Reader, node: Any
) -> tuple[list[Rule], list[TimerSpec], tuple[tuple[str, tuple[Action, ...]], ...]]:
    """Stage entry and exit criteria become rules; `overdue_after` becomes a timer; `reopen` a repeating rule."""
    rules: list[Rule] = []
    timers: list[TimerSpec] = []
    on_enter: list[tuple[str, tuple[Action, ...]]] = []
    stages = reader.mapping(node, "stages", {*STAGE_ORDER, "reopen"})
    for stage, raw in stages.items():
        where = f"stages.{stage}"
        if stage == "reopen":
            spec = reader.mapping(raw, where, REOPEN_KEYS, stages)
            if "when" not in spec:
                raise reader.fail(spec, None, f"{where}: missing 'when'")
            when = reader.condition(spec["when"], f"{where}.when", spec)
            then = reader.actions(spec.get("then", LineList()), f"{where}.then", spec) if "then" in spec else ()
            reopen = EnterStage(stage="during", line=spec.line)
            rules.append(
                Rule("stage:reopen", _also(when, stages=frozenset({"after"})), (reopen, *then), True, spec.line)
            )
            continue
        spec = reader.mapping(raw, where, STAGE_KEYS, stages)
        earlier = frozenset(STAGE_ORDER[: STAGE_ORDER.index(stage)])
        if "enter_when" in spec:
            if not earlier:
                raise reader.fail(spec, "enter_when", f"{where}.enter_when: 'before' is where every incident starts")
            when = reader.condition(spec["enter_when"], f"{where}.enter_when", spec)
            action = EnterStage(stage=stage, line=line_of(spec, "enter_when"))
            rules.append(
                Rule(f"stage:{stage}:enter", _also(when, stages=earlier), (action,), False, line_of(spec, "enter_when"))
            )
        if "exit_when" in spec:
            if stage not in _NEXT_STAGE:
                raise reader.fail(spec, "exit_when", f"{where}.exit_when: a closed incident has no next stage")
            when = reader.condition(spec["exit_when"], f"{where}.exit_when", spec)
            action = EnterStage(stage=_NEXT_STAGE[stage], line=line_of(spec, "exit_when"))
            rules.append(
                Rule(
                    f"stage:{stage}:exit",
                    _also(when, stages=frozenset({stage})),
                    (action,),
                    True,
                    line_of(spec, "exit_when"),
                )
            )
        if "on_enter" in spec:
            on_enter.append((stage, reader.actions(spec["on_enter"], f"{where}.on_enter", spec)))
        if "overdue_after" in spec:
            then = reader.actions(spec.get("on_overdue"), f"{where}.on_overdue", spec)
            timers.append(
                TimerSpec(
                    id=f"stage:{stage}:overdue",
                    after_ms=reader.duration(spec, spec["overdue_after"], "overdue_after"),
                    start_on=f"stage:{stage}",
                    unless="stage_left",
                    then=then,
                    line=line_of(spec, "overdue_after"),
                )
            )
    return rules, timers, tuple(on_enter)


def _also(cond: Condition, stages: frozenset[str]) -> Condition:
    """The condition, restricted to incidents in `stages` (an explicit stage in it narrows further)."""
    return replace(cond, stages=stages if cond.stages is None else cond.stages & stages)


def _timers(reader: Reader, doc: LineDict, stage_names: set[str]) -> list[TimerSpec]:
    timers: list[TimerSpec] = []
    raw_timers = doc.get("timers") or LineList()
    if not isinstance(raw_timers, list):
        raise reader.fail(doc, "timers", "timers: expected a list")
    for index, raw in enumerate(raw_timers):
        with reader.item():
            where = f"timers[{index}]"
            node = reader.mapping(raw, where, TIMER_KEYS, doc)
            for required in ("id", "after", "then"):
                if required not in node:
                    raise reader.fail(node, None, f"{where}: missing {required!r}")
            start_on = str(node.get("start_on", "opened"))
            if start_on not in ("opened", "evidence") and not start_on.startswith(("rule:", "stage:")):
                raise reader.fail(
                    node,
                    "start_on",
                    f"{where}.start_on: expected 'opened', 'evidence', 'rule:<id>' or 'stage:<stage>', "
                    f"got {start_on!r}",
                )
            if start_on.startswith("stage:"):
                reader.choice(node, start_on[6:], "start_on", stage_names)
            unless = str(node.get("unless", ""))
            if unless:
                reader.choice(node, unless, "unless", ("acknowledged", "resolved", "stage_left"))
            if unless == "stage_left" and not start_on.startswith("stage:"):
                raise reader.fail(node, "unless", f"{where}.unless: stage_left needs start_on: stage:<stage>")
            when = reader.condition(node["when"], f"{where}.when", node) if "when" in node else None
            if when is not None and when.needs_trigger:
                raise reader.fail(
                    node, "when", f"{where}.when: a timer has no triggering signal (signal, attrs, value)"
                )
            timers.append(
                TimerSpec(
                    id=str(node["id"]),
                    after_ms=reader.duration(node, node["after"], "after"),
                    start_on=start_on,
                    unless=unless,
                    then=reader.actions(node["then"], f"{where}.then", node),
                    line=node.line,
                    when=when,
                    title=reader.title(node, where),
                )
            )
    return timers


def _check_references(file: str, playbook: Playbook) -> None:
    timer_ids = [t.id for t in playbook.timers]
    for timer_id in timer_ids:
        if timer_ids.count(timer_id) > 1:
            line = next(t.line for t in reversed(playbook.timers) if t.id == timer_id)
            raise LoadError(file, line, f"timers: duplicate timer id {timer_id!r}")
    rule_ids = {r.id for r in playbook.rules}
    all_actions = [a for r in playbook.rules for a in r.then] + [a for t in playbook.timers for a in t.then]
    all_actions += [a for _, actions in playbook.on_enter for a in actions]
    all_actions += [a for spec in playbook.approvals for a in spec.then]
    for action in all_actions:
        match action:
            case StartTimer(timer=name) | CancelTimer(timer=name) if name not in timer_ids:
                kind = "start_timer" if isinstance(action, StartTimer) else "cancel_timer"
                raise LoadError(file, action.line, f"{kind}: no timer {name!r}{did_you_mean(name, timer_ids)}")
    for timer in playbook.timers:
        if timer.start_on.startswith("rule:") and timer.start_on[5:] not in rule_ids:
            name = timer.start_on[5:]
            raise LoadError(file, timer.line, f"start_on: no rule {name!r}{did_you_mean(name, rule_ids)}")


def _playbook_title(reader: Reader, doc: LineDict) -> str:
    """The playbook's title as one line "中文 / English"; the file may give `{zh, en}` or that line."""
    if isinstance(doc.get("title"), LineDict):
        title = reader.title(doc, "playbook")
        assert title is not None
        return f"{title.zh} / {title.en}"
    return str(doc.get("title", doc["playbook"]))


def read_playbook(
    path: Path | str,
    text: str | None = None,
    capabilities: frozenset[str] | None = None,
    places: PlaybookPlaces | None = None,
) -> Playbook:
    reader = Reader(str(path), places, capabilities)
    doc = reader.mapping(load_yaml(path, text), "playbook file", TOP_KEYS)
    is_base = bool(doc.get("base", False))
    for required in ("playbook", "rules") if is_base else ("playbook", "incident_types", "rules"):
        if required not in doc:
            raise reader.fail(doc, None, f"missing required key {required!r}")
    if is_base:
        for key in ("incident_types", "stages", "extends"):
            if key in doc:
                raise reader.fail(doc, key, f"{key}: a base playbook runs inside the playbooks that extend it")
    stage_rules, stage_timers, on_enter = _stages(reader, doc["stages"]) if "stages" in doc else ([], [], ())
    rules = _rules(reader, doc)
    timers = _timers(reader, doc, set(STAGE_ORDER))
    reader.raise_problems()
    if is_base and reader.approvals:
        raise reader.fail(doc, "rules", "rules: a base playbook cannot hold actions for approval")
    playbook = Playbook(
        id=str(doc["playbook"]),
        title=_playbook_title(reader, doc),
        incident_types=frozenset(reader.str_list(doc, doc["incident_types"], "incident_types"))
        if not is_base
        else frozenset(),
        rules=(*stage_rules, *rules),
        timers=(*stage_timers, *timers),
        file=str(path),
        on_enter=on_enter,
        approvals=tuple(reader.approvals),
        places=places,
        base=is_base,
    )
    if "extends" in doc:
        playbook = _extend(reader, doc, playbook, len(stage_rules), capabilities, places)
    _check_references(reader.file, playbook)
    return playbook


def _extend(
    reader: Reader,
    doc: LineDict,
    playbook: Playbook,
    stage_rule_count: int,
    capabilities: frozenset[str] | None,
    places: PlaybookPlaces | None,
) -> Playbook:
    """Run the base playbook's rules (after the stage rules, before the playbook's own, so those see the grade the
    shared rules set) and its timers. The base is `<name>.yaml` beside the file."""
    name = str(doc["extends"])
    found = sorted(p.stem for p in Path(reader.file).parent.glob("*.yaml"))
    path = Path(reader.file).parent / f"{name}.yaml"
    if name not in found:  # never a path built from the text: a long or odd name is a mistake, not a file
        raise reader.fail(
            doc, "extends", f"extends: no base playbook {name!r} beside this file{did_you_mean(name, found)}"
        )
    base = read_playbook(path, None, capabilities, places)
    if not base.base or base.id != name:
        raise reader.fail(doc, "extends", f"extends: {path.name} is not the base playbook {name!r} (base: true)")
    own = {r.id for r in playbook.rules} | {t.id for t in playbook.timers}
    for item_id in (*(r.id for r in base.rules), *(t.id for t in base.timers)):
        if item_id in own:
            raise LoadError(
                reader.file, line_of(doc, "extends"), f"extends: {item_id!r} is also the base playbook's ({path.name})"
            )
    rules = (*playbook.rules[:stage_rule_count], *base.rules, *playbook.rules[stage_rule_count:])
    return replace(playbook, rules=rules, timers=(*playbook.timers, *base.timers), extends=name)


parse_playbook = read_playbook  # the name the tests and tools use


def load_playbooks(
    directory: Path, capabilities: frozenset[str] | None = None, places: PlaybookPlaces | None = None
) -> dict[str, Playbook]:
    """Every *.yaml playbook in a folder, keyed by incident type; the first broken file raises its LoadError."""
    by_type, errors = check_playbooks(directory, capabilities, places)
    if errors:
        raise errors[0]
    return by_type


def check_playbooks(
    directory: Path, capabilities: frozenset[str] | None = None, places: PlaybookPlaces | None = None
) -> tuple[dict[str, Playbook], list[LoadError]]:
    """Every playbook that loads, keyed by incident type, and an error for every file that does not."""
    by_type: dict[str, Playbook] = {}
    errors: list[LoadError] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            playbook = parse_playbook(path, capabilities=capabilities, places=places)
        except LoadError as exc:
            errors.append(exc)
            continue
        if playbook.base:
            continue  # its rules run inside the playbooks that extend it
        for incident_type in sorted(playbook.incident_types):
            if incident_type in by_type:
                other = by_type[incident_type].file
                errors.append(
                    LoadError(str(path), 1, f"incident type {incident_type!r} already has a playbook in {other}")
                )
            else:
                by_type[incident_type] = playbook
    return by_type, errors


__all__ = [
    "Action",
    "ApprovalSpec",
    "Condition",
    "CountSpec",
    "LoadError",
    "NearSpec",
    "Playbook",
    "Rule",
    "ThresholdRef",
    "TimerSpec",
    "WarningAreaSpec",
    "check_playbooks",
    "load_playbooks",
    "parse_playbook",
]
