"""Incident filters and the timeline, on plain dicts."""

from __future__ import annotations

import pytest

from dashboard_api.deltas import as_delta_json
from dashboard_api.queries import IncidentFilter, parse_when, select_incidents, timeline
from streams.theater import Delta
from streams.wire.incident_delta import whole_incident

from .conftest import NOTE_TJ, T0, TASK_TZ, base_deltas


def entities(kind: str) -> list[dict]:
    """The entities as the picture keeps them (an incident with its whole evidence)."""
    return [whole_incident(as_delta_json(d)[0]["data"], None) for d in base_deltas() if d.kind == kind]


def test_parse_when_takes_ms_or_iso_with_offset() -> None:
    assert parse_when("1710287640000", "since") == T0
    assert parse_when("2024-03-13T07:54:00+08:00", "since") == T0
    assert parse_when(None, "since") is None and parse_when("", "since") is None
    with pytest.raises(ValueError, match="until: '2024-03-13' has no UTC offset"):
        parse_when("2024-03-13", "until")


def test_filters_combine() -> None:
    incidents = entities("incident")
    both = IncidentFilter(region="130000", type="flood_rescue")
    assert [i["id"] for i in select_incidents(incidents, both)] == ["INC-ZZ"]
    assert [i["id"] for i in select_incidents(incidents, IncidentFilter(region="110112"))] == ["INC-YJ"]
    window = IncidentFilter(since_ms=T0 + 1, until_ms=T0 + 25 * 60_000)
    assert [i["id"] for i in select_incidents(incidents, window)] == ["INC-WQ"]
    assert len(select_incidents(incidents, IncidentFilter())) == 4


def test_timeline_orders_entries_of_all_kinds() -> None:
    incident = entities("incident")[0]
    task = as_delta_json(Delta(1, T0, "task", TASK_TZ.id, TASK_TZ))[0]["data"]
    note = as_delta_json(Delta(1, T0, "notification", NOTE_TJ.id, NOTE_TJ))[0]["data"]
    entries = timeline(incident, [task], [note])
    assert [(e["kind"], e["id"]) for e in entries] == [
        ("evidence", "call-bj-1"),
        ("evidence", "call-hb-1"),
        ("decision", "INC-YJ#D1"),
        ("task", TASK_TZ.id),
        ("notification", NOTE_TJ.id),
    ]
    assert entries[3]["summary"] == "fire_suppression → 通州消防救援站1 (dispatched)"
    assert entries[4]["summary"] == "→ 天津市: 燕郊燃气爆炸，请关注"


def test_same_time_entries_keep_a_stable_order() -> None:
    incident = {
        **entities("incident")[0],
        "decisions": [{"at_ms": T0 - 14 * 60_000, "what": "opened", "rule": "fusion"}],
    }
    entries = timeline(incident, [], [])
    assert [e["kind"] for e in entries[:2]] == ["evidence", "decision"]  # evidence first: it caused the decision
