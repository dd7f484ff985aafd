"""Shared resources on the API: supply exchanges in scope with the depots' stock now, the answers as commands, and
hospitals' beds by speciality as casualties are routed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dashboard_api.access import AccessPolicy
from ebrain.compose import Core
from geo.regions import RegionIndex
from playbooks.lifecycle import SupplyEffect
from streams.theater import Delta
from streams.theater.casualties import CasualtyRouting, HospitalShare
from streams.theater.effects import carry_out
from streams.theater.state import Emitter, TheaterState
from tests.streams.theater.theater_geo_kit import manual_aid

from .conftest import MIN, T0, YANJIAO, World, auth, make_world


def _publish(world: World, deltas: list[Delta]) -> None:
    seq = world.picture.seq
    for n, delta in enumerate(deltas, start=1):
        world.hub.publish(Delta(seq + n, delta.at_ms, delta.kind, delta.key, delta.entity))


def _ask_pumps(world: World, core: Core) -> list[Delta]:
    state = TheaterState(fleet=core.initial_fleet)
    state.now_ms = T0 + 2 * MIN
    out = Emitter(state)
    effect = SupplyEffect(YANJIAO.id, "rule-under-test", "pumps", 40, "排涝")
    carry_out(state, YANJIAO, (effect,), manual_aid(core.theater), out)
    deltas = [d for d in out.deltas if d.kind == "supply"]
    _publish(world, deltas)
    return deltas


def test_exchanges_and_stock_now_in_words(world: World, core: Core) -> None:
    deltas = _ask_pumps(world, core)
    answer = world.client.get("/api/supplies", headers=auth("hebei")).json()
    assert {x["request_id"] for x in answer["items"]} == {d.key for d in deltas}
    lent = next(x for x in answer["items"] if x["lender"] == "110000")
    assert lent["stage"] == "requested" and lent["say"]["zh"]["stage"] == "待提供"
    own = next(x for x in answer["items"] if x["lender"] == "130000")
    assert own["stage"] == "in_transit" and "排水泵" in own["say"]["zh"]["line"] and "pumps" in own["say"]["en"]["line"]
    depots = {d["id"]: d for d in answer["depots"]}
    for lot in own["lots"]:
        assert depots[lot["depot_id"]]["stock"]["pumps"] == lot["left"] < depots[lot["depot_id"]]["held"]["pumps"]
    assert {s["id"] for s in answer["shelters"] if not s["synthetic"]} >= {"BJ-S-YUANDADU"}
    assert any("排水泵" in line for item in world.client.get("/api/feed", headers=auth("hebei")).json()["items"]
               for line in item["say"]["zh"])  # fmt: skip


def test_answers_are_commands_of_the_parties_only(world: World, core: Core) -> None:
    deltas = _ask_pumps(world, core)
    lent = next(d.entity for d in deltas if d.entity.lender == "110000")
    own = next(d.entity for d in deltas if d.entity.lender == "130000")
    response = world.client.post(f"/api/supplies/{lent.request_id}/offer", headers=auth("beijing"), json={})
    assert response.status_code == 202, response.text
    (command,) = world.sink.commands
    assert (command.action, command.target, list(command.evidence_ids)) == ("offer", lent.request_id, [])
    assert world.client.post(f"/api/supplies/{lent.request_id}/offer", headers=auth("tianjin")).status_code in (
        403,
        404,
    )
    assert world.client.post(f"/api/supplies/{own.request_id}/commit", headers=auth("hebei")).status_code == 409
    assert world.client.post(f"/api/supplies/{own.request_id}/release", headers=auth("hebei")).status_code == 202
    missing = world.client.post("/api/supplies/NOPE-S1/offer", headers=auth("joint"))
    assert missing.status_code == 404


@pytest.fixture
def fleet_world(regions: RegionIndex, access: AccessPolicy, core: Core) -> Iterator[World]:
    yield from make_world(regions, access, fleet=core.initial_fleet)


def test_hospital_beds_by_speciality_are_used_as_casualties_are_routed(fleet_world: World, core: Core) -> None:
    burns = next(r for r in core.initial_fleet.roster.responders if "burns" in r.specialities)
    share = HospitalShare(burns.id, burns.name, burns.home_province, burns.home_adcode, "burns", 2, 600.0, False)
    routing = CasualtyRouting("cas-1", YANJIAO.id, 2, (share,), 0, "")
    _publish(fleet_world, [Delta(0, T0 + 5 * MIN, "casualty_routing", "cas-1", routing)])
    answer = fleet_world.client.get("/api/hospitals?used_only=true", headers=auth("joint")).json()
    (hospital,) = answer["items"]
    units = {u["speciality"]: u for u in hospital["units"]}
    assert hospital["id"] == burns.id and units["burns"]["used"] == 2
    assert units["burns"]["free"] == units["burns"]["room"] - 2 and units[""]["used"] == 0
    everything = fleet_world.client.get("/api/hospitals", headers=auth("joint")).json()
    assert everything["total"] > 1
