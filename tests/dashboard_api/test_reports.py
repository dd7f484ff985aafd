"""Reports upward on the API: the reports-due list in scope, said in both languages, and submitting one."""

from __future__ import annotations

from dataclasses import replace

from ebrain.compose import Core
from playbooks.incident import Incident
from streams.theater import Delta, reporting
from streams.theater.state import Emitter, TheaterState

from .conftest import DONGCHENG, MIN, T0, YANJIAO, World, auth


def _publish_reports(world: World, core: Core, incident: Incident = YANJIAO, grade: str = "较大") -> list[str]:
    state = TheaterState(fleet=core.initial_fleet)
    state.now_ms = T0 + 2 * MIN
    out = Emitter(state)
    reporting.follow(state, replace(incident, event_grade=grade), core.theater, out)
    seq = world.picture.seq
    ids = []
    for n, delta in enumerate(out.deltas, start=1):
        world.hub.publish(Delta(seq + n, delta.at_ms, delta.kind, delta.key, delta.entity))
        ids.append(delta.key)
    return ids


def test_reports_due_are_listed_soonest_first_where_the_incident_is_seen(world: World, core: Core) -> None:
    written, phone = _publish_reports(world, core)
    hebei = world.client.get("/api/reports-due", headers=auth("hebei")).json()
    assert [r["id"] for r in hebei["items"]] == [phone, written]
    first = hebei["items"][0]
    assert first["say"]["zh"]["kind"] == "首报" and first["say"]["en"]["channel"] == "by phone"
    assert first["say"]["zh"]["to"] == "省级人民政府"
    (dongcheng,) = _publish_reports(world, core, DONGCHENG, "一般")
    assert dongcheng not in {
        r["id"] for r in world.client.get("/api/reports-due", headers=auth("hebei")).json()["items"]
    }
    assert dongcheng in {r["id"] for r in world.client.get("/api/reports-due", headers=auth("beijing")).json()["items"]}
    assert len(world.client.get("/api/reports-due", headers=auth("joint")).json()["items"]) == 3


def test_an_operator_submits_a_report_as_a_command(world: World, core: Core) -> None:
    written, _ = _publish_reports(world, core)
    response = world.client.post(f"/api/reports/{written}/submit", headers=auth("hebei"))
    assert response.status_code == 202, response.text
    (command,) = world.sink.commands
    assert (command.action, command.incident_id, command.target) == ("submit_report", YANJIAO.id, written)
    assert world.client.post("/api/reports/NOPE.R1/submit", headers=auth("hebei")).status_code == 404
    (dongcheng,) = _publish_reports(world, core, DONGCHENG, "一般")
    assert world.client.post(f"/api/reports/{dongcheng}/submit", headers=auth("hebei")).status_code == 404
    # Tianjin was told of the Yanjiao blast and sees its reports, but the region that owes them submits them
    assert written in {r["id"] for r in world.client.get("/api/reports-due", headers=auth("tianjin")).json()["items"]}
    assert world.client.post(f"/api/reports/{written}/submit", headers=auth("tianjin")).status_code == 403
    assert world.client.post(f"/api/reports/{written}/submit", headers=auth("sanhe")).status_code == 202
