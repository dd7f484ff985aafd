"""Scenario files load into contract messages; every mistake is reported with its file and line."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from geo.datafiles import LoadError
from scenarios.model import load_scenario, parse_offset

HEAD = """scenario: t
t0: "2024-03-13T07:54:00+08:00"
"""
READING = """    payload:
      type: sensor.reading
      device_id: LL-131082-GAS-000001
      kind: gas_lel
      value: 12.0
      unit: "%LEL"
      position: {lon: 116.81, lat: 39.96, crs: WGS84}
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def test_offsets() -> None:
    assert parse_offset("+1h30m") == 90 * 60_000
    assert parse_offset("-14m") == -14 * 60_000
    assert parse_offset("90s") == 90_000
    with pytest.raises(ValueError, match="not an offset"):
        parse_offset("1:30")


def test_unknown_top_key_names_line_and_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, "timline: []\n")
    with pytest.raises(LoadError) as info:
        load_scenario(path)
    assert info.value.line == 3
    assert "did you mean 'timeline'" in str(info.value)
    assert str(path) in str(info.value)


def test_bad_payload_field_names_the_payload_line(tmp_path: Path) -> None:
    body = "timeline:\n  - at: 0m\n" + READING.replace("value: 12.0", "valu: 12.0")
    with pytest.raises(LoadError) as info:
        load_scenario(write(tmp_path, body))
    assert info.value.line == 6
    assert "valu" in info.value.message


def test_repeat_sends_one_message_per_interval_with_values_held(tmp_path: Path) -> None:
    body = "timeline:\n  - at: 0m\n    id: gas\n    repeat: {every: 10m, until: +40m, values: [5, 30]}\n" + READING
    scenario = load_scenario(write(tmp_path, body))
    values = [msgspec.json.decode(e.value)["value"] for e in scenario.timeline]
    assert values == [5, 30, 30, 30, 30]
    assert [e.at_ms - scenario.t0_ms for e in scenario.timeline] == [i * 600_000 for i in range(5)]
    assert len({e.event_id for e in scenario.timeline}) == 5
    assert scenario.entry("gas").at_ms == scenario.t0_ms


