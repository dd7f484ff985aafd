"""Scenario files: metadata, fleet, a timeline of wire payloads at offsets from T0, faults, and expectations.

A scenario is loaded into wire messages of the published contract, so replaying it exercises exactly the path
an agency's producer does. Faults are written as what an agency would send (an out-of-service unit, a road
closure, a command post reported down) or, for a sensor falling silent, as the readings that never arrive.
Load errors name the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from geo.datafiles import LineDict, LineList, LoadError, line_of, load_yaml
from geo.names import did_you_mean
from scenarios.answers import ANSWERS, answer_payload
from scenarios.expectations import Expectation, parse_expectations
from scenarios.faults import FAULT_KINDS, Silence, fault_payloads
from scenarios.offsets import parse_offset
from streams.wire import codec, contract, topics
from streams.wire.codec import Origin, Rejected
from streams.wire.timefmt import format_time_ms, parse_time_ms

TOP_KEYS = {
    "scenario",
    "title",
    "t0",
    "sources",
    "real",
    "synthetic",
    "fleet",
    "timeline",
    "timeline_file",
    "faults",
    "end",
    "expect",
    "note",
}
ENTRY_KEYS = {"at", "id", "note", "payload", "topic", "repeat", *ANSWERS}
REPEAT_KEYS = {"every", "until", "values"}
FLEET_KEYS = {"seed", "scale", "out_of_service"}
_TIME_FIELD = {
    "sensor.reading": "observed_at",
    "sensor.batch": None,
    "sensor.heartbeat": "observed_at",
    "hotline.work_order": "received_at",
    "agency.warning": "issued_at",
    "agency.response_level": "issued_at",
    "agency.incident": "reported_at",
    "agency.resource_status": "reported_at",
    "agency.casualty": "reported_at",
    "agency.loss": "reported_at",
    "agency.weather": "observed_at",
    "task.status": "at",
    "command": "at",
}
_TOPIC = {
    "sensor.reading": topics.INGEST_SENSOR,
    "sensor.batch": topics.INGEST_SENSOR,
    "sensor.heartbeat": topics.INGEST_SENSOR,
    "hotline.work_order": topics.INGEST_HOTLINE,
    "task.status": topics.TASK_STATUS,
    "command": topics.COMMANDS,
}


@dataclass(frozen=True)
class TimelineEntry:
    at_ms: int
    topic: str
    key: str
    value: bytes
    note: str
    line: int
    event_id: str = ""
    name: str = ""  # the entry's `id` in the file, for expectations that refer to it
    device_id: str = ""


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    file: str
    t0_ms: int
    end_ms: int
    fleet_seed: int
    fleet_scale: float
    sources: tuple[str, ...]
    real: tuple[str, ...]
    synthetic: tuple[str, ...]
    timeline: tuple[TimelineEntry, ...]
    expectations: tuple[Expectation, ...] = ()
    silences: tuple[Silence, ...] = ()
    note: str = ""

    def entry(self, name: str) -> TimelineEntry:
        for entry in self.timeline:
            if entry.name == name:
                return entry
        raise KeyError(name)


def offset_at(file: str, node: Any, key: str, t0_ms: int, where: str) -> int:
    """An offset field of a mapping as absolute event time, or a LoadError naming the line."""
    try:
        return t0_ms + parse_offset(node.get(key, ""))
    except ValueError as exc:
        raise LoadError(file, line_of(node, key), f"{where}.{key}: {exc}") from None


def _key_for(payload: dict[str, Any], kind: str) -> str:
    for name in ("device_id", "gateway_id", "order_id", "agency", "incident_id", "task_id"):
        if payload.get(name):
            return str(payload[name])
    return kind


def build_entry(
    file: str, payload: dict[str, Any], at_ms: int, event_id: str, line: int, where: str, topic: str = ""
) -> TimelineEntry:
    """One wire message, checked by the same decoder the pipeline uses; a refusal names the file and line."""
    kind = str(payload.get("type", ""))
    message = dict(payload)
    message.setdefault("schema_version", contract.CURRENT_VERSION)
    message.setdefault("event_id", event_id)
    time_field = _TIME_FIELD[kind]
    if time_field and time_field not in message:
        try:
            message[time_field] = format_time_ms(at_ms)
        except (ValueError, OverflowError) as exc:  # t0 plus an offset beyond the calendar (year 0, year 10000)
            raise LoadError(file, line, f"{where}: its time {at_ms} ms is not a calendar date ({exc})") from None
    value = msgspec.json.encode(message)
    decoded = codec.decode(value, Origin(file, 0, line))
    if isinstance(decoded, Rejected):
        raise LoadError(file, line, f"{where}: {decoded.reason}")
    spec = _TOPIC.get(kind, topics.INGEST_AGENCY)
    return TimelineEntry(
        at_ms=at_ms,
        topic=topic or spec.name,
        key=_key_for(message, kind),
        value=value,
        note="",
        line=line,
        event_id=str(message["event_id"]),
        device_id=str(message.get("device_id", "")),
    )


def _check_type(file: str, payload: LineDict, where: str) -> None:
    kind = str(payload.get("type", ""))
    if kind not in _TIME_FIELD:
        raise LoadError(
            file,
            line_of(payload, "type"),
            f"{where}.payload.type: {kind!r} is not a message type{did_you_mean(kind, _TIME_FIELD)}",
        )


def _check_keys(file: str, node: LineDict, allowed: set[str], where: str) -> None:
    for key in node:
        if key not in allowed:
            raise LoadError(file, line_of(node, key), f"{where}: unknown key {key!r}{did_you_mean(key, allowed)}")


def _entries(file: str, sid: str, index: int, node: Any, line: int, t0_ms: int) -> list[TimelineEntry]:
    where = f"timeline[{index}]"
    if not isinstance(node, LineDict):
        raise LoadError(file, line, f"{where}: expected a mapping with at and payload")
    _check_keys(file, node, ENTRY_KEYS, where)
    at_ms = offset_at(file, node, "at", t0_ms, where)
    answers = [key for key in ANSWERS if key in node]
    if answers:  # a scripted answer (scenarios/answers.py): one command, never repeated
        if len(answers) > 1 or "payload" in node or "repeat" in node:
            raise LoadError(file, line, f"{where}: give one of payload, {', '.join(ANSWERS)} (found more)")
        kind = answers[0]
        payload_of = answer_payload(file, kind, node[kind], where)
        entry = build_entry(file, payload_of, at_ms, f"{sid}-{index:05d}", line_of(node, kind), f"{where}.{kind}")
        return [_named(entry, str(node.get("note", "")), str(node.get("id", "")), line)]
    payload = node.get("payload")
    if not isinstance(payload, LineDict):
        raise LoadError(file, line_of(node, "payload"), f"{where}: missing payload mapping")
    _check_type(file, payload, where)
    name = str(node.get("id", ""))
    note = str(node.get("note", ""))
    topic = str(node.get("topic", ""))
    repeat = node.get("repeat")
    if repeat is None:
        entry = build_entry(file, payload, at_ms, f"{sid}-{index:05d}", line_of(payload), f"{where}.payload", topic)
        return [_named(entry, note, name, line)]
    if not isinstance(repeat, LineDict):
        raise LoadError(file, line_of(node, "repeat"), f"{where}.repeat: expected a mapping with every and until")
    _check_keys(file, repeat, REPEAT_KEYS, f"{where}.repeat")
    try:
        every_ms = parse_offset(repeat.get("every", ""))
    except ValueError as exc:
        raise LoadError(file, line_of(repeat, "every"), f"{where}.repeat.every: {exc}") from None
    if every_ms <= 0:
        raise LoadError(file, line_of(repeat, "every"), f"{where}.repeat.every: must be positive")
    until_ms = offset_at(file, repeat, "until", t0_ms, f"{where}.repeat")
    values = repeat.get("values")
    if values is not None and not (isinstance(values, LineList) and values):
        raise LoadError(file, line_of(repeat, "values"), f"{where}.repeat.values: expected a list of numbers")
    out: list[TimelineEntry] = []
    for n, at in enumerate(range(at_ms, until_ms + 1, every_ms)):
        message = _numbered(payload, n + 1)
        if values is not None:
            message["value"] = values[min(n, len(values) - 1)]  # the last value holds
        event_id = f"{sid}-{index:05d}-{n:04d}"
        entry = build_entry(file, message, at, event_id, line_of(payload), f"{where}.payload", topic)
        out.append(_named(entry, note, name if n == 0 else "", line))
    return out


def _numbered(value: Any, n: int) -> Any:
    """A repeated payload with "{n}" in its strings replaced by the repetition number (1, 2, ...), so that
    repeated calls carry their own order ids."""
    if isinstance(value, str):
        return value.replace("{n}", str(n))
    if isinstance(value, dict):
        return {k: _numbered(v, n) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbered(v, n) for v in value]
    return value


def _named(entry: TimelineEntry, note: str, name: str, line: int) -> TimelineEntry:
    return TimelineEntry(
        entry.at_ms, entry.topic, entry.key, entry.value, note, line, entry.event_id, name, entry.device_id
    )


def _jsonl_entries(file: str, sid: str, path: Path, t0_ms: int) -> list[TimelineEntry]:
    """A generated timeline: one JSON object a line, {"at_ms": offset from T0, "payload": {...}}."""
    out: list[TimelineEntry] = []
    where_file = str(path)
    try:
        lines = path.read_bytes().splitlines()
    except OSError as exc:
        raise LoadError(file, 1, f"timeline_file: {exc}") from None
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            row = msgspec.json.decode(raw)
            at_ms = t0_ms + int(row["at_ms"])
            payload = row["payload"]
        except (msgspec.DecodeError, KeyError, TypeError, ValueError) as exc:
            raise LoadError(where_file, number, f"expected {{'at_ms': int, 'payload': {{...}}}}: {exc}") from None
        if payload.get("type") not in _TIME_FIELD:
            raise LoadError(where_file, number, f"payload.type: {payload.get('type')!r} is not a message type")
        out.append(build_entry(where_file, payload, at_ms, f"{sid}-g{number:07d}", number, "payload"))
    return out


def _fleet(file: str, doc: LineDict, t0_ms: int, start_ms: int) -> tuple[int, float, list[TimelineEntry]]:
    fleet = doc.get("fleet") or LineDict()
    if not isinstance(fleet, LineDict):
        raise LoadError(file, line_of(doc, "fleet"), "fleet: expected a mapping {seed, scale, out_of_service}")
    _check_keys(file, fleet, FLEET_KEYS, "fleet")
    entries = []
    for n, responder in enumerate(fleet.get("out_of_service") or ()):
        payload = fault_payloads(
            file, "responder_breakdown", LineDict(responder=responder), line_of(fleet, "out_of_service")
        )[0]
        entry = build_entry(file, payload, start_ms, f"fleet-oos-{n:03d}", line_of(fleet, "out_of_service"), "fleet")
        entries.append(_named(entry, f"out of service at the start: {responder}", "", entry.line))
    try:
        seed, scale = int(fleet.get("seed", 7)), float(fleet.get("scale", 1.0))
    except (TypeError, ValueError) as exc:
        raise LoadError(file, line_of(fleet), f"fleet: seed must be an integer and scale a number ({exc})") from None
    return seed, scale, entries


def _faults(file: str, sid: str, doc: LineDict, t0_ms: int) -> tuple[list[TimelineEntry], list[Silence]]:
    node = doc.get("faults") or LineList()
    if not isinstance(node, LineList):
        raise LoadError(file, line_of(doc, "faults"), "faults: expected a list")
    entries: list[TimelineEntry] = []
    silences: list[Silence] = []
    for index, (fault, line) in enumerate(zip(node, getattr(node, "item_lines", []), strict=True)):
        where = f"faults[{index}]"
        if not isinstance(fault, LineDict) or "fault" not in fault:
            raise LoadError(file, line, f"{where}: expected a mapping with at and fault")
        kind = str(fault["fault"])
        if kind not in FAULT_KINDS:
            raise LoadError(
                file, line_of(fault, "fault"), f"{where}.fault: {kind!r} is unknown{did_you_mean(kind, FAULT_KINDS)}"
            )
        _check_keys(file, fault, {"at", "fault", "id", "note", *FAULT_KINDS[kind]}, where)
        at_ms = offset_at(file, fault, "at", t0_ms, where)
        if kind == "sensors_silent":
            devices = fault.get("devices")
            if not isinstance(devices, LineList) or not devices:
                raise LoadError(file, line_of(fault, "devices"), f"{where}.devices: expected a list of device ids")
            until_ms = offset_at(file, fault, "until", t0_ms, where) if "until" in fault else None
            silences.append(Silence(frozenset(str(d) for d in devices), at_ms, until_ms, line))
            continue
        for n, payload in enumerate(fault_payloads(file, kind, fault, line)):
            entry = build_entry(file, payload, at_ms, f"{sid}-f{index:03d}-{n}", line, where)
            entries.append(_named(entry, str(fault.get("note", kind)), str(fault.get("id", "")), line))
    return entries, silences


def _texts(file: str, doc: Any, key: str) -> tuple[str, ...]:
    """A list of lines of text (sources, what is real, what is synthetic); one line alone is accepted too."""
    value = doc.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or any(isinstance(v, dict | list) for v in value):
        raise LoadError(file, line_of(doc, key), f"{key}: expected a list of lines of text, got {value!r:.80}")
    return tuple(str(v) for v in value)


def load_scenario(path: Path | str) -> Scenario:
    file = str(path)
    doc = load_yaml(path)
    if not isinstance(doc, LineDict):
        raise LoadError(file, 1, "expected a mapping at the top of the scenario")
    _check_keys(file, doc, TOP_KEYS, "scenario")
    for required in ("scenario", "t0"):
        if required not in doc:
            raise LoadError(file, 1, f"missing required key {required!r}")
    if "timeline" not in doc and "timeline_file" not in doc:
        raise LoadError(file, 1, "missing required key 'timeline' (or 'timeline_file')")
    try:
        t0_ms = parse_time_ms(str(doc["t0"]), "t0")
    except ValueError as exc:
        raise LoadError(file, line_of(doc, "t0"), str(exc)) from None
    sid = str(doc["scenario"])
    entries: list[TimelineEntry] = []
    timeline_node = doc.get("timeline", LineList())
    if not isinstance(timeline_node, LineList):
        raise LoadError(file, line_of(doc, "timeline"), "timeline: expected a list")
    for i, (node, line) in enumerate(zip(timeline_node, getattr(timeline_node, "item_lines", []), strict=True)):
        entries.extend(_entries(file, sid, i, node, line, t0_ms))
    if "timeline_file" in doc:
        entries.extend(_jsonl_entries(file, sid, Path(file).parent / str(doc["timeline_file"]), t0_ms))
    return scenario_from(file, doc, t0_ms, entries)


def scenario_from(file: str, doc: LineDict, t0_ms: int, timeline: list[TimelineEntry]) -> Scenario:
    """The scenario of a document whose top keys and timeline (`timeline` and `timeline_file`, in file order)
    are already read: faults, fleet, order, names, end and expectations. The scenario check reads the timeline
    once and hands it here, so a replay does not parse its file twice."""
    sid = str(doc["scenario"])
    entries = list(timeline)
    fault_entries, silences = _faults(file, sid, doc, t0_ms)
    entries.extend(fault_entries)
    entries = [e for e in entries if not any(s.mutes(e.device_id, e.at_ms) for s in silences)]
    start_ms = min([t0_ms, *(e.at_ms for e in entries)])
    seed, scale, fleet_entries = _fleet(file, doc, t0_ms, start_ms)
    entries = fleet_entries + entries
    entries.sort(key=lambda e: e.at_ms)  # stable: entries at one time keep file order
    _check_unique_names(file, entries)
    last = entries[-1].at_ms if entries else t0_ms
    end_ms = last
    if "end" in doc:
        end_ms = max(last, offset_at(file, doc, "end", t0_ms, "scenario"))
    names = {e.name: e.at_ms for e in entries if e.name}
    expectations = parse_expectations(file, doc.get("expect"), line_of(doc, "expect"), t0_ms, names)
    return Scenario(
        id=sid,
        title=str(doc.get("title", sid)),
        file=file,
        t0_ms=t0_ms,
        end_ms=end_ms,
        fleet_seed=seed,
        fleet_scale=scale,
        sources=_texts(file, doc, "sources"),
        real=_texts(file, doc, "real"),
        synthetic=_texts(file, doc, "synthetic"),
        timeline=tuple(entries),
        expectations=expectations,
        silences=tuple(silences),
        note=str(doc.get("note", "")),
    )


def _check_unique_names(file: str, entries: list[TimelineEntry]) -> None:
    seen: dict[str, int] = {}
    for entry in entries:
        if not entry.name:
            continue
        if entry.name in seen:
            raise LoadError(file, entry.line, f"id {entry.name!r} is used twice (first at line {seen[entry.name]})")
        seen[entry.name] = entry.line
