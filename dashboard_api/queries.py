"""Read-side questions over (already scoped) entities: incident filters and an incident's timeline."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from geo.regions import PROVINCES
from streams.wire.timefmt import parse_time_ms

_TIMELINE_ORDER = {"evidence": 0, "decision": 1, "task": 2, "notification": 3}


def parse_when(value: str | None, field: str) -> int | None:
    """A time given as epoch milliseconds or ISO 8601 with an offset; ValueError names the field."""
    if value is None or value == "":
        return None
    text = value.strip()
    if text.lstrip("-").isdigit():
        return int(text)
    return parse_time_ms(text, field)


@dataclass(frozen=True)
class IncidentFilter:
    region: str | None = None  # a county or province adcode the incident touches
    province: str | None = None
    stage: str | None = None
    level: str | None = None  # response level I..IV
    type: str | None = None
    status: str | None = None
    since_ms: int | None = None  # still active at or after this time (updated at or after)
    until_ms: int | None = None  # opened at or before this time

    def matches(self, inc: dict[str, Any]) -> bool:
        if self.region is not None and not (
            self.region == inc["adcode"] or self.region in inc["adcodes"] or self.region in inc["provinces"]
        ):
            return False
        if self.province is not None and self.province not in inc["provinces"]:
            return False
        checks = ((self.stage, "stage"), (self.level, "response_level"), (self.type, "type"), (self.status, "status"))
        if any(wanted is not None and inc.get(name) != wanted for wanted, name in checks):
            return False
        if self.since_ms is not None and inc["updated_at_ms"] < self.since_ms:
            return False
        return self.until_ms is None or inc["opened_at_ms"] <= self.until_ms


def select_incidents(incidents: Iterable[dict[str, Any]], flt: IncidentFilter) -> list[dict[str, Any]]:
    """Matching incidents, most recently updated first."""
    chosen = [inc for inc in incidents if flt.matches(inc)]
    chosen.sort(key=lambda inc: (-inc["updated_at_ms"], inc["id"]))
    return chosen


def timeline(
    incident: dict[str, Any], tasks: Iterable[dict[str, Any]], notifications: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Decisions, evidence, tasks and notifications of one incident, in event-time order.

    Each entry is `{"at_ms", "kind", "id", "summary", "data"}`; `data` is the entity as the viewer may see it.
    """
    entries: list[dict[str, Any]] = []
    for signal in incident["evidence"]:
        text = signal.get("text") or ("" if signal.get("value") is None else f"value {signal['value']:g}")
        summary = f"{signal['kind']}: {text}" if text else signal["kind"]
        entries.append(_entry(signal["at_ms"], "evidence", signal["signal_id"], summary, signal))
    for n, decision in enumerate(incident["decisions"]):
        summary = decision["what"] + (f" ({decision['reason']})" if decision.get("reason") else "")
        entries.append(_entry(decision["at_ms"], "decision", f"{incident['id']}#D{n + 1}", summary, decision))
    for task in sorted(tasks, key=lambda t: t["id"]):  # ids are zero-padded: the order they were made in
        who = task.get("responder_name") or task.get("responder_id") or "—"
        summary = f"{task['capability']} → {who} ({task['status']})"
        entries.append(_entry(task["created_at_ms"], "task", task["id"], summary, task))
    for note in sorted(notifications, key=lambda n: n["id"]):
        summary = f"→ {PROVINCES.get(note['to_province'], note['to_province'])}: {note['message']}"
        entries.append(_entry(note["at_ms"], "notification", note["id"], summary, note))
    entries.sort(key=lambda e: (e["at_ms"], _TIMELINE_ORDER[e["kind"]]))
    return entries


def _entry(at_ms: int, kind: str, ident: str, summary: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"at_ms": at_ms, "kind": kind, "id": ident, "summary": summary, "data": data}
