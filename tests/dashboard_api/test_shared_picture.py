"""Public warnings, mutual-aid exchanges, road closures and casualty routings reach the API and the feed,
scoped by the same function: warnings and closures are public, an exchange is seen by its two provinces."""

from __future__ import annotations

import msgspec

from playbooks.cap import PublicWarning, WarningArea, to_cap_xml
from streams.theater import Delta

from .conftest import MIN, T0, World, auth


def warning_entity() -> dict[str, object]:
    warning = PublicWarning(
        identifier="JINGJINJI-000001-W1",
        sender="130000.emergency@jingjinji.ebrain",
        sent_ms=T0 + 5 * MIN,
        msg_type="Alert",
        references=(),
        event_code="12000",
        event="燃气爆炸",
        colour="red",
        response_level="III",
        headline="燕郊燃气爆炸红色预警",
        description="三河市燕郊镇发生燃气爆炸",
        instruction="周边500米内人员疏散",
        areas=(WarningArea(description="三河市", geocodes=(("GB/T 2260", "131082"),)),),
        incident_id="INC-YJ",
    )
    return {
        "identifier": warning.identifier,
        "incident_id": "INC-YJ",
        "msg_type": "Alert",
        "sender": warning.sender,
        "sent_ms": warning.sent_ms,
        "references": [],
        "colour": "red",
        "headline": warning.headline,
        "area_adcodes": ["131082"],
        "rule": "explosion-response",
        "cap_xml": to_cap_xml(warning),
        "cap": msgspec.to_builtins(warning),
    }


def exchange_entity() -> dict[str, object]:
    return {
        "request_id": "MA-0001",
        "incident_id": "INC-YJ",
        "capability": "fire_suppression",
        "count": 2,
        "borrower": "130000",
        "lender": "110000",
        "message": "commit",
        "stage": "committed",
        "responder_ids": ["FS-110112-02"],
        "by": "auto",
        "reason": "agreement auto-accepts fire_suppression",
        "due_ms": 0,
    }


def publish_shared(world: World) -> None:
    seq = world.picture.seq
    world.hub.publish(Delta(seq + 1, T0 + 5 * MIN, "warning", "JINGJINJI-000001-W1", warning_entity()))
    world.hub.publish(Delta(seq + 2, T0 + 6 * MIN, "mutual_aid", "MA-0001", exchange_entity()))
    closure = {"id": "C-1", "kind": "cordon", "lon": 116.81, "lat": 39.96, "status": "active"}
    world.hub.publish(Delta(seq + 3, T0 + 7 * MIN, "closure", "C-1", closure))


def test_public_warnings_are_listed_with_their_cap_xml(world: World) -> None:
    publish_shared(world)
    for who in ("joint", "tianjin", "sanhe"):
        body = world.client.get("/api/warnings", headers=auth(who)).json()
        assert [w["identifier"] for w in body["items"]] == ["JINGJINJI-000001-W1"], who
    xml = world.client.get("/api/warnings/JINGJINJI-000001-W1/cap.xml", headers=auth("tianjin"))
    assert xml.status_code == 200
    assert xml.headers["content-type"].startswith("application/cap+xml")
    assert "<msgType>Alert</msgType>" in xml.text and "+08:00" in xml.text
    assert world.client.get("/api/warnings/NOPE/cap.xml", headers=auth("joint")).status_code == 404


def test_an_exchange_is_seen_by_borrower_lender_joint_and_whoever_sees_its_incident(world: World) -> None:
    publish_shared(world)
    # 涿州's flood (Hebei) borrowing from Tianjin: Beijing and 三河 see neither the incident nor the exchange
    flood = {**exchange_entity(), "request_id": "MA-0003", "incident_id": "INC-ZZ", "lender": "120000"}
    world.hub.publish(Delta(world.picture.seq + 1, T0 + 8 * MIN, "mutual_aid", "MA-0003", flood))
    seen = {
        who: [e["request_id"] for e in world.client.get("/api/mutual-aid", headers=auth(who)).json()["items"]]
        for who in ("joint", "beijing", "hebei", "tianjin", "sanhe")
    }
    assert seen["joint"] == seen["hebei"] == seen["tianjin"] == ["MA-0001", "MA-0003"]  # tianjin: notified of 燕郊
    assert seen["beijing"] == ["MA-0001"]  # the lender of MA-0001; it does not see 涿州's flood
    assert seen["sanhe"] == ["MA-0001", "MA-0003"]  # a county post of the borrowing province
    closures = world.client.get("/api/closures", headers=auth("tianjin")).json()["items"]
    assert [c["id"] for c in closures] == ["C-1"]


def test_the_feed_snapshot_carries_them_scoped(world: World) -> None:
    publish_shared(world)
    with world.client.websocket_connect(f"/ws/feed?token={'demo-tianjin-5c7e9a02'}") as ws:
        snapshot = ws.receive_json()
    assert snapshot["type"] == "snapshot"
    assert [w["identifier"] for w in snapshot["warnings"]] == ["JINGJINJI-000001-W1"]
    assert [e["request_id"] for e in snapshot["mutual_aid"]] == ["MA-0001"]  # Tianjin was notified of 燕郊
    assert [c["id"] for c in snapshot["closures"]] == ["C-1"]


def test_a_lender_answers_a_request_and_the_command_carries_the_units(world: World) -> None:
    publish_shared(world)
    seq = world.picture.seq
    pending = {**exchange_entity(), "request_id": "MA-0002", "stage": "requested", "message": "request"}
    world.hub.publish(Delta(seq + 1, T0 + 8 * MIN, "mutual_aid", "MA-0002", pending))
    accepted = world.client.post(
        "/api/mutual-aid/MA-0002/offer", json={"responder_ids": ["FS-110112-02"]}, headers=auth("beijing")
    )
    assert accepted.status_code == 202, accepted.text
    (command,) = world.sink.commands
    assert (command.action, command.target, command.centre, command.evidence_ids) == (
        "offer",
        "MA-0002",
        "110000",
        ["FS-110112-02"],
    )
    # Tianjin sees the exchange (it was notified of 燕郊) but takes no part in it; a settled one takes no more answers
    refused = world.client.post("/api/mutual-aid/MA-0002/offer", json={}, headers=auth("tianjin"))
    assert refused.status_code == 403 and "only the borrowing (130000) or lending (110000)" in refused.text
    assert world.client.post("/api/mutual-aid/MA-0001/decline", json={}, headers=auth("beijing")).status_code == 409


def test_an_operator_lifts_a_closure_in_force(world: World) -> None:
    publish_shared(world)
    accepted = world.client.post("/api/closures/C-1/lift", json={"reason": "积水已抽干"}, headers=auth("hebei"))
    assert accepted.status_code == 202, accepted.text
    (command,) = world.sink.commands
    assert (command.action, command.target, command.reason) == ("lift_closure", "C-1", "积水已抽干")
    unknown = world.client.post("/api/closures/C-2/lift", headers=auth("hebei"))
    assert unknown.status_code == 404 and "did you mean 'C-1'" in unknown.json()["detail"]
    seq = world.picture.seq
    reopened = {"id": "C-1", "kind": "cordon", "lon": 116.81, "lat": 39.96, "status": "reopened"}
    world.hub.publish(Delta(seq + 1, T0 + 9 * MIN, "closure", "C-1", reopened))
    assert world.client.post("/api/closures/C-1/lift", headers=auth("hebei")).status_code == 409
