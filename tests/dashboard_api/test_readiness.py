"""Readiness on the API: coverage and move-ups in scope, said in both languages, and deciding a move-up."""

from __future__ import annotations

from ebrain.compose import Core
from playbooks.evidence import Signal
from streams.theater import Delta, readiness
from streams.theater.state import Emitter, TheaterState

from .conftest import FIRE_TZ, T0, World, auth


def _publish(world: World, core: Core) -> list[Delta]:
    warning = Signal(
        signal_id="w1", source="agency", kind="warning", at_ms=T0, province="110000", adcode="110101",
        lon=116.41, lat=39.93, severity=4,
        attrs=(
            ("agency", "beijing-meteorological"), ("action", "issue"), ("warning_id", "W1"),
            ("hazard", "rainstorm"), ("colour", "red"), ("area", "110101,110102,110105,110106,110108,110118"),
        ),
    )  # fmt: skip
    state = TheaterState(fleet=core.initial_fleet)
    state.now_ms = T0
    out = Emitter(state)
    readiness.on_warning(state, warning, core.theater, out)
    seq = world.picture.seq
    for n, delta in enumerate(out.deltas, start=1):
        world.hub.publish(Delta(seq + n, delta.at_ms, delta.kind, delta.key, delta.entity))
    return out.deltas


def test_coverage_and_proposals_are_listed_in_scope_and_said(world: World, core: Core) -> None:
    deltas = _publish(world, core)
    beijing = world.client.get("/api/readiness", headers=auth("beijing")).json()
    (item,) = beijing["items"]
    assert item["warning_id"] == "W1" and "hazards_15" in item["before"]
    assert "水上救援覆盖" in item["say"]["zh"]["line"] and "coverage" in item["say"]["en"]["line"]
    assert [m["id"] for m in beijing["moves"]] == [d.key for d in deltas if d.kind == "move_up"]
    assert beijing["moves"][0]["say"]["zh"]["line"].startswith("建议前置")
    assert world.client.get("/api/readiness", headers=auth("joint")).json()["items"]


def test_an_operator_accepts_or_rejects_a_move_up_as_a_command(world: World, core: Core) -> None:
    moves = [d.entity for d in _publish(world, core) if d.kind == "move_up"]
    first = moves[0]
    response = world.client.post(f"/api/moves/{first.id}/accept", headers=auth("beijing"))
    assert response.status_code == 202, response.text
    (command,) = world.sink.commands
    assert (command.action, command.target) == ("approve", f"move:{first.id}")
    assert world.client.post("/api/moves/W1.M99/reject", headers=auth("beijing")).status_code == 404
    assert world.client.post(f"/api/moves/{first.id}/reject", headers=auth("joint")).status_code == 202
    assert world.sink.commands[-1].action == "reject"


def test_a_unit_moved_up_stands_at_its_post_on_the_api(world: World) -> None:
    moved = {"id": FIRE_TZ.id, "status": "available", "why": "moved up by duty@110000", "moved_to": [116.5, 39.9]}
    seq = world.picture.seq
    world.hub.publish(Delta(seq + 1, T0, "responder", FIRE_TZ.id, moved))
    world.hub.publish(Delta(seq + 2, T0 + 1, "responder", FIRE_TZ.id, {"id": FIRE_TZ.id, "status": "assigned"}))
    items = world.client.get("/api/responders", headers=auth("joint")).json()["items"]
    (unit,) = [r for r in items if r["id"] == FIRE_TZ.id]
    assert (unit["base_lon"], unit["base_lat"], unit["status"]) == (116.5, 39.9, "assigned")
