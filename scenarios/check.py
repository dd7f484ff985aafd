"""`ebrain scenario check FILE`: every problem of a scenario file at once, before anything runs.

The loader (`scenarios.model.load_scenario`) stops at the first problem; a trainer fixing a file wants them all.
This check reads the file with the one YAML loader (`geo.datafiles.load_yaml`), then loads each timeline entry,
fault and expectation on its own, so one mistake does not hide the next, and puts every payload through the
same ingest step the pipeline runs (contract, positions inside the theater, addresses and region names). Each
problem is `file:line: what is wrong`, with the valid values and a did-you-mean where there is a closed set.

A payload the ingest step refuses as data (a caller's address that names no known place, a point outside the
theater) is a *warning*: a scenario replays what agencies really sent, and a drill lists what was refused. Every
other problem is an error: the file cannot run as written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.datafiles import LineDict, LineList, LoadError, line_of, load_yaml
from geo.names import did_you_mean
from geo.regions import PROVINCES, RegionIndex
from playbooks.plan import Playbook, RequireApproval
from scenarios import model
from scenarios.answers import ANSWERS
from scenarios.drill import region_resolver
from scenarios.expectations import Expectation, parse_expectations
from streams import ingest
from streams.wire import topics
from streams.wire.codec import Rejected
from streams.wire.timefmt import parse_time_ms

_UNKNOWN_ID = re.compile(r"no timeline entry with id '(?P<id>[^']*)'$")
# The usual causes of a YAML error in a hand-written scenario, by the parser's own words.
_YAML_HINTS = (
    (
        "mapping values are not allowed",
        "a colon followed by a space inside unquoted text (a note, a description) starts a mapping: "
        'quote the text, e.g. note: "河北区：积水"',
    ),
    ("found character '\\t'", "YAML indents with spaces, never tabs"),
    ("could not find expected ':'", "a key without its colon, or text that runs onto the next line: quote it"),
    (
        "did not find expected key",
        "the indentation of this line does not match its siblings, or a quote is not closed",
    ),
    ("found unexpected end of stream", "a quote or bracket is not closed"),
)


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str
    warning: bool = False  # refused at ingest as data: reported, but the file runs

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {'warning: ' if self.warning else ''}{self.message}"


def check_scenario(
    path: Path | str, ctx: ingest.IngestContext, regions: RegionIndex, answerable: Answerable | None = None
) -> list[Problem]:
    """Every problem of the file, in line order (empty when it will load and every input will be accepted).
    With `answerable`, a scripted answer must name a rule that asks for approval and a known capability."""
    return checked_scenario(path, ctx, regions, answerable)[0]


def checked_scenario(
    path: Path | str, ctx: ingest.IngestContext, regions: RegionIndex, answerable: Answerable | None = None
) -> tuple[list[Problem], model.Scenario | None]:
    """The problems of the file (as `check_scenario`) and, when none is an error, the scenario built from the
    timeline the check has read: a run after the check reads the file once (warnings do not stop a run)."""
    file = str(path)
    try:
        doc = load_yaml(path)
    except LoadError as exc:
        return [Problem(exc.file, exc.line, _with_yaml_hint(exc.message))], None
    except OSError as exc:
        return [Problem(file, 1, f"cannot read the file: {exc.strerror or exc}")], None
    if not isinstance(doc, LineDict):
        return [Problem(file, 1, "expected a mapping at the top of the scenario")], None
    problems: list[Problem] = []
    checker = _Checker(file, ctx, regions, problems)
    checker.run(doc)
    if answerable is not None:
        checker.answers(doc, answerable)
    scenario = None
    if not any(not p.warning for p in problems):
        try:
            scenario = model.scenario_from(file, doc, checker.t0_ms, checker.read_timeline)
        except LoadError as exc:  # the loader still has the last word on what runs
            checker.caught(exc)
    return sorted(set(problems)), scenario


@dataclass(frozen=True)
class Answerable:
    """What a drill's scripted answers may name: the rules that ask for approval, and the capabilities."""

    approval_rules: frozenset[str]
    capabilities: frozenset[str]

    @classmethod
    def of(cls, playbooks: Iterable[Playbook], capabilities: frozenset[str]) -> Answerable:
        rules = {
            rule.id
            for playbook in playbooks
            for rule in playbook.rules
            if any(isinstance(action, RequireApproval) for action in rule.then)
        }
        return cls(frozenset(rules), capabilities)


