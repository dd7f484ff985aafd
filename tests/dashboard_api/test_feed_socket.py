"""The websocket endpoint end to end (Starlette's test client): snapshot, deltas, resume, refusals, masking."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from starlette.testclient import WebSocketTestSession

from streams.theater import Delta

from .conftest import BEIJING_PHONE, HEBEI_PHONE, T0, TOKENS, YANJIAO, World, call


def receive_until(ws: WebSocketTestSession, seq: int) -> list[dict[str, Any]]:
    """Messages up to and including the one with `seq` (the client gets them in order)."""
    out: list[dict[str, Any]] = []
    while True:
        for line in ws.receive_text().split("\n"):
            out.append(json.loads(line))
        if out[-1].get("seq") == seq and out[-1]["type"] != "heartbeat":
            return out


def yanjiao_update(seq: int, n: int) -> Delta:
    """A new Beijing-hotline call joins the Yanjiao incident."""
    caller = call(f"call-bj-{10 + n}", T0 + n * 1000, "130000", "131082", "110000", "赵六", "13700000000")
    inc = replace(YANJIAO, evidence=(*YANJIAO.evidence, caller), updated_at_ms=T0 + n * 1000)
    return Delta(seq, T0 + n * 1000, "incident", inc.id, inc)


def test_snapshot_then_deltas_with_increasing_seq(world: World) -> None:
    with world.client.websocket_connect(f"/ws/feed?token={TOKENS['hebei']}") as ws:
        snapshot = ws.receive_json()
        assert snapshot["type"] == "snapshot" and snapshot["seq"] == 7
        assert sorted(i["id"] for i in snapshot["incidents"]) == ["INC-YJ", "INC-ZZ"]
        assert [t["id"] for t in snapshot["tasks"]] == ["INC-YJ-T001.1"]
        assert snapshot["tasks"][0]["responder_base"] == [116.70, 39.90]
        for n in range(3):
            world.hub.publish(yanjiao_update(8 + n, n))
        messages = receive_until(ws, 10)
        assert [m["seq"] for m in messages] == [8, 9, 10]
        assert all(m["type"] == "delta" and m["kind"] == "incident" for m in messages)


def test_resume_across_a_forced_disconnect_is_gap_free_and_duplicate_free(world: World) -> None:
    url = f"/ws/feed?token={TOKENS['joint']}"
    with world.client.websocket_connect(url) as ws:
        snapshot = ws.receive_json()
        epoch = snapshot["epoch"]
        world.hub.publish(yanjiao_update(8, 1))
        first = receive_until(ws, 8)
    # Disconnected: these are missed.
    for n in range(2, 6):
        world.hub.publish(yanjiao_update(7 + n, n))
    with world.client.websocket_connect(f"{url}&since={first[-1]['seq']}&epoch={epoch}") as ws:
        hello = ws.receive_json()
        assert hello == {"type": "resumed", "since": 8, "seq": 12, "epoch": epoch}
        world.hub.publish(yanjiao_update(13, 6))
        second = receive_until(ws, 13)
    seqs = [m["seq"] for m in first + second]
    assert seqs == list(range(8, 14))


def test_resume_from_a_seq_out_of_history_gets_a_snapshot(world: World) -> None:
    for n in range(20):
        world.hub.publish(yanjiao_update(8 + n, n))
    world.hub.history_limit = 5
    world.hub.publish(yanjiao_update(28, 21))
    with world.client.websocket_connect(f"/ws/feed?token={TOKENS['joint']}&since=9") as ws:
        message = ws.receive_json()
        assert message["type"] == "snapshot" and message["seq"] == 28


def test_a_tianjin_token_never_sees_a_beijing_callers_phone_on_the_feed(world: World) -> None:
    with world.client.websocket_connect(f"/ws/feed?token={TOKENS['tianjin']}") as ws:
        snapshot = ws.receive_text()
        world.hub.publish(yanjiao_update(8, 1))
        delta = ws.receive_text()
    for text in (snapshot, delta):
        assert BEIJING_PHONE not in text and HEBEI_PHONE not in text and "13700000000" not in text
        assert "张**" in text
    with world.client.websocket_connect(f"/ws/feed?token={TOKENS['beijing']}&since=7") as ws:
        ws.receive_json()  # resumed
        assert "13700000000" in ws.receive_text()  # Beijing's own caller


def test_a_county_token_gets_only_its_county_and_returned_incidents(world: World) -> None:
    with world.client.websocket_connect(f"/ws/feed?token={TOKENS['sanhe']}") as ws:
        snapshot = ws.receive_json()
        assert [i["id"] for i in snapshot["incidents"]] == ["INC-YJ"]
        zhuozhou = world.picture.incidents["INC-ZZ"]
        world.hub.publish({"seq": 8, "at_ms": T0, "kind": "incident", "key": "INC-ZZ", "data": zhuozhou})
        world.hub.publish(yanjiao_update(9, 1))
        assert [m["key"] for m in receive_until(ws, 9)] == ["INC-YJ"]


def test_bad_token_and_bad_since_are_refused_with_a_message(world: World) -> None:
    with world.client.websocket_connect("/ws/feed?token=nope-nope-nope") as ws:
        assert ws.receive_json() == {"type": "error", "error": "unauthorized", "status": 401, "detail": "unknown token"}
        closed = ws.receive()
        assert closed["type"] == "websocket.close" and closed["code"] == 4401
    with world.client.websocket_connect("/ws/feed") as ws:
        assert ws.receive_json()["detail"].startswith("missing token")
    with world.client.websocket_connect(f"/ws/feed?token={TOKENS['joint']}&since=-3") as ws:
        message = ws.receive_json()
        assert message["status"] == 422 and "since='-3'" in message["detail"]
        assert ws.receive()["code"] == 4422


def test_a_header_token_works_too(world: World) -> None:
    headers = {"Authorization": f"Bearer {TOKENS['joint']}"}
    with world.client.websocket_connect("/ws/feed", headers=headers) as ws:
        assert ws.receive_json()["type"] == "snapshot"


def test_a_rejected_command_reaches_the_centre_that_issued_it(world: World) -> None:
    accepted = world.client.post(
        "/api/incidents/INC-YJ/acknowledge", headers={"Authorization": f"Bearer {TOKENS['sanhe']}"}
    ).json()
    rejection = Delta(8, T0, "rejected", accepted["command_id"], "command acknowledge: already acknowledged")
    with (
        world.client.websocket_connect(f"/ws/feed?token={TOKENS['sanhe']}&since=7") as sanhe,
        world.client.websocket_connect(f"/ws/feed?token={TOKENS['tianjin']}&since=7") as tianjin,
    ):
        sanhe.receive_json()
        tianjin.receive_json()
        world.hub.publish(rejection)
        world.hub.publish(yanjiao_update(9, 1))
        got = receive_until(sanhe, 9)
        assert [(m["kind"], m["data"] if m["kind"] == "rejected" else "") for m in got] == [
            ("rejected", "command acknowledge: already acknowledged"),
            ("incident", ""),
        ]
        assert [m["kind"] for m in receive_until(tianjin, 9)] == ["incident"]


def test_a_client_may_take_the_operator_language_in_one_language(world: World) -> None:
    with world.client.websocket_connect(f"/ws/feed?token={TOKENS['hebei']}&lang=en") as ws:
        snapshot = ws.receive_json()
        assert all(set(i["say"]) == {"en"} for i in snapshot["incidents"])
        world.hub.publish(yanjiao_update(8, 1))
        (delta,) = receive_until(ws, 8)
        assert set(delta["say"]) == {"en"} and set(delta["data"]["say"]) == {"en"}
        assert delta["data"]["say"]["en"]["title"] == "Gas explosion · Sanhe"
    with world.client.websocket_connect(f"/ws/feed?token={TOKENS['hebei']}") as ws:  # both, by default
        assert all(set(i["say"]) == {"zh", "en"} for i in ws.receive_json()["incidents"])
    with world.client.websocket_connect(f"/ws/feed?token={TOKENS['hebei']}&lang=fr") as ws:
        assert ws.receive_json()["status"] == 422
