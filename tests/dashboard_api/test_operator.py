"""Operator commands become `contract.Command`s stamped with event time, operator and centre; replay control."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from dashboard_api.access import AccessPolicy
from geo.regions import RegionIndex
from streams.wire import codec, contract

from .conftest import World, auth, make_world


def only_command(world: World) -> contract.Command:
    assert len(world.sink.commands) == 1
    return world.sink.commands[0]


def test_set_level_becomes_a_command_with_operator_centre_and_event_time(world: World) -> None:
    response = world.client.post(
        "/api/incidents/INC-YJ/level", headers=auth("hebei"), json={"level": "II", "reason": "二次爆炸"}
    )
    assert response.status_code == 202
    command = only_command(world)
    assert response.json() == {
        "command_id": command.event_id,
        "action": "set_level",
        "at": "2024-03-13T07:57:00.000+08:00",  # the picture's clock (T0 + 3 min), not the wall clock
        "incident_id": "INC-YJ",
        "target": "",
    }
    assert (command.operator, command.centre, command.level, command.reason) == (
        "河北值班员",
        "130000",
        "II",
        "二次爆炸",
    )
    assert command.schema_version == contract.CURRENT_VERSION
    # It is a valid wire message: the core decodes it like any other.
    assert codec.decode(codec.encode(command), codec.Origin("commands")) == command


@pytest.mark.parametrize(
    ("path", "body", "action", "fields"),
    [
        ("/api/incidents/INC-YJ/acknowledge", None, "acknowledge", {"incident_id": "INC-YJ"}),
        ("/api/incidents/INC-YJ/close", {"reason": "救援结束"}, "close", {"reason": "救援结束"}),
        ("/api/incidents/INC-YJ/approve", {"approval_id": "AP-1"}, "approve", {"target": "AP-1"}),
        ("/api/incidents/INC-YJ/reject", {"approval_id": "AP-1"}, "reject", {"target": "AP-1"}),
        ("/api/incidents/INC-YJ/merge", {"other": "INC-ZZ"}, "merge", {"target": "INC-ZZ"}),
        ("/api/incidents/INC-YJ/split", {"evidence_ids": ["call-hb-1"]}, "split", {"evidence_ids": ["call-hb-1"]}),
        ("/api/responders/fire-131082-01/release", None, "release", {"target": "fire-131082-01"}),
    ],
)
def test_each_command(world: World, path: str, body: dict | None, action: str, fields: dict) -> None:
    response = world.client.post(path, headers=auth("hebei"), json=body)
    assert response.status_code == 202, response.text
    command = only_command(world)
    assert command.action == action
    assert all(getattr(command, name) == value for name, value in fields.items())
    assert command.event_id.startswith("cmd-") and response.json()["command_id"] == command.event_id


def test_command_ids_are_unique_and_remembered_for_the_issuing_centre(world: World) -> None:
    for _ in range(3):
        world.client.post("/api/incidents/INC-YJ/acknowledge", headers=auth("sanhe"))
    ids = [c.event_id for c in world.sink.commands]
    assert len(set(ids)) == 3
    assert all(world.picture.issuer_of(i) == "131082" for i in ids)


def test_commands_outside_scope_are_403(world: World) -> None:
    response = world.client.post("/api/incidents/INC-DC/acknowledge", headers=auth("tianjin"))
    assert response.status_code == 403 and response.json()["error"] == "forbidden"
    merge = world.client.post("/api/incidents/INC-YJ/merge", headers=auth("beijing"), json={"other": "INC-ZZ"})
    assert merge.status_code == 403  # Beijing may not pull in a Hebei incident it cannot see
    release = world.client.post("/api/responders/fire-131082-01/release", headers=auth("tianjin"))
    assert release.status_code == 403
    assert world.sink.commands == []


def test_unknown_fields_are_422_with_a_did_you_mean(world: World) -> None:
    response = world.client.post(
        "/api/incidents/INC-YJ/level", headers=auth("hebei"), json={"levle": "II", "reason": "x"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "unprocessable_content" or body["error"] == "unprocessable_entity"
    assert body["detail"].startswith("body.levle: unknown field; did you mean 'level'? (accepted: level, reason)")
    assert {"field": "body.level", "message": "Field required"} in body["fields"]
    assert world.sink.commands == []


@pytest.mark.parametrize(
    ("path", "body", "status", "says"),
    [
        ("/api/incidents/INC-YJ/level", {"level": "V", "reason": "x"}, 422, "body.level"),
        ("/api/incidents/INC-YJ/level", {"level": "II", "reason": ""}, 422, "body.reason"),
        ("/api/incidents/INC-YJ/approve", {"approval_id": "AP-2"}, 404, "no approval 'AP-2'; did you mean 'AP-1'"),
        ("/api/incidents/INC-YJ/approve", {"approval_id": "AP-0"}, 409, "already approved by op@130000"),
        ("/api/incidents/INC-YJ/merge", {"other": "INC-YJ"}, 422, "cannot be merged into itself"),
        ("/api/incidents/INC-YJ/split", {"evidence_ids": ["call-hb-2"]}, 422, "did you mean 'call-hb-1'"),
        ("/api/incidents/INC-YJ/split", {"evidence_ids": ["call-hb-1", "call-bj-1"]}, 422, "would leave nothing"),
        ("/api/incidents/INC-YJ/split", {"evidence_ids": []}, 422, "body.evidence_ids"),
        ("/api/responders/fire-131082-99/release", None, 404, "did you mean 'fire-131082-01'"),
        ("/api/incidents/INC-YJ/close", ["reason"], 422, "body"),
    ],
)
def test_command_errors_say_what_is_wrong(world: World, path: str, body: object, status: int, says: str) -> None:
    response = world.client.post(path, headers=auth("joint"), json=body)
    assert response.status_code == status, response.text
    assert says in response.json()["detail"]
    assert world.sink.commands == []


def test_oversize_body_is_413_whether_declared_or_streamed(world: World) -> None:
    big = b'{"reason": "' + b"x" * 70_000 + b'"}'
    declared = world.client.post("/api/incidents/INC-YJ/close", headers=auth("joint"), content=big)
    assert declared.status_code == 413
    assert declared.json()["detail"].startswith("request body is over the 65536 byte limit")

    def chunks() -> Iterator[bytes]:
        yield big[:40_000]
        yield big[40_000:]

    streamed = world.client.post("/api/incidents/INC-YJ/close", headers=auth("joint"), content=chunks())
    assert streamed.status_code == 413
    assert world.sink.commands == []


def test_a_closed_incident_takes_no_commands(world: World) -> None:
    closed = {**world.picture.incidents["INC-ZZ"], "status": "closed"}
    world.hub.publish({"seq": 8, "at_ms": 0, "kind": "incident", "key": "INC-ZZ", "data": closed})
    response = world.client.post("/api/incidents/INC-ZZ/acknowledge", headers=auth("joint"))
    assert response.status_code == 409 and "closed" in response.json()["detail"]


def test_a_slow_sink_is_503_not_a_hang(
    regions: RegionIndex, access: AccessPolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    class StuckSink:
        async def submit(self, command: contract.Command) -> None:
            await asyncio.Event().wait()

    monkeypatch.setattr("dashboard_api.operator.SUBMIT_TIMEOUT_S", 0.01)
    for world in make_world(regions, access, commands=StuckSink()):
        response = world.client.post("/api/incidents/INC-YJ/acknowledge", headers=auth("joint"))
        assert response.status_code == 503 and "did not accept" in response.json()["detail"]


def test_without_a_clock_commands_use_the_last_delta_time(regions: RegionIndex, access: AccessPolicy) -> None:
    for world in make_world(regions, access, clock=None):
        world.client.post("/api/incidents/INC-YJ/acknowledge", headers=auth("joint"))
        assert only_command(world).at == "2024-03-13T07:56:00.000+08:00"


def test_replay_control(world: World) -> None:
    assert world.client.post("/api/replay/pause", headers=auth("joint")).json() == {"paused": True, "speed": 60.0}
    assert world.replay.paused
    speed = world.client.post("/api/replay/speed", headers=auth("joint"), json={"speed": None})
    assert speed.json() == {"paused": True, "speed": None}
    assert world.client.post("/api/replay/resume", headers=auth("joint")).json()["paused"] is False
    assert world.client.post("/api/replay/speed", headers=auth("joint"), json={"speed": -1}).status_code == 422
    refused = world.client.post("/api/replay/pause", headers=auth("beijing"))
    assert refused.status_code == 403 and "may not control" in refused.json()["detail"]
    assert world.client.get("/api/replay", headers=auth("beijing")).json() == {"paused": False, "speed": None}


def test_replay_routes_without_a_replay_are_404(regions: RegionIndex, access: AccessPolicy) -> None:
    for world in make_world(regions, access, replay=None):
        response = world.client.post("/api/replay/pause", headers=auth("joint"))
        assert response.status_code == 404 and response.json()["detail"] == "no drill replay is running"
        assert world.client.get("/api/me", headers=auth("joint")).json()["can_control_replay"] is False
