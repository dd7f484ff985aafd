"""A scenario's timeline as a generator writes it: entries at seconds from T0, the truth of every report in it
(which real-world event, and which site of it), and the writing of the scenario file and its truth file together.

Nothing reads the wall clock and every generator is seeded (`random.Random(n)`), so a generator writes the same
bytes every time. A generator is a module with `NAME` and `build() -> Scenario`, run as
`python -m scenarios.generators.<module>` (or `scenarios.heldout.generators.<module>`) from the repository root; it
writes `<NAME>.yaml` into the scenario folder and the truth folder (`scenarios/files`, `scenarios/truth` unless told).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

CST = timezone(timedelta(hours=8))
ROOT = Path(__file__).resolve().parents[2]
FILES = ROOT / "scenarios" / "files"
TRUTH = ROOT / "scenarios" / "truth"

BJ, TJ, HE = "110000", "120000", "130000"  # province codes
M, H = 60, 3600  # seconds in a minute, an hour: timelines are written as 3 * H + 20 * M
HOTLINE_PREFIX = {BJ: "BJ", TJ: "TJ", HE: "HE"}


def offset(seconds: int) -> str:
    """Seconds from T0 as the scenario format writes them: +1h30m, -14m, +90s."""
    sign = "-" if seconds < 0 else "+"
    s = abs(int(seconds))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    text = (f"{h}h" if h else "") + (f"{m}m" if m else "") + (f"{sec}s" if sec else "")
    return sign + (text or "0m")


def q(value: Any) -> str:
    """A YAML scalar or flow collection written as JSON (a subset of YAML)."""
    return json.dumps(value, ensure_ascii=False)


@dataclass
class Entry:
    at_s: int
    payload: dict[str, Any]
    id: str = ""
    note: str = ""
    repeat: dict[str, Any] | None = None
    truth: tuple[str, ...] | None = None  # ("entries", event) | ("felt", event) | ("site", event, site) | None
    ref: str = ""  # truth reference if not the entry id (device:<id>)
    order: int = 0
    answer: tuple[str, dict[str, Any]] | None = (
        None  # a centre's scripted answer (offer, commit, …) instead of a payload
    )


@dataclass
class Site:
    id: str
    note: str
    refs: list[str] = field(default_factory=list)


@dataclass
class Event:
    id: str
    note: str
    multi: bool
    entries: list[str] = field(default_factory=list)
    felt: list[str] = field(default_factory=list)
    sites: dict[str, Site] = field(default_factory=dict)


class Scenario:
    """A timeline being written, with the truth of every report in it."""

    def __init__(self, sid: str, title: str, t0: str, note: str, truth_note: str) -> None:
        self.sid = sid
        self.title = title
        self.t0 = t0
        self.t0_dt = datetime.fromisoformat(t0)
        self.note = note
        self.truth_note = truth_note
        self.sources: list[str] = []
        self.real: list[str] = []
        self.synthetic: list[str] = []
        self.entries: list[Entry] = []
        self.faults: list[dict[str, Any]] = []
        self.expect: list[dict[str, Any]] = []
        self.events: dict[str, Event] = {}
        self.end = ""
        self.fleet = {"seed": 7, "scale": 1.0}
        self._ids: set[str] = set()
        self._order = 0
        self._device_truth: dict[str, tuple[str, ...] | None] = {}
        self._orders: dict[tuple[str, str], int] = {}
        self.comments: list[str] = []

    # --- truth structure -------------------------------------------------------------------------------
    def event(self, eid: str, note: str, multi: bool = False) -> Event:
        self.events[eid] = Event(eid, note, multi)
        return self.events[eid]

    def site(self, eid: str, sid: str, note: str) -> tuple[str, str, str]:
        event = self.events[eid]
        assert event.multi, eid
        if sid not in event.sites:
            event.sites[sid] = Site(sid, note)
        return ("site", eid, sid)

    def felt(self, eid: str) -> tuple[str, str]:
        assert self.events[eid].multi, eid
        return ("felt", eid)

    def whole(self, eid: str) -> tuple[str, str]:
        assert not self.events[eid].multi, eid
        return ("entries", eid)

    # --- timeline --------------------------------------------------------------------------------------
    def time_at(self, at_s: int) -> datetime:
        return self.t0_dt + timedelta(seconds=at_s)

    def answer(self, at_s: int, kind: str, spec: dict[str, Any], note: str) -> Entry:
        """A command centre's scripted answer (docs/scenarios.md, scripted answers): `offer`, `commit`, …"""
        self._order += 1
        entry = Entry(at_s, {"type": "answer"}, "", note, None, None, "", self._order, (kind, spec))
        self.entries.append(entry)
        return entry

    def add(
        self,
        at_s: int,
        payload: dict[str, Any],
        truth: tuple[str, ...] | None,
        id: str = "",
        note: str = "",
        repeat: dict[str, Any] | None = None,
    ) -> Entry:
        if id:
            assert id not in self._ids, id
            self._ids.add(id)
        ref = ""
        if payload["type"] == "sensor.reading":
            device = payload["device_id"]
            ref = f"device:{device}"
            if device in self._device_truth:
                assert self._device_truth[device] == truth, (device, truth)
                truth = None  # the device is listed once
            else:
                self._device_truth[device] = truth
        self._order += 1
        entry = Entry(at_s, payload, id, note, repeat, truth, ref, self._order)
        self.entries.append(entry)
        return entry

    def order_id(self, hotline: str, at_s: int) -> str:
        day = self.time_at(at_s).strftime("%Y%m%d")
        key = (hotline, day)
        self._orders[key] = self._orders.get(key, 0) + 1
        return f"{HOTLINE_PREFIX[hotline]}12345-{day}-{self._orders[key]:05d}"

    def call(
        self,
        at_s: int,
        hotline: str,
        content: str,
        address: str,
        truth: tuple[str, ...] | None,
        category: str = "求助",
        urgency: str = "一般",
        caller: dict[str, Any] | None = None,
        position: dict[str, Any] | None = None,
        id: str = "",
        note: str = "",
    ) -> Entry:
        payload: dict[str, Any] = {
            "type": "hotline.work_order",
            "order_id": "",  # numbered in time order when the file is written
            "hotline": hotline,
            "category": category,
            "urgency": urgency,
            "content": content,
            "address": address,
        }
        if caller is not None:
            payload["caller"] = caller
        if position is not None:
            payload["position"] = position
        return self.add(at_s, payload, truth, id=id, note=note)

    def silence(self, at_s: int, devices: list[str], truth: tuple[str, ...], note: str, id: str = "") -> None:
        fault: dict[str, Any] = {"at": offset(at_s), "fault": "sensors_silent", "devices": devices, "note": note}
        if id:
            fault["id"] = id
        self.faults.append(fault)
        for device in devices:
            self._place(truth, f"silence:{device}")

    # --- writing ---------------------------------------------------------------------------------------
    def _place(self, truth: tuple[str, ...], ref: str) -> None:
        event = self.events[truth[1]]
        if truth[0] == "entries":
            event.entries.append(ref)
        elif truth[0] == "felt":
            event.felt.append(ref)
        else:
            event.sites[truth[2]].refs.append(ref)

    def write(self, name: str, files: Path = FILES, truth: Path = TRUTH) -> tuple[Path, Path]:
        """The scenario file and its truth, `<name>.yaml` in each folder (the shipped ones unless told)."""
        self.entries.sort(key=lambda e: (e.at_s, e.order))
        for entry in self.entries:
            if entry.payload["type"] == "hotline.work_order" and not entry.payload["order_id"]:
                entry.payload["order_id"] = self.order_id(entry.payload["hotline"], entry.at_s)
        for n, entry in enumerate(self.entries):
            if not entry.id:
                entry.id = f"e{n:05d}"
                assert entry.id not in self._ids
        reports = 0
        for entry in self.entries:
            kind = entry.payload["type"]
            if entry.answer is not None:
                continue  # an answer is no evidence
            needs_truth = kind not in ("agency.response_level", "command", "agency.resource_status", "agency.weather")
            if entry.truth is None:
                if kind == "sensor.reading":
                    continue  # its device is listed where its first reading is
                assert not needs_truth, (entry.id, kind)
                continue
            assert needs_truth, (entry.id, kind)
            self._place(entry.truth, entry.ref or entry.id)
            reports += 1
        self._check_truth()
        files.mkdir(parents=True, exist_ok=True)
        truth.mkdir(parents=True, exist_ok=True)
        scenario_path = files / f"{name}.yaml"
        truth_path = truth / f"{name}.yaml"
        scenario_path.write_text(self._scenario_yaml(), encoding="utf-8")
        truth_path.write_text(self._truth_yaml(), encoding="utf-8")
        return scenario_path, truth_path

    def _check_truth(self) -> None:
        seen: set[str] = set()
        for event in self.events.values():
            refs = list(event.entries) + list(event.felt)
            for site in event.sites.values():
                assert site.refs, (event.id, site.id, "site has no entries")
                refs += site.refs
            assert refs, (event.id, "event has no entries")
            for ref in refs:
                assert ref not in seen, ("listed twice", ref)
                seen.add(ref)

    def _scenario_yaml(self) -> str:
        out: list[str] = []
        out.append("# Generated by scenarios/generators; edit the generator, not this file.")
        out.extend(f"# {line}" for line in self.comments)
        out.append(f"scenario: {self.sid}")
        out.append(f"title: {q(self.title)}")
        out.append(f"t0: {q(self.t0)}")
        out.append(f"note: {q(self.note)}")
        for key in ("sources", "real", "synthetic"):
            out.append(f"{key}:")
            out.extend(f"  - {q(line)}" for line in getattr(self, key))
        out.append(f"fleet: {q(self.fleet)}")
        out.append("timeline:")
        for entry in self.entries:
            out.append(f"  - at: {q(offset(entry.at_s))}")
            out.append(f"    id: {entry.id}")
            if entry.note:
                out.append(f"    note: {q(entry.note)}")
            if entry.repeat:
                out.append(f"    repeat: {q(entry.repeat)}")
            if entry.answer is not None:
                out.append(f"    {entry.answer[0]}: {q(entry.answer[1])}")
                continue
            out.append(f"    payload: {q(entry.payload)}")
        if self.faults:
            out.append("faults:")
            for fault in self.faults:
                out.append(f"  - {q(fault)}")
        if self.end:
            out.append(f"end: {q(self.end)}")
        if self.expect:
            out.append("expect:")
            for item in self.expect:
                out.append(f"  - {q(item)}")
        return "\n".join(out) + "\n"

    def _truth_yaml(self) -> str:
        out = ["# Generated by scenarios/generators together with the scenario file; edit the generator."]
        out.append(f"scenario: {self.sid}")
        out.append(f"note: {q(self.truth_note)}")
        out.append("events:")
        for event in self.events.values():
            out.append(f"  - event: {event.id}")
            out.append(f"    note: {q(event.note)}")
            if not event.multi:
                out.append(f"    entries: {q(event.entries)}")
                continue
            out.append(f"    felt: {q(event.felt)}")
            out.append("    sites:")
            for site in event.sites.values():
                out.append(f"      - site: {site.id}")
                out.append(f"        note: {q(site.note)}")
                out.append(f"        entries: {q(site.refs)}")
        return "\n".join(out) + "\n"


def publish(scenario: Scenario, name: str, files: Path = FILES, truth: Path = TRUTH) -> None:
    """Write the scenario and its truth (`Scenario.write`) and say where, one path a line."""
    print(*scenario.write(name, files, truth), sep="\n")
