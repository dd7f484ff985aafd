"""Bad input on the command-centre API: every endpoint of the OpenAPI document, with mutated and generated
bodies, path segments, query values and tokens; and the websocket feed with random parameters and frames.

No request may raise inside the app (the test client re-raises it) or answer 5xx; every refusal is the API's
error body with a sentence in `detail`. Each test prints how many requests it made (run with -s).
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.websockets import WebSocketDisconnect

from tests.faults.api_world import TOKENS, World
from tests.faults.mutation import ODD_VALUES, mutate_json

ALLOWED = {200, 202, 304, 400, 401, 403, 404, 405, 409, 413, 415, 422}
REQUESTS_PER_ENDPOINT = 60


def valid_bodies(world: World) -> dict[str, dict[str, Any]]:
    incident = next(iter(world.picture.incidents.values()))
    evidence = [s["signal_id"] for s in incident["evidence"]]
    approvals = [a["id"] for a in incident["approvals"]] or ["AP-1"]
    return {
        "NoteBody": {"reason": "收到，已派员"},
        "LevelBody": {"level": "II", "reason": "伤亡增加"},
        "CloseBody": {"reason": "救援结束"},
        "ApprovalBody": {"approval_id": approvals[0]},
        "MergeBody": {"other": "JINGJINJI-000002", "reason": "同一事件"},
        "SplitBody": {"evidence_ids": evidence[:1], "reason": "另一事件"},
        "SpeedBody": {"speed": 60.0},
    }


def endpoints(world: World) -> list[tuple[str, str, list[str], str | None]]:
    """(method, path template, query parameter names, body schema name) for every documented operation."""
    out = []
    for path, ops in world.app.openapi()["paths"].items():
        for method, op in ops.items():
            query = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
            schema = json.dumps((op.get("requestBody") or {}).get("content", {}))
            body = next((name for name in valid_bodies(world) if f"/{name}" in schema), None)
            out.append((method.upper(), path, query, body))
    return out


def path_values(world: World) -> list[str]:
    incident = next(iter(world.picture.incidents))
    responder = next(iter(world.picture.responders), "fire_station-131082-01")
    return [
        incident,
        responder,
        "JINGJINJI-999999",
        "..",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "..%2f..%2fpyproject.toml",
        "燕郊",
        "x" * 3000,
        "%00",
        "%ff%fe",
        "a%20b",
        "-1",
        "{incident_id}",
    ]


def headers(rng: random.Random) -> dict[str, str]:
    choice = rng.randrange(8)
    if choice == 0:
        return {}
    if choice == 1:
        return {"Authorization": "Bearer not-a-token"}
    if choice == 2:
        return {"Authorization": f"Basic {rng.choice(list(TOKENS.values()))}"}
    if choice == 3:
        return {"Authorization": "Bearer " + "x" * 10_000}
    return {"Authorization": f"Bearer {rng.choice(list(TOKENS.values()))}"}


def query_value(rng: random.Random) -> str:
    value = rng.choice([*ODD_VALUES, "130000", "131082", "during", "II", "open", 5, 10**30, -3])
    return value if isinstance(value, str) else json.dumps(value)


def check(response: Any, what: str) -> None:
    assert response.status_code in ALLOWED, f"{what} → {response.status_code}: {response.text[:400]}"
    if response.status_code >= 400:
        body = response.json()
        assert body.get("status") == response.status_code and body.get("error"), f"{what}: {body}"
        assert isinstance(body.get("detail"), str) and len(body["detail"]) >= 8, f"{what}: no reason in {body}"


def send(
    client: TestClient,
    rng: random.Random,
    world: World,
    method: str,
    template: str,
    query: list[str],
    body_name: str | None,
) -> tuple[Any, str]:
    path = template
    for name in ("incident_id", "responder_id"):
        values = path_values(world)
        path = path.replace(
            "{" + name + "}", values[0 if name == "incident_id" else 1] if rng.random() < 0.5 else rng.choice(values)
        )
    params = {name: query_value(rng) for name in query if rng.random() < 0.4}
    if rng.random() < 0.1:
        params["unknown_param"] = "1"
    content: bytes | None = None
    if body_name is not None or rng.random() < 0.2:
        base = valid_bodies(world).get(body_name or "NoteBody", {})
        roll = rng.random()
        if roll < 0.15:
            content = json.dumps(base, ensure_ascii=False).encode()
        elif roll < 0.85:
            content = mutate_json(json.dumps(base, ensure_ascii=False).encode(), rng)
        else:
            content = bytes(rng.randrange(256) for _ in range(rng.randrange(64)))
    extra = {"Content-Type": rng.choice(["application/json", "text/plain", "application/x-www-form-urlencoded"])}
    what = f"{method} {path[:120]} params={params} body={content[:200] if content else None!r}"
    response = client.request(method, path, params=params, content=content, headers={**headers(rng), **extra})
    return response, what


def test_every_endpoint_with_mutated_requests(client: TestClient, world: World) -> None:
    rng = random.Random(8765)
    statuses: dict[int, int] = {}
    tried = 0
    for method, template, query, body_name in endpoints(world):
        for _ in range(REQUESTS_PER_ENDPOINT):
            response, what = send(client, rng, world, method, template, query, body_name)
            check(response, what)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            tried += 1
    print(
        f"\nREST fuzz (mutation): {tried} requests over {len(endpoints(world))} operations, 0 crashes; "
        f"statuses {dict(sorted(statuses.items()))}"
    )
    assert statuses.get(200, 0) + statuses.get(202, 0) > 0, "nothing got through: only the refusals were tested"
    assert statuses.get(422, 0) > 0 and statuses.get(401, 0) > 0


_REST_TRIED: list[int] = []
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(
    index=st.integers(min_value=0, max_value=10_000),
    body=_JSON
    | st.dictionaries(
        st.sampled_from(["reason", "level", "approval_id", "other", "evidence_ids", "speed"]), _JSON, max_size=4
    ),
    token=st.sampled_from([*TOKENS.values(), "", "nope"]),
)
def test_generated_bodies_on_every_operation(
    client: TestClient, world: World, index: int, body: object, token: str
) -> None:
    method, template, _, _ = endpoints(world)[index % len(endpoints(world))]
    incident = next(iter(world.picture.incidents))
    path = template.replace("{incident_id}", incident).replace("{responder_id}", "fire_station-131082-01")
    response = client.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})
    check(response, f"{method} {path} json={json.dumps(body)[:200]}")
    _REST_TRIED.append(1)


def test_generated_bodies_report() -> None:
    print(f"\nREST fuzz (property-based): {len(_REST_TRIED)} requests, 0 crashes")
    assert len(_REST_TRIED) >= 100


def test_websocket_feed_with_random_parameters_and_frames(world: World, client: TestClient) -> None:
    rng = random.Random(4000)
    tried = frames = 0
    outcomes: dict[str, int] = {}
    for _ in range(120):
        params: dict[str, str] = {}
        roll = rng.random()
        if roll < 0.7:
            params["token"] = rng.choice([*TOKENS.values(), "nope", "", "x" * 2000])
        if rng.random() < 0.5:
            params["since"] = rng.choice(["0", "1", "5", str(world.picture.seq), "-1", "abc", "99999999999", "1e3", ""])
        if rng.random() < 0.3:
            params["epoch"] = rng.choice(["", "x", world.hub.epoch, "../../"])
        if rng.random() < 0.3:
            params["batch"] = rng.choice(["1", "0", "true", "yes", ""])
        try:
            with client.websocket_connect("/ws/feed", params=params) as ws:
                first = ws.receive_json()
                kind = str(first.get("type"))
                if kind == "error":
                    assert first.get("status") in (401, 422) and len(str(first.get("detail"))) >= 8, first
                    with pytest.raises(WebSocketDisconnect) as closed:
                        ws.receive_text()
                    assert closed.value.code == 4000 + first["status"]
                else:
                    assert kind in ("snapshot", "resumed"), first
                    for _ in range(rng.randrange(4)):
                        frames += 1
                        if rng.random() < 0.5:
                            ws.send_text(rng.choice(['{"type":"ack"}', "", "x" * 70_000, "\u0000", "[[[[", "{}"]))
                        else:
                            ws.send_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(100))))
                outcomes[kind] = outcomes.get(kind, 0) + 1
        except WebSocketDisconnect as exc:
            outcomes[f"closed {exc.code}"] = outcomes.get(f"closed {exc.code}", 0) + 1
        tried += 1
    print(f"\nwebsocket fuzz: {tried} connections, {frames} client frames, 0 crashes; first messages {outcomes}")
    assert outcomes.get("snapshot", 0) > 0 and outcomes.get("error", 0) > 0
