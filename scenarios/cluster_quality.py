"""How well fusion clusters a scenario's evidence, against a ground-truth file: pairwise precision and recall.

A truth file (scenarios/truth/<scenario id>.yaml) says which timeline entries report which real-world event:

    scenario: yanjiao-gas-explosion-2024
    events:
      - event: blast
        note: the leak, both explosions and what followed, at 小张各庄
        entries: ["#0", "#1", leak-call, "device:LL-131082-GAS-000417"]

An entry is named by its `id` in the scenario, by `#N` (its place in the file's timeline, from 0; repeated
entries share it), by `device:<id>` (every reading of that sensor) or `silence:<id>` (its falling silent).
Every signal that fusion considers (its kind is in a family or joins only) is scored: two signals are a true
pair when the truth puts them in one event; fusion's pairs are the signals that ended in one incident
(following merges). A signal of no listed entry is reported, so a truth file cannot silently miss evidence.

Run: .venv/bin/python -m scenarios.cluster_quality [scenarios/truth/*.yaml]
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from math import comb
from pathlib import Path
from typing import Any

from geo.fleet import FleetState
from playbooks.evidence import Signal
from playbooks.yaml_lines import LineDict, LineList, LoadError, did_you_mean, line_of, load_yaml
from scenarios.model import Scenario, load_scenario
from scenarios.replay import ReplayControl, replay
from streams import ingest, theater
from streams.testing import StepPipeline

TRUTH_DIR = Path(__file__).resolve().parent / "truth"
FILES_DIR = Path(__file__).resolve().parent / "files"


@dataclass(frozen=True)
class Truth:
    scenario: str
    file: str
    event_of_entry: dict[str, str]  # event id prefix of a timeline entry ({sid}-{index:05d}) -> event
    event_of_device: dict[str, str]
    event_of_silence: dict[str, str]  # a sensor falling silent is evidence of its own (a blackout risk)


@dataclass(frozen=True)
class Quality:
    scenario: str
    signals: int
    events: int
    incidents: int
    precision: float
    recall: float
    unmapped: tuple[str, ...]  # signals the truth file does not place


def load_truth(path: Path | str, scenario: Scenario) -> Truth:
    file = str(path)
    doc = load_yaml(path)
    if not isinstance(doc, LineDict):
        raise LoadError(file, 1, "expected a mapping with scenario and events")
    for key in doc:
        if key not in ("scenario", "events", "note"):
            raise LoadError(file, line_of(doc, key), f"unknown key {key!r}{did_you_mean(key, ('scenario', 'events'))}")
    if str(doc.get("scenario")) != scenario.id:
        raise LoadError(file, line_of(doc, "scenario"), f"scenario: {doc.get('scenario')!r} is not {scenario.id!r}")
    events = doc.get("events")
    if not isinstance(events, LineList):
        raise LoadError(file, line_of(doc, "events"), "events: expected a list")
    names = {e.name: e for e in scenario.timeline if e.name}
    devices = {e.device_id for e in scenario.timeline if e.device_id}
    size = max((_index(e.event_id, scenario.id) for e in scenario.timeline), default=-1) + 1
    of_entry: dict[str, str] = {}
    of_device: dict[str, str] = {}
    of_silence: dict[str, str] = {}
    for node, line in zip(events, events.item_lines, strict=True):
        if not isinstance(node, LineDict) or "event" not in node or not isinstance(node.get("entries"), list):
            raise LoadError(file, line, "events: each needs event (a name) and entries (a list)")
        event = str(node["event"])
        for ref in node["entries"]:
            ref = str(ref)
            where = f"events.{event}.entries: {ref!r}"
            if ref.startswith(("device:", "silence:")):
                kind, device = ref.split(":", 1)
                if device not in devices:
                    hint = did_you_mean(device, devices)
                    raise LoadError(file, line_of(node, "entries"), f"{where} names no device{hint}")
                (of_silence if kind == "silence" else of_device)[device] = event
            elif ref.startswith("#"):
                if not ref[1:].isdigit() or int(ref[1:]) >= size:
                    raise LoadError(file, line_of(node, "entries"), f"{where} is not #0 … #{size - 1}")
                of_entry[f"{scenario.id}-{int(ref[1:]):05d}"] = event
            elif ref in names:
                of_entry[_prefix(names[ref].event_id, scenario.id)] = event
            else:
                raise LoadError(file, line_of(node, "entries"), f"{where} names no entry id{did_you_mean(ref, names)}")
    return Truth(scenario.id, file, of_entry, of_device, of_silence)


def _prefix(event_id: str, sid: str) -> str:
    """{sid}-{index:05d}, without the repetition number a repeated entry adds."""
    rest = event_id[len(sid) + 1 :] if event_id.startswith(sid + "-") else event_id
    return f"{sid}-{rest.split('-')[0]}" if event_id.startswith(sid + "-") else event_id


def _index(event_id: str, sid: str) -> int:
    prefix = _prefix(event_id, sid)
    tail = prefix[len(sid) + 1 :]
    return int(tail) if tail.isdigit() else -1


def truth_event(truth: Truth, signal: Signal) -> str | None:
    if signal.kind in ("sensor_silent", "blackout_risk"):
        return truth.event_of_silence.get(signal.attr("device_id"))
    event_id = signal.signal_id.split(":", 1)[0]
    event = truth.event_of_entry.get(_prefix(event_id, truth.scenario))
    if event is None and signal.attr("device_id"):
        event = truth.event_of_device.get(signal.attr("device_id"))
    return event


def pairwise(truth: list[str], predicted: list[str]) -> tuple[float, float]:
    """Pairwise precision and recall of a clustering, from the contingency counts (no pair is enumerated)."""
    both = sum(comb(n, 2) for n in Counter(zip(truth, predicted, strict=True)).values())
    said = sum(comb(n, 2) for n in Counter(predicted).values())
    real = sum(comb(n, 2) for n in Counter(truth).values())
    return (both / said if said else 1.0), (both / real if real else 1.0)


def measure(
    scenario: Scenario,
    truth: Truth,
    ingest_ctx: ingest.IngestContext,
    theater_ctx: theater.TheaterContext,
    fleet: FleetState,
) -> Quality:
    pipeline = StepPipeline(ingest_ctx, theater_ctx, fleet)
    pipeline.state.fusion.ledger = {}
    asyncio.run(replay(scenario, pipeline, ReplayControl()))
    rules = theater_ctx.fusion
    ledger = pipeline.state.fusion.ledger or {}
    fused = [
        s
        for s in pipeline.signals
        if s.kind in rules.family_of_kind
        or s.kind in rules.attach_only
        or (s.kind == "sensor_silent" and s.signal_id in ledger)  # a silence under a warning: a blackout risk
    ]
    truths: list[str] = []
    predicted: list[str] = []
    unmapped: list[str] = []
    for signal in fused:
        event = truth_event(truth, signal)
        if event is None:
            unmapped.append(signal.signal_id)
            continue
        truths.append(event)
        predicted.append(pipeline.state.fusion.final_incident(signal.signal_id) or f"alone:{signal.signal_id}")
    precision, recall = pairwise(truths, predicted)
    return Quality(
        scenario=scenario.id,
        signals=len(truths),
        events=len(set(truths)),
        incidents=len({p for p in predicted if not p.startswith("alone:")}),
        precision=precision,
        recall=recall,
        unmapped=tuple(unmapped),
    )


def truth_files(paths: Iterable[str] = ()) -> list[Path]:
    return [Path(p) for p in paths] or sorted(TRUTH_DIR.glob("*.yaml"))


def scenario_of(truth_path: Path) -> Scenario:
    """The scenario a truth file is about: scenarios/files/<file name>.yaml, named like the truth file."""
    return load_scenario(FILES_DIR / truth_path.name)


def main(argv: list[str], core: Any) -> int:
    """Print precision and recall per truth file; exit 1 if either is below 0.95 or evidence is unplaced."""
    worst = 0
    for path in truth_files(argv):
        scenario = scenario_of(path)
        truth = load_truth(path, scenario)
        q = measure(scenario, truth, core.ingest, core.theater, core.initial_fleet)
        ok = q.precision >= 0.95 and q.recall >= 0.95 and not q.unmapped
        worst = max(worst, 0 if ok else 1)
        print(
            f"{'ok ' if ok else 'LOW'} {q.scenario:40s} signals {q.signals:6,}  events {q.events:3}  "
            f"incidents {q.incidents:3}  precision {q.precision:.3f}  recall {q.recall:.3f}"
        )
        for signal_id in q.unmapped[:10]:
            print(f"    not in the truth file: {signal_id}")
    return worst
