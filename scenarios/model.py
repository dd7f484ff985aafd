"""Scenario files: metadata, fleet, a timeline of wire payloads at offsets from T0, and expectations.

A scenario is loaded into wire messages of the published contract, so replaying it exercises exactly the path
an agency's producer does. Load errors name the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from playbooks.yaml_lines import LineDict, LineList, LoadError, did_you_mean, line_of, load_yaml
from streams import codec, contract, topics
from streams.codec import Origin, Rejected
from streams.timefmt import format_time_ms, parse_time_ms

_OFFSET = re.compile(r"^([+-]?)(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
TOP_KEYS = {
    "scenario",
    "title",
    "t0",
    "sources",
    "real",
    "synthetic",
    "fleet",
    "timeline",
    "end",
    "expect",
    "note",
}
ENTRY_KEYS = {"at", "note", "payload", "topic"}
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
    expectations: Any  # raw mapping list, interpreted by scenarios.expectations


def parse_offset(text: str) -> int:
    """ "+1h30m", "-14m", "0m", "+906m" → milliseconds."""
    match = _OFFSET.match(str(text).strip())
    if match is None or not any(match.group(i) for i in (2, 3, 4)):
        raise ValueError(f"{text!r} is not an offset like +1h30m, -14m or +90s")
    sign = -1 if match.group(1) == "-" else 1
    hours, minutes, seconds = (int(match.group(i) or 0) for i in (2, 3, 4))
    return sign * ((hours * 60 + minutes) * 60 + seconds) * 1000


def _key_for(payload: dict[str, Any], kind: str) -> str:
    for name in ("device_id", "gateway_id", "order_id", "agency", "incident_id", "task_id"):
        if payload.get(name):
            return str(payload[name])
    return kind


def _entry(file: str, sid: str, index: int, node: Any, line: int, t0_ms: int) -> TimelineEntry:
    if not isinstance(node, LineDict):
        raise LoadError(file, line, f"timeline[{index}]: expected a mapping with at and payload")
    for key in node:
        if key not in ENTRY_KEYS:
            raise LoadError(
                file,
                line_of(node, key),
                f"timeline[{index}]: unknown key {key!r}{did_you_mean(key, ENTRY_KEYS)}",
            )
    try:
        at_ms = t0_ms + parse_offset(node.get("at", ""))
    except ValueError as exc:
        raise LoadError(file, line_of(node, "at"), f"timeline[{index}].at: {exc}") from None
    payload = node.get("payload")
    if not isinstance(payload, LineDict):
        raise LoadError(file, line_of(node, "payload"), f"timeline[{index}]: missing payload mapping")
    kind = str(payload.get("type", ""))
    if kind not in _TIME_FIELD:
        raise LoadError(
            file,
            line_of(payload, "type"),
            f"timeline[{index}].payload.type: {kind!r} is not a message type{did_you_mean(kind, _TIME_FIELD)}",
        )
    message = dict(payload)
    message.setdefault("schema_version", contract.CURRENT_VERSION)
    message.setdefault("event_id", f"{sid}-{index:05d}")
    time_field = _TIME_FIELD[kind]
    if time_field:
        message.setdefault(time_field, format_time_ms(at_ms))
    value = msgspec.json.encode(message)
    decoded = codec.decode(value, Origin(file, 0, index))
    if isinstance(decoded, Rejected):
        raise LoadError(file, line_of(payload), f"timeline[{index}].payload: {decoded.reason}")
    spec = _TOPIC.get(kind, topics.INGEST_AGENCY)
    topic = str(node.get("topic", spec.name))
    return TimelineEntry(at_ms, topic, _key_for(message, kind), value, str(node.get("note", "")), line)


def load_scenario(path: Path | str) -> Scenario:
    file = str(path)
    doc = load_yaml(path)
    if not isinstance(doc, LineDict):
        raise LoadError(file, 1, "expected a mapping at the top of the scenario")
    for key in doc:
        if key not in TOP_KEYS:
            raise LoadError(file, line_of(doc, key), f"unknown key {key!r}{did_you_mean(key, TOP_KEYS)}")
    for required in ("scenario", "t0", "timeline"):
        if required not in doc:
            raise LoadError(file, 1, f"missing required key {required!r}")
    try:
        t0_ms = parse_time_ms(str(doc["t0"]), "t0")
    except ValueError as exc:
        raise LoadError(file, line_of(doc, "t0"), str(exc)) from None
    timeline_node = doc["timeline"]
    if not isinstance(timeline_node, LineList):
        raise LoadError(file, line_of(doc, "timeline"), "timeline: expected a list")
    sid = str(doc["scenario"])
    entries = [
        _entry(file, sid, i, node, line, t0_ms)
        for i, (node, line) in enumerate(zip(timeline_node, timeline_node.item_lines, strict=True))
    ]
    entries.sort(key=lambda e: e.at_ms)  # stable: entries at one time keep file order
    last = entries[-1].at_ms if entries else t0_ms
    end_ms = last
    if "end" in doc:
        try:
            end_ms = max(last, t0_ms + parse_offset(doc["end"]))
        except ValueError as exc:
            raise LoadError(file, line_of(doc, "end"), f"end: {exc}") from None
    fleet = doc.get("fleet") or {}
    return Scenario(
        id=sid,
        title=str(doc.get("title", sid)),
        file=file,
        t0_ms=t0_ms,
        end_ms=end_ms,
        fleet_seed=int(fleet.get("seed", 7)),
        fleet_scale=float(fleet.get("scale", 1.0)),
        sources=tuple(doc.get("sources") or ()),
        real=tuple(doc.get("real") or ()),
        synthetic=tuple(doc.get("synthetic") or ()),
        timeline=tuple(entries),
        expectations=doc.get("expect") or [],
    )
