"""How well fusion finds the real events of a scenario, against a ground-truth file.

A truth file (scenarios/truth/<scenario file name>.yaml) says which timeline entries report which real-world
event, and for a regional disaster (a rainstorm, an earthquake) which *site* of it — each site needs its own
response — and which reports only say the event is felt or happening:

    scenario: yanjiao-gas-explosion-2024
    events:
      - event: blast                      # one event, one site
        entries: ["#0", "#1", leak-call, "device:LL-131082-GAS-000417"]
      - event: rainstorm                  # one event, many sites
        felt: ["#12", rain-call]          # reports of the event itself: they open no incident
        sites:
          - site: underpass-a
            entries: [...]

An entry is named by its `id` in the scenario, by `#N` (its place in the file's timeline, from 0; repeated
entries share it), by `device:<id>` (every reading of that sensor) or `silence:<id>` (its falling silent). Every
entry that reports something belongs to one site or to `felt`; a signal of no listed entry is reported, so a truth
file cannot silently miss evidence.

What is measured, per scenario and over all of them (the targets are those `ok` checks):
- pairwise precision and recall of fusion's incidents against the sites (signals of `felt` reports excluded);
- incidents per site (the distinct incidents holding a site's signals, mean over sites) and per event;
- the share of each site's reports in its main incident (the incident holding most of them); a report the ingest
  rejected (an address nobody could place) is a report outside it;
- incidents that hold signals of two or more sites;
- `felt` reports that ended in an incident.

A report counted on an event record (an incident of scale `event`: a rainstorm, an earthquake, a warning, a chemical
release's event; docs/fusion.md) is in no damage incident: a felt report belongs there, a site's report does not.

Run: .venv/bin/ebrain fusion-quality [scenarios/truth/*.yaml]
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from math import comb
from pathlib import Path
from typing import Any

from geo.datafiles import LineDict, LineList, LoadError, line_of, load_yaml
from geo.fleet import FleetState
from geo.names import did_you_mean
from playbooks.evidence import Signal
from scenarios import call_quality
from scenarios.model import Scenario, load_scenario
from scenarios.replay import ReplayControl, replay
from streams import ingest, theater
from streams.testing import StepPipeline

TRUTH_DIR = Path(__file__).resolve().parent / "truth"
FILES_DIR = Path(__file__).resolve().parent / "files"
FELT = "(felt)"

# the targets a scenario must meet to be `ok`
MIN_PRECISION = MIN_RECALL = 0.95
MAX_INCIDENTS_PER_SITE = 1.2
MIN_MAIN_SHARE = 0.90


@dataclass(frozen=True)
class Place:
    """Where the truth puts a report: its event and site (`FELT` for a report of the event itself)."""

    event: str
    site: str

    @property
    def label(self) -> str:
        return f"{self.event}/{self.site}"


@dataclass(frozen=True)
class Truth:
    scenario: str
    file: str
    of_entry: dict[str, Place]  # event id prefix of a timeline entry ({sid}-{index:05d}) -> place
    of_device: dict[str, Place]
    of_silence: dict[str, Place]  # a sensor falling silent is evidence of its own (a blackout risk)


@dataclass(frozen=True)
class SiteScore:
    place: Place
    reports: int  # reports of the site that reached fusion or were rejected at ingest
    in_main: int  # ... of which in its main incident
    incidents: int  # distinct incidents holding its signals

    @property
    def main_share(self) -> float:
        return self.in_main / self.reports if self.reports else 1.0


@dataclass(frozen=True)
class Quality:
    scenario: str
    signals: int
    events: int
    sites: tuple[SiteScore, ...]
    incidents: int  # incidents holding any scored signal
    precision: float
    recall: float
    mixed: tuple[str, ...]  # incidents holding signals of two or more sites
    felt: int  # felt reports that reached fusion
    felt_in_incidents: int  # ... and ended in an incident
    rejected: int  # reports of the truth rejected at ingest
    unmapped: tuple[str, ...]  # signals the truth file does not place
    errors: tuple[str, ...] = ()  # inputs the theater met a defect on (internal errors on the feed)

    @property
    def incidents_per_site(self) -> float:
        return sum(s.incidents for s in self.sites) / len(self.sites) if self.sites else 0.0

    @property
    def incidents_per_event(self) -> float:
        return self.incidents / self.events if self.events else 0.0

    @property
    def worst_main_share(self) -> float:
        return min((s.main_share for s in self.sites), default=1.0)

    @property
    def ok(self) -> bool:
        return (
            self.precision >= MIN_PRECISION
            and self.recall >= MIN_RECALL
            and self.incidents_per_site <= MAX_INCIDENTS_PER_SITE
            and self.worst_main_share >= MIN_MAIN_SHARE
            and not self.mixed
            and not self.felt_in_incidents
            and not self.unmapped
            and not self.errors
        )


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
    resolver = _Refs(file, scenario)
    for node, line in zip(events, events.item_lines, strict=True):
        if not isinstance(node, LineDict) or "event" not in node:
            raise LoadError(file, line, "events: each needs event (a name) and entries, or sites (and felt)")
        event = str(node["event"])
        for key in node:
            if key not in ("event", "note", "entries", "sites", "felt"):
                hint = did_you_mean(key, ("entries", "sites", "felt"))
                raise LoadError(file, line_of(node, key), f"events.{event}: unknown key {key!r}{hint}")
        if ("entries" in node) == ("sites" in node):
            raise LoadError(file, line, f"events.{event}: give entries (one site) or sites, not both")
        if "entries" in node:
            resolver.place(node, "entries", Place(event, event), f"events.{event}")
        else:
            sites = node["sites"]
            if not isinstance(sites, LineList) or not sites:
                raise LoadError(file, line_of(node, "sites"), f"events.{event}.sites: expected a list of sites")
            for site_node, site_line in zip(sites, sites.item_lines, strict=True):
                if not isinstance(site_node, LineDict) or "site" not in site_node or "entries" not in site_node:
                    raise LoadError(file, site_line, f"events.{event}.sites: each needs site (a name) and entries")
                site = str(site_node["site"])
                resolver.place(site_node, "entries", Place(event, site), f"events.{event}.sites.{site}")
        if "felt" in node:
            resolver.place(node, "felt", Place(event, FELT), f"events.{event}")
    return Truth(scenario.id, file, resolver.of_entry, resolver.devices_by_entry(scenario), resolver.of_silence)


class _Refs:
    """Resolves entry references to timeline entries and remembers the place of each, exactly once."""

    def __init__(self, file: str, scenario: Scenario) -> None:
        self.file, self.sid = file, scenario.id
        self.names = {e.name: e for e in scenario.timeline if e.name}
        self.devices = {e.device_id for e in scenario.timeline if e.device_id}
        self.size = max((_index(e.event_id, scenario.id) for e in scenario.timeline), default=-1) + 1
        self.of_entry: dict[str, Place] = {}
        self.of_device: dict[str, Place] = {}
        self.of_silence: dict[str, Place] = {}

    def devices_by_entry(self, scenario: Scenario) -> dict[str, Place]:
        """Devices placed by name, and a device all of whose placed readings are at one place placed there too:
        an alarm that fires on a tick, when its minimum duration runs out, comes from no reading of its own."""
        places: dict[str, set[Place]] = {}
        for entry in scenario.timeline:
            place = self.of_entry.get(_prefix(entry.event_id, self.sid))
            if entry.device_id and place is not None:
                places.setdefault(entry.device_id, set()).add(place)
        derived = {device: next(iter(found)) for device, found in places.items() if len(found) == 1}
        return {**derived, **self.of_device}

    def place(self, node: LineDict, key: str, place: Place, where: str) -> None:
        refs = node.get(key)
        if not isinstance(refs, list):
            raise LoadError(self.file, line_of(node, key), f"{where}.{key}: expected a list of entries")
        for raw in refs:
            ref = str(raw)
            at = f"{where}.{key}: {ref!r}"
            table, name = self._target(node, key, ref, at)
            if name in table and table[name] != place:
                raise LoadError(self.file, line_of(node, key), f"{at} is already placed in {table[name].label}")
            table[name] = place

    def _target(self, node: LineDict, key: str, ref: str, at: str) -> tuple[dict[str, Place], str]:
        if ref.startswith(("device:", "silence:")):
            kind, device = ref.split(":", 1)
            if device not in self.devices:
                raise LoadError(
                    self.file, line_of(node, key), f"{at} names no device{did_you_mean(device, self.devices)}"
                )
            return (self.of_silence if kind == "silence" else self.of_device), device
        if ref.startswith("#"):
            if not ref[1:].isdigit() or int(ref[1:]) >= self.size:
                raise LoadError(self.file, line_of(node, key), f"{at} is not #0 … #{self.size - 1}")
            return self.of_entry, f"{self.sid}-{int(ref[1:]):05d}"
        if ref in self.names:
            return self.of_entry, _prefix(self.names[ref].event_id, self.sid)
        raise LoadError(self.file, line_of(node, key), f"{at} names no entry id{did_you_mean(ref, self.names)}")


def _prefix(event_id: str, sid: str) -> str:
    """{sid}-{index:05d}, without the repetition number a repeated entry adds."""
    rest = event_id[len(sid) + 1 :] if event_id.startswith(sid + "-") else event_id
    return f"{sid}-{rest.split('-')[0]}" if event_id.startswith(sid + "-") else event_id


def _index(event_id: str, sid: str) -> int:
    prefix = _prefix(event_id, sid)
    tail = prefix[len(sid) + 1 :]
    return int(tail) if tail.isdigit() else -1


def truth_place(truth: Truth, signal: Signal) -> Place | None:
    if signal.kind in ("sensor_silent", "blackout_risk"):
        return truth.of_silence.get(signal.attr("device_id"))
    place = truth.of_entry.get(_prefix(_message_id(signal), truth.scenario))
    if place is None and signal.attr("device_id"):
        place = truth.of_device.get(signal.attr("device_id"))
    return place


def _message_id(signal: Signal) -> str:
    """The event id of the message a signal came from (a signal id is `<event id>` or `<event id>:<part>`)."""
    return signal.signal_id.split(":", 1)[0]


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
    fusion = pipeline.state.fusion
    ledger = fusion.ledger or {}
    fused = [
        s
        for s in pipeline.signals
        if rules.home_of(s) is not None
        or s.kind in rules.attach_only
        or s.signal_id in ledger  # e.g. a silence under a warning: a blackout risk
    ]
    labels: list[str] = []
    predicted: list[str] = []
    unmapped: list[str] = []
    felt = felt_in = 0
    # a report is a message (hotline, agency) or, for a sensor, each of its alarm signals
    report_incidents: dict[tuple[Place, str], set[str]] = defaultdict(set)
    for signal in fused:
        place = truth_place(truth, signal)
        if place is None:
            unmapped.append(signal.signal_id)
            continue
        incident = fusion.final_incident(signal.signal_id)
        if incident is not None and fusion.incidents[incident].scale == "event":
            incident = None  # counted on an event record: in no damage incident
        if place.site == FELT:
            felt += 1
            felt_in += incident is not None and incident in fusion.incidents
            continue
        labels.append(place.label)
        predicted.append(incident or f"alone:{signal.signal_id}")
        report = signal.signal_id if signal.source == "sensor" else _message_id(signal)
        report_incidents[(place, report)].update({incident} if incident else set())
    rejected = 0
    for item in pipeline.rejected:
        place = truth.of_entry.get(_prefix(_rejected_event_id(item.raw), truth.scenario))
        if place is not None and place.site != FELT:
            report_incidents[(place, f"rejected:{item.origin}")] = set()
            rejected += 1
    precision, recall = pairwise(labels, predicted)
    return Quality(
        scenario=scenario.id,
        signals=len(labels),
        events=len({p.event for p, _ in report_incidents}),
        sites=_site_scores(report_incidents),
        incidents=len({p for p in predicted if not p.startswith("alone:")}),
        precision=precision,
        recall=recall,
        mixed=_mixed(labels, predicted),
        felt=felt,
        felt_in_incidents=felt_in,
        rejected=rejected,
        unmapped=tuple(unmapped),
        errors=tuple(
            str(d.entity) for d in pipeline.deltas if d.kind == "rejected" and "internal error" in str(d.entity)
        ),
    )


def _rejected_event_id(raw: bytes) -> str:
    try:
        doc = json.loads(raw)
    except ValueError:
        return ""
    return str(doc.get("event_id", "")) if isinstance(doc, dict) else ""


def _site_scores(report_incidents: dict[tuple[Place, str], set[str]]) -> tuple[SiteScore, ...]:
    by_site: dict[Place, list[set[str]]] = defaultdict(list)
    for (place, _), incidents in report_incidents.items():
        by_site[place].append(incidents)
    scores = []
    for place in sorted(by_site, key=lambda p: p.label):
        reports = by_site[place]
        held = Counter(i for incidents in reports for i in incidents)
        main = held.most_common(1)[0][0] if held else None
        in_main = sum(1 for incidents in reports if main in incidents)
        scores.append(SiteScore(place, len(reports), in_main, len(held)))
    return tuple(scores)


def _mixed(labels: list[str], predicted: list[str]) -> tuple[str, ...]:
    sites: dict[str, set[str]] = defaultdict(set)
    for label, incident in zip(labels, predicted, strict=True):
        if not incident.startswith("alone:"):
            sites[incident].add(label)
    return tuple(sorted(i for i, s in sites.items() if len(s) > 1))


def truth_files(paths: Iterable[str] = ()) -> list[Path]:
    return [Path(p) for p in paths] or sorted(TRUTH_DIR.glob("*.yaml"))


def scenario_of(truth_path: Path) -> Scenario:
    """The scenario a truth file is about, named like the truth file: beside the truth folder (the held-out set,
    scenarios/heldout/truth/ and scenarios/heldout/), else in scenarios/files/."""
    beside = truth_path.parent.parent / truth_path.name
    return load_scenario(beside if beside.is_file() else FILES_DIR / truth_path.name)


def report_line(q: Quality) -> str:
    return (
        f"{'ok ' if q.ok else 'LOW'} {q.scenario:42s} sites {len(q.sites):3}  incidents {q.incidents:4}  "
        f"per site {q.incidents_per_site:4.2f}  per event {q.incidents_per_event:5.2f}  "
        f"main share min {q.worst_main_share:4.2f}  mixed {len(q.mixed):2}  "
        f"felt in incidents {q.felt_in_incidents:3}/{q.felt:<4}  rejected {q.rejected:4}  "
        f"P {q.precision:.3f}  R {q.recall:.3f}"
    )


def main(argv: list[str], core: Any) -> int:
    """Print the scores per truth file and over all; exit 1 if a target is missed or evidence is unplaced."""
    worst = 0
    qualities = []
    for path in truth_files(argv):
        scenario = scenario_of(path)
        try:
            q = measure(scenario, load_truth(path, scenario), core.ingest, core.theater, core.initial_fleet)
        except LoadError:
            raise
        except Exception as exc:  # a scenario that stops the pipeline is a result, not the end of the report
            worst = 1
            print(f"ERR {scenario.id:42s} the replay stopped: {type(exc).__name__}: {exc!r}")
            continue
        qualities.append(q)
        worst = max(worst, 0 if q.ok else 1)
        print(report_line(q))
        for site in q.sites:
            if site.incidents > 1 or site.main_share < MIN_MAIN_SHARE:
                print(
                    f"    site {site.place.label}: {site.reports} reports in {site.incidents} incidents, "
                    f"{site.main_share:.0%} in the main one"
                )
        for incident in q.mixed[:10]:
            print(f"    {incident} holds reports of several sites")
        for signal_id in q.unmapped[:10]:
            print(f"    not in the truth file: {signal_id}")
        for error in q.errors[:5]:
            print(f"    {error}")
    if len(qualities) > 1:
        print(overall_line(qualities))
    if not argv and call_quality.CORPUS.exists():
        corpus = call_quality.load_corpus()
        for line in call_quality.report_lines(
            call_quality.score(corpus, core.ingest.normalize.topics.classify), "reader"
        ):
            print(line)
        baseline = call_quality.score(corpus, call_quality.single_topic_classifier())
        print(call_quality.report_lines(baseline, "first keyword, before")[0])
    return worst


def overall_line(qualities: list[Quality]) -> str:
    sites = [s for q in qualities for s in q.sites]
    reports = sum(s.reports for s in sites)
    return (
        f"all {len(qualities)} scenarios: sites {len(sites)}, incidents per site "
        f"{sum(s.incidents for s in sites) / max(len(sites), 1):.2f}, reports in their main incident "
        f"{sum(s.in_main for s in sites) / max(reports, 1):.1%}, worst site "
        f"{min((s.main_share for s in sites), default=1.0):.0%}, "
        f"mixed incidents {sum(len(q.mixed) for q in qualities)}, "
        f"felt reports in incidents {sum(q.felt_in_incidents for q in qualities)}/{sum(q.felt for q in qualities)}, "
        f"precision min {min(q.precision for q in qualities):.3f}, recall min {min(q.recall for q in qualities):.3f}"
    )
