"""Every playbook action does what its name says: each is run alone by a rule on a real incident through the theater
step, and the test checks the state it changes and the delta that shows it — not a notification saying so.

docs/playbooks.md, "What each action changes", is the same list in words; a test checks it names every action kind."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from ebrain.compose import Core
from ebrain.settings import PACKAGE_ROOT
from playbooks.evidence import Signal
from playbooks.model import parse_playbook
from playbooks.reader import ACTION_KEYS
from streams.theater.state import Delta, TheaterState
from tests.streams.theater.theater_geo_kit import BJ, T0, of_kind, run, stepwise

MIN = 60_000
LIULIQIAO = (116.311, 39.871)  # 150 m from the 六里桥 underpass


def reading(minute: int, cm: float) -> Signal:
    return Signal(
        signal_id=f"depth-{minute}", source="sensor", kind="sensor:water_depth", at_ms=T0 + minute * MIN,
        province=BJ, adcode="110106", lon=LIULIQIAO[0], lat=LIULIQIAO[1], value=cm,
        place_key="device:LL-110106-WLV-000001", attrs=(("device_id", "LL-110106-WLV-000001"),),
    )  # fmt: skip


def acting(core: Core, first: str, second: str = "") -> tuple[TheaterState, list[Delta], list[Delta]]:
    """A waterlogging playbook of two rules: `first` runs on the first reading (once: rules do not repeat),
    `second` on a later, deeper one."""
    text = f"""
playbook: actions_under_test
title: 动作检验 / Actions under test
incident_types: [waterlogging]
rules:
  - id: first
    when: {{signal: sensor:water_depth, value_at_least: 10}}
    then: [{first}]
"""
    if second:
        text += f"""  - id: second
    when: {{signal: sensor:water_depth, value_at_least: 40}}
    then: [{second}]
"""
    text += """timers:
  - id: check-pumps
    after: 30m
    then: [{notify: {to: [own], message: 检查排水}}]