class _Checker:
    def __init__(self, file: str, ctx: ingest.IngestContext, regions: RegionIndex, problems: list[Problem]) -> None:
        self.file = file
        self.ctx = ctx
        self.regions = regions
        self.problems = problems
        self.partitions: dict[str, ingest.IngestPartition] = {}
        self.t0_ms = 0
        self.read_timeline: list[model.TimelineEntry] = []  # the timeline as read, in file order, for the run

    def add(self, line: int, message: str, warning: bool = False) -> None:
        self.problems.append(Problem(self.file, line, message, warning))

    def caught(self, exc: LoadError) -> None:
        self.problems.append(Problem(exc.file, exc.line, exc.message))
        for more in exc.more:
            where, _, message = more.partition(": ")
            file, _, line = where.rpartition(":")
            self.problems.append(Problem(file, int(line) if line.isdigit() else 1, message))

    def run(self, doc: LineDict) -> None:
        for key in doc:
            if key not in model.TOP_KEYS:
                self.add(line_of(doc, key), f"unknown key {key!r}{did_you_mean(key, model.TOP_KEYS)}")
        for required in ("scenario", "t0"):
            if required not in doc:
                self.add(1, f"missing required key {required!r}")
        if "timeline" not in doc and "timeline_file" not in doc:
            self.add(1, "missing required key 'timeline' (or 'timeline_file')")
        t0_ms = 0
        try:
            t0_ms = parse_time_ms(str(doc.get("t0", "")), "t0")
        except ValueError as exc:
            if "t0" in doc:
                self.add(line_of(doc, "t0"), f'{exc}; write it like "2023-07-29T17:30:00+08:00"')
        sid = str(doc.get("scenario", "scenario"))
        entries = self.timeline(doc, sid, t0_ms)
        self.t0_ms, self.read_timeline = t0_ms, list(entries)
        entries += self.faults(doc, sid, t0_ms)
        try:
            start_ms = min([t0_ms, *(e.at_ms for e in entries)])
            entries += model._fleet(self.file, doc, t0_ms, start_ms)[2]
        except LoadError as exc:
            self.caught(exc)
        self.payloads(entries)
        names = self.names(entries)
        # an entry that failed to load keeps its id: an expectation naming it is not a second error
        for item in doc.get("timeline") or ():
            if isinstance(item, LineDict) and item.get("id") and str(item["id"]) not in names:
                names[str(item["id"])] = t0_ms
        self.expectations(doc, t0_ms, names)
        self.silent_devices(doc, entries)

    def answers(self, doc: LineDict, answerable: Answerable) -> None:
        """A scripted answer that could never find what it answers: an unknown rule or capability."""
        for item in doc.get("timeline") or ():
            if not isinstance(item, LineDict):
                continue
            for kind in ANSWERS:
                spec = item.get(kind)
                if not isinstance(spec, LineDict):
                    continue
                key, known = (
                    ("rule", answerable.approval_rules)
                    if kind in ("approve", "reject")
                    else ("capability", answerable.capabilities)
                )
                if key in spec and str(spec[key]) not in known:
                    what = "no rule of the playbooks asks for approval" if key == "rule" else "no such capability"
                    self.add(
                        line_of(spec, key), f"{kind}.{key}: {spec[key]!r}: {what}{did_you_mean(str(spec[key]), known)}"
                    )

    def _items(self, doc: LineDict, key: str) -> list[tuple[int, Any, int]] | None:
        """The items of the file's list `key` with their lines (none if absent); not a list is one error and None."""
        node = doc.get(key, LineList())
        if not isinstance(node, LineList):
            self.add(line_of(doc, key), f"{key}: expected a list")
            return None
        return [
            (i, item, line) for i, (item, line) in enumerate(zip(node, getattr(node, "item_lines", []), strict=True))
        ]

    def timeline(self, doc: LineDict, sid: str, t0_ms: int) -> list[model.TimelineEntry]:
        items = self._items(doc, "timeline")
        if items is None:
            return []
        entries: list[model.TimelineEntry] = []
        for i, item, line in items:
            try:
                entries += model._entries(self.file, sid, i, item, line, t0_ms)
            except LoadError as exc:
                self.caught(exc)
        if "timeline_file" in doc:
            try:
                path = Path(self.file).parent / str(doc["timeline_file"])
                entries += model._jsonl_entries(self.file, sid, path, t0_ms)
            except LoadError as exc:
                self.caught(exc)
        return entries

    def faults(self, doc: LineDict, sid: str, t0_ms: int) -> list[model.TimelineEntry]:
        entries: list[model.TimelineEntry] = []
        for i, item, line in self._items(doc, "faults") or []:
            try:
                one, _ = model._faults(self.file, f"{sid}-{i}", _holding("faults", item, line), t0_ms)
                entries += one
            except LoadError as exc:
                self.caught(_renumbered(exc, i))
        return entries

    def payloads(self, entries: Iterable[model.TimelineEntry]) -> None:
        """Every message through the ingest step the pipeline runs; a refusal is reported once per line."""
        refused: Counter[tuple[int, str]] = Counter()
        for offset, entry in enumerate(sorted(entries, key=lambda e: e.at_ms)):
            # on the partition a producer's default partitioner gives the key, as replay places it
            spec = topics.source(entry.topic)
            partition = topics.partition_for(entry.key, spec.partitions) if entry.key else 0
            part = self.partitions.get(f"{entry.topic}/{partition}")
            if part is None:
                part = ingest.IngestPartition.new(entry.topic, partition, self.ctx)
                self.partitions[f"{entry.topic}/{partition}"] = part
            _, routed = ingest.step(part, entry.value, offset, self.ctx)
            for item in routed:
                if isinstance(item, Rejected):
                    refused[(entry.line, item.reason)] += 1
        for (line, reason), times in refused.items():
            self.add(line, f"ingest will refuse it: {reason}{f' ({times} times)' if times > 1 else ''}", warning=True)

    def names(self, entries: list[model.TimelineEntry]) -> dict[str, int]:
        seen: dict[str, int] = {}
        for entry in entries:
            if not entry.name:
                continue
            if entry.name in seen:
                self.add(entry.line, f"id {entry.name!r} is used twice (first at line {seen[entry.name]})")
            else:
                seen[entry.name] = entry.line
        return {e.name: e.at_ms for e in entries if e.name}

    def expectations(self, doc: LineDict, t0_ms: int, names: dict[str, int]) -> None:
        node = doc.get("expect")
        if node is None:
            return
        if not isinstance(node, LineList):
            self.add(line_of(doc, "expect"), "expect: expected a list")
            return
        resolve = region_resolver(self.regions)
        for i, (item, line) in enumerate(zip(node, getattr(node, "item_lines", []), strict=True)):
            try:
                (expectation,) = parse_expectations(self.file, _one_item(item, line), line, t0_ms, names)
            except LoadError as exc:
                unknown = _UNKNOWN_ID.search(exc.message)
                hint = did_you_mean(unknown.group("id"), names) if unknown else ""
                self.caught(_renumbered(LoadError(exc.file, exc.line, exc.message + hint, exc.more), i, "expect"))
                continue
            self.region(expectation, resolve)

    def region(self, exp: Expectation, resolve: Any) -> None:
        if exp.region and resolve(exp.region) is None:
            hint = did_you_mean(exp.region, self.region_names())
            self.add(exp.line, f"{exp.name}: {exp.region!r} names no region of the theater{hint}")

    def region_names(self) -> list[str]:
        units = self.regions.units
        names = {u.name for u in units} | {u.short_name for u in units} | {u.city_name for u in units}
        return sorted(names | set(PROVINCES.values()))

    def silent_devices(self, doc: LineDict, entries: list[model.TimelineEntry]) -> None:
        devices = {e.device_id for e in entries if e.device_id}
        for fault in doc.get("faults") or ():
            if not isinstance(fault, LineDict) or fault.get("fault") != "sensors_silent":
                continue
            for device in fault.get("devices") or ():
                if str(device) not in devices:
                    hint = did_you_mean(str(device), devices)
                    self.add(
                        line_of(fault, "devices"),
                        f"sensors_silent: no reading in the timeline comes from device {device!r}{hint}",
                    )


def _holding(key: str, item: Any, line: int) -> LineDict:
    """A document holding one list item under `key`, for a loader that reads the whole list."""
    doc = LineDict()
    doc.line = line
    doc.key_lines = {key: line}
    doc[key] = _one_item(item, line)
    return doc


def _one_item(item: Any, line: int) -> LineList:
    one = LineList([item])
    one.line = line
    one.item_lines = [line]
    return one


def _renumbered(exc: LoadError, index: int, section: str = "faults") -> LoadError:
    """A loader's message about item [0] of a one-item list, said of the file's item [index]."""
    message = exc.message.replace(f"{section}[0]", f"{section}[{index}]")
    return LoadError(exc.file, exc.line, message, exc.more)


def _with_yaml_hint(message: str) -> str:
    for cause, hint in _YAML_HINTS:
        if cause in message:
            return f"{message}; hint: {hint}"
    return message