def test_silent_sensor_fault_drops_readings_from_that_time(tmp_path: Path) -> None:
    body = (
        "timeline:\n  - at: 0m\n    repeat: {every: 10m, until: +60m}\n"
        + READING
        + "faults:\n  - at: +25m\n    fault: sensors_silent\n    devices: [LL-131082-GAS-000001]\n"
    )
    scenario = load_scenario(write(tmp_path, body))
    assert [(e.at_ms - scenario.t0_ms) // 60_000 for e in scenario.timeline] == [0, 10, 20]


def test_faults_become_agency_messages(tmp_path: Path) -> None:
    body = """timeline: []
faults:
  - at: +5m
    fault: responder_breakdown
    responder: fire_station-131082-01
  - at: +6m
    id: post-down
    fault: command_post_down
    agency: sanhe-emergency
    province: "130000"
    position: {lon: 116.81, lat: 39.96}
  - at: +7m
    fault: road_closed
    closure: underpass_flooded
    agency: sanhe-traffic
    province: "130000"
    position: {lon: 116.81, lat: 39.96}
fleet: {out_of_service: [medical_team-110112-01]}
"""
    scenario = load_scenario(write(tmp_path, body))
    messages = [msgspec.json.decode(e.value) for e in scenario.timeline]
    assert [(m["type"], m.get("status") or m.get("incident_kind")) for m in messages] == [
        ("agency.resource_status", "out_of_service"),
        ("agency.resource_status", "out_of_service"),
        ("agency.incident", "command_post_down"),
        ("agency.incident", "underpass_flooded"),
    ]
    assert messages[0]["province"] == "110000" and messages[1]["province"] == "130000"
    assert scenario.entry("post-down").topic == "ingest.agency"


def test_unknown_fault_suggests(tmp_path: Path) -> None:
    body = "timeline: []\nfaults:\n  - at: 0m\n    fault: road_close\n"
    with pytest.raises(LoadError, match="did you mean 'road_closed'") as info:
        load_scenario(write(tmp_path, body))
    assert info.value.line == 6


def test_generated_timeline_file_errors_name_its_line(tmp_path: Path) -> None:
    (tmp_path / "t.jsonl").write_text('{"at_ms": 0, "payload": {"type": "tick"}}\n', encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_scenario(write(tmp_path, "timeline_file: t.jsonl\n"))
    assert info.value.file.endswith("t.jsonl") and info.value.line == 1


def test_repeated_calls_carry_their_own_order_ids(tmp_path: Path) -> None:
    body = """timeline:
  - at: 0m
    repeat: {every: 5m, until: +10m}
    payload:
      type: hotline.work_order
      order_id: BJ-{n}
      hotline: "110000"
      category: 求助
      urgency: 一般
      content: 屋顶漏雨
      address: 房山区良乡镇
      caller: {name: "居民{n}"}
"""
    scenario = load_scenario(write(tmp_path, body))
    orders = [msgspec.json.decode(e.value) for e in scenario.timeline]
    assert [(o["order_id"], o["caller"]["name"]) for o in orders] == [
        ("BJ-1", "居民1"),
        ("BJ-2", "居民2"),
        ("BJ-3", "居民3"),
    ]


def test_wrong_shapes_in_metadata_and_faults_are_load_errors_with_a_line(tmp_path: Path) -> None:
    numeric = tmp_path / "numeric.yaml"
    numeric.write_text('scenario: s\nt0: "2024-03-13T07:54:00+08:00"\nsynthetic: 7\ntimeline: []\n', encoding="utf-8")
    with pytest.raises(LoadError, match=r"numeric.yaml:3: synthetic: expected a list of lines of text"):
        load_scenario(numeric)
    null_position = tmp_path / "null_position.yaml"
    null_position.write_text(
        'scenario: s\nt0: "2024-03-13T07:54:00+08:00"\ntimeline: []\n'
        'faults:\n  - at: "+1m"\n    fault: command_post_down\n'
        '    agency: a\n    province: "130000"\n    position:\n    description: d\n',
        encoding="utf-8",
    )
    with pytest.raises(LoadError, match=r"null_position.yaml:\d+: fault command_post_down: position"):
        load_scenario(null_position)


def test_scripted_answers_become_commands_that_name_what_they_answer(tmp_path: Path) -> None:
    body = (
        "timeline:\n"
        "  - at: +25m\n    approve: {rule: plume-over-homes}\n"
        "  - at: +30m\n    offer: {capability: hazmat, lender: 河北}\n"
        "  - at: +32m\n    commit: {capability: hazmat, borrower: 天津市, by: 值班员}\n"
    )
    scenario = load_scenario(write(tmp_path, body))
    commands = [msgspec.json.decode(e.value) for e in scenario.timeline]
    assert [e.topic for e in scenario.timeline] == ["commands"] * 3
    assert [(c["action"], c["centre"], c["target"], c["operator"]) for c in commands] == [
        ("approve", "joint", "rule:plume-over-homes", "drill-script"),
        ("offer", "130000", "capability:hazmat", "drill-script"),
        ("commit", "120000", "capability:hazmat", "值班员"),
    ]


@pytest.mark.parametrize(
    ("entry", "line", "message"),
    [
        ("    offer: {capability: hazmat, lendr: 河北}\n", 5, "did you mean 'lender'"),
        ("    offer: {capability: hazmat, lender: 河被}\n", 5, "is not a province of the theater"),
        ("    offer: {capability: hazmat}\n", 5, "give 'lender'"),
        ("    approve: {rul: x}\n", 5, "did you mean 'rule'"),
        ("    approve: {rule: x}\n    offer: {capability: hazmat, lender: 河北}\n", 4, "give one of payload"),
    ],
)
def test_a_wrong_scripted_answer_names_its_line(tmp_path: Path, entry: str, line: int, message: str) -> None:
    with pytest.raises(LoadError) as info:
        load_scenario(write(tmp_path, "timeline:\n  - at: +5m\n" + entry))
    assert info.value.line == line and message in info.value.message