"""
    shipped = core.theater.playbooks["waterlogging"]
    playbook = parse_playbook("actions_under_test.yaml", text, places=shipped.places)
    ctx = stepwise(replace(core.theater, playbooks={**core.theater.playbooks, "waterlogging": playbook}))
    state = TheaterState(fleet=core.initial_fleet)
    before = run(state, ctx, reading(0, 20), until_ms=T0)
    after = run(state, ctx, reading(5, 45), until_ms=T0 + 5 * MIN) if second else []
    return state, before, after


def last_incident(deltas: list[Delta]) -> Any:
    return of_kind(deltas, "incident")[-1]


Check = Callable[[TheaterState, list[Delta], list[Delta]], None]


def _stage(state: TheaterState, first: list[Delta], _: list[Delta]) -> None:
    assert last_incident(first).stage == "during"
    assert next(iter(state.fusion.incidents.values())).stage == "during"


def _set_scale(state: TheaterState, first: list[Delta], _: list[Delta]) -> None:
    assert last_incident(first).response_level == "III"


def _step_scale(state: TheaterState, first: list[Delta], then: list[Delta]) -> None:
    assert (last_incident(first).warning_colour, last_incident(then).warning_colour) == ("yellow", "blue")


def _dispatch(state: TheaterState, first: list[Delta], _: list[Delta]) -> None:
    (task,) = of_kind(first, "task")
    assert task.status == "dispatched" and task.capability == "water_rescue" and task.id in state.tasks
    assert state.fleet.status_of(task.responder_id) != "available"
    assert of_kind(first, "responder")


def _assign(state: TheaterState, first: list[Delta], _: list[Delta]) -> None:
    (task,) = of_kind(first, "task")
    assert (task.capability, task.status, task.agency_kind, task.agency) == (
        "power_restoration", "dispatched", "power_utility", "beijing-power",
    )  # fmt: skip
    assert task.responder_id == "beijing-power" and state.tasks[task.id] == task
    assert not of_kind(first, "responder")  # an agency's work takes no unit out of the fleet
    assert "assign power_restoration to beijing-power" in [d.what for d in last_incident(first).decisions]


def _notify(state: TheaterState, first: list[Delta], _: list[Delta]) -> None:
    (note,) = of_kind(first, "notification")
    assert (note.to_province, note.message) == (BJ, "检查排水")


def _timers(state: TheaterState, first: list[Delta], then: list[Delta]) -> None:
    assert [t.id for t in last_incident(first).timers] == ["check-pumps"]
    assert last_incident(then).timers == ()


def _warnings(state: TheaterState, first: list[Delta], then: list[Delta]) -> None:
    (alert,) = of_kind(first, "warning")
    (update,) = of_kind(then, "warning")
    assert (alert["msg_type"], update["msg_type"], update["references"]) == ("Alert", "Update", [alert["identifier"]])
    assert "<msgType>Update</msgType>" in update["cap_xml"]
    assert [w.msg_type for w in last_incident(then).public_warnings] == ["Alert", "Update"]


def _cancel_warning(state: TheaterState, first: list[Delta], then: list[Delta]) -> None:
    (cancel,) = of_kind(then, "warning")
    assert cancel["msg_type"] == "Cancel" and last_incident(then).active_warning is None


def _mutual_aid(state: TheaterState, first: list[Delta], _: list[Delta]) -> None:
    asked = of_kind(first, "mutual_aid")
    assert asked and asked[0].message == "request" and asked[0].borrower == BJ
    assert {ex.request.capability for ex in state.aid.values()} == {"boat"}


def _request_supplies(state: TheaterState, first: list[Delta], then: list[Delta]) -> None:
    sent = [u for u in of_kind(first, "supply") if u.message == "commit"]
    assert [(u.lender, u.moved) for u in sent] == [(BJ, 95), (sent[1].lender, 5)] and sent[1].lender != BJ
    assert state.supply_stock["BJ-D-DAXING"]["pumps"] == 0  # every Beijing pump left its depot
    back = [u for u in of_kind(then, "supply") if u.message == "return"]
    assert {u.request_id for u in back} == {u.request_id for u in sent}
    assert {ex.stage for ex in state.supplies.values()} == {"returning"}


def _approval(state: TheaterState, first: list[Delta], _: list[Delta]) -> None:
    (approval,) = last_incident(first).approvals
    assert approval.state == "pending" and "approval:A1" in [t.id for t in last_incident(first).timers]


def _close(state: TheaterState, first: list[Delta], _: list[Delta]) -> None:
    assert (last_incident(first).status, last_incident(first).stage) == ("closed", "closed")


def _close_road(state: TheaterState, first: list[Delta], then: list[Delta]) -> None:
    (closure,) = of_kind(first, "closure")
    assert closure.status == "active" and closure.kind == "flooded_underpass"
    (lifted,) = of_kind(then, "closure")
    assert lifted.status == "reopened" and state.closures == {}


ACTIONS: list[tuple[str, str, str, Check]] = [
    ("enter_stage", "enter_stage: during", "", _stage),
    ("set_response_level", "set_response_level: {level: III, reason: 检验}", "", _set_scale),
    ("raise / lower", "set_warning_colour: yellow", "lower: {scale: warning_colour, by: 1}", _step_scale),
    ("dispatch", "dispatch: {capability: water_rescue, count: 1, within: 15m}", "", _dispatch),
    ("assign", "assign: {work: power_restoration, within: 24h}", "", _assign),
    ("notify", "notify: {to: [own], message: 检查排水}", "", _notify),
    ("start_timer / cancel_timer", "start_timer: check-pumps", "cancel_timer: check-pumps", _timers),
    (
        "issue_warning / update_warning",
        "issue_warning: {event_code: 11B19, event: 内涝, colour: yellow, headline: 内涝黄色预警}",
        "update_warning: {colour: orange}",
        _warnings,
    ),
    (
        "cancel_warning",
        "issue_warning: {event_code: 11B19, event: 内涝, colour: yellow, headline: 内涝黄色预警}",
        "cancel_warning: {}",
        _cancel_warning,
    ),
    ("request_mutual_aid", "request_mutual_aid: {capability: boat, count: 1, from: any}", "", _mutual_aid),
    (
        "request_supplies",
        "request_supplies: {item: pumps, quantity: 100, reason: 排水}",
        "enter_stage: after",
        _request_supplies,
    ),
    (
        "require_approval",
        "require_approval: {summary: 检验, within: 10m, default: reject, then: [close]}",
        "",
        _approval,
    ),
    ("close", "close", "", _close),
    (
        "close_road / lift_closure",
        "close_road: {closure: flooded_underpass, at: underpass, radius_m: 200}",
        "lift_closure",
        _close_road,
    ),
]


@pytest.mark.parametrize(("first", "second", "check"), [a[1:] for a in ACTIONS], ids=[a[0] for a in ACTIONS])
def test_each_action_changes_state_and_the_feed_shows_it(core: Core, first: str, second: str, check: Check) -> None:
    state, before, after = acting(core, first, second)
    check(state, before, after)


def test_every_action_kind_is_tested_here() -> None:
    named = {part.strip() for a in ACTIONS for part in a[0].split("/")}
    aliases = {"raise", "lower", "raise_response_level", "set_warning_colour", "set_event_grade"}
    assert ACTION_KEYS - named <= aliases  # the scale setters and steppers share one code path each


def test_the_docs_table_names_every_action_kind() -> None:
    text = (PACKAGE_ROOT / "docs" / "playbooks.md").read_text(encoding="utf-8")
    table = text.split("### What each action changes", 1)[1].split("\n\n")[2]
    named = {kind for row in table.splitlines()[2:] for kind in re.findall(r"`(\w+)`", row.split("|")[1])}
    assert named == ACTION_KEYS, (ACTION_KEYS - named, named - ACTION_KEYS)
