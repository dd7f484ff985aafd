"""Security probes against the command-centre API over the Yanjiao picture: tokens, scoping, masking of
callers' personal data, request size limits, and path traversal through the endpoints that serve files.

The callers of the scenario: two on the Hebei hotline (owner 130000), two on the Beijing hotline (110000).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.faults.api_world import TOKENS, World, auth

CALLERS = {
    "130000": ("13800138001", "13900139002", "王建国", "李秀英"),
    "110000": ("13700137003", "13600136004", "赵磊", "孙丽"),
}
PROVINCE_OF = {"joint": None, "beijing": "110000", "tianjin": "120000", "hebei": "130000", "sanhe": "130000"}
OPEN = {"/api/health", "/metrics", "/openapi.json", "/", "/docs"}  # /metrics: counts only, never content


def operations(world: World) -> list[tuple[str, str]]:
    incident = next(iter(world.picture.incidents))
    out = []
    for path, ops in world.app.openapi()["paths"].items():
        concrete = path.replace("{incident_id}", incident).replace("{responder_id}", "fire_station-131082-01")
        out.extend((method.upper(), concrete) for method in ops)
    return out


def readable(client: TestClient, world: World, who: str) -> str:
    """Everything a token can read: every GET endpoint and its websocket snapshot, as one text."""
    texts = []
    for method, path in operations(world):
        if method == "GET":
            texts.append(client.get(path, headers=auth(who)).text)
    with client.websocket_connect("/ws/feed", params={"token": TOKENS[who]}) as ws:
        texts.append(json.dumps(ws.receive_json(), ensure_ascii=False))
    return "\n".join(texts)


def test_every_endpoint_but_health_wants_a_known_token(client: TestClient, world: World) -> None:
    probed = 0
    for method, path in operations(world):
        if path in OPEN:
            continue
        for headers in ({}, {"Authorization": "Bearer demo-joint-3f9c1a7f"}, {"Authorization": TOKENS["joint"]}):
            response = client.request(method, path, headers=headers)
            assert response.status_code == 401, f"{method} {path} with {headers}: {response.status_code}"
            probed += 1
    with client.websocket_connect("/ws/feed", params={"token": "demo-joint"}) as ws:
        assert ws.receive_json()["status"] == 401
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
        assert closed.value.code == 4401
    print(f"\ntoken probes: {probed} requests without a valid token, all 401")
    assert probed > 20


@pytest.mark.parametrize("who", sorted(TOKENS))
def test_callers_personal_data_is_shown_only_to_their_own_province(client: TestClient, world: World, who: str) -> None:
    text = readable(client, world, who)
    for owner, personal in CALLERS.items():
        for item in personal:
            if PROVINCE_OF[who] == owner:
                assert item in text, f"{who} should see its own callers' {item}"  # the probe can see data
            else:
                assert item not in text, f"{who} sees {item}, personal data owned by {owner}"


def test_only_the_joint_centre_controls_the_drill_replay(client: TestClient) -> None:
    for who in ("beijing", "tianjin", "hebei", "sanhe"):
        for action in ("pause", "resume"):
            assert client.post(f"/api/replay/{action}", headers=auth(who)).status_code == 403
        assert client.post("/api/replay/speed", headers=auth(who), json={"speed": 10}).status_code == 403
    assert client.post("/api/replay/pause", headers=auth("joint")).status_code == 200
    assert client.post("/api/replay/resume", headers=auth("joint")).status_code == 200


def test_a_centre_cannot_command_an_incident_it_cannot_see(client: TestClient, world: World) -> None:
    """A Tianjin-only incident (武清) is added to the picture: Beijing and Hebei may neither read nor command it."""
    yanjiao = dict(world.picture.incidents["JINGJINJI-000001"])
    wuqing: dict[str, Any] = {
        **yanjiao,
        "id": "JINGJINJI-900001",
        "province": "120000",
        "provinces": ["120000"],
        "adcode": "120114",
        "adcodes": ["120114"],
        "evidence": [],
        "approvals": [],
        "status": "open",
    }
    seq = world.picture.seq + 1
    world.hub.publish(
        {"seq": seq, "at_ms": world.picture.at_ms, "kind": "incident", "key": wuqing["id"], "data": wuqing}
    )
    for who in ("beijing", "hebei", "sanhe"):
        assert client.get(f"/api/incidents/{wuqing['id']}", headers=auth(who)).status_code == 403
        for action, body in (
            ("acknowledge", None),
            ("close", {"reason": "x"}),
            ("level", {"level": "I", "reason": "x"}),
        ):
            response = client.post(f"/api/incidents/{wuqing['id']}/{action}", headers=auth(who), json=body)
            assert response.status_code == 403, f"{who} {action}: {response.status_code} {response.text}"
        listed = client.get("/api/incidents", headers=auth(who)).json()["items"]
        assert wuqing["id"] not in {i["id"] for i in listed}
    assert client.get(f"/api/incidents/{wuqing['id']}", headers=auth("tianjin")).status_code == 200
    assert not [c for c in world.sink.commands if c.incident_id == wuqing["id"]], "a refused command reached the core"


def test_request_bodies_over_the_limit_are_refused(client: TestClient, world: World) -> None:
    incident = next(iter(world.picture.incidents))
    url = f"/api/incidents/{incident}/acknowledge"
    big = json.dumps({"reason": "x" * 70_000}).encode()
    declared = client.post(url, headers={**auth("hebei"), "Content-Type": "application/json"}, content=big)
    assert declared.status_code == 413 and "byte limit" in declared.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit must hold while reading
        yield b'{"reason": "'
        for _ in range(100):
            yield b"y" * 1000
        yield b'"}'

    streamed = client.post(url, headers={**auth("hebei"), "Content-Type": "application/json"}, content=chunks())
    assert streamed.status_code == 413
    lying = client.post(
        url, headers={**auth("hebei"), "Content-Type": "application/json", "Content-Length": "10"}, content=big
    )
    assert lying.status_code in (400, 413, 422)
    assert not [c for c in world.sink.commands if len(c.reason) > 10_000], "an oversized command reached the core"


TRAVERSALS = [
    "../../pyproject.toml",
    "..%2f..%2fpyproject.toml",
    "%2e%2e%2f%2e%2e%2fpyproject.toml",
    "%252e%252e%252fpyproject.toml",
    "..\\..\\pyproject.toml",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "....//....//etc/passwd",
    "app.js%00.css",
    "__init__.py",
    "../access.py",
    "../data/demo_tokens.yaml",
]


def test_no_path_traversal_through_static_files_or_regions(client: TestClient) -> None:
    secrets = ("[project]", "root:x:0:0", "demo-joint-3f9c1a7e", "import ")
    probed = 0
    for name in TRAVERSALS:
        for path in (f"/static/{name}", f"/{name}", f"/api/regions?level={name}", f"/static/../{name}"):
            response = client.get(path, headers=auth("joint"))
            probed += 1
            assert response.status_code in (404, 422), f"{path}: {response.status_code}"
            assert not any(s in response.text for s in secrets), f"{path} leaked a file: {response.text[:200]}"
    assert client.get("/static/app.js").status_code == 200  # the probe reaches the file server at all
    print(f"\npath traversal probes: {probed} requests, none outside the served files")


def test_the_open_metrics_endpoint_carries_counts_and_no_personal_data(client: TestClient) -> None:
    text = client.get("/metrics").text
    assert "ebrain_feed_seq" in text
    for personal in CALLERS.values():
        for item in personal:
            assert item not in text
    values = [line.rsplit(" ", 1)[1] for line in text.splitlines() if line and not line.startswith("#")]
    assert all(re.fullmatch(r"[0-9.e+-]+|\+Inf", v) for v in values), values
