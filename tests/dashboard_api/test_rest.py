"""Read endpoints through HTTP: scoping and masking as in the feed, filters, timeline, regions, counts, errors."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from streams.wire.records import Delta, EvidenceChange

from .conftest import BEIJING_PHONE, HEBEI_PHONE, MIN, T0, TASK_TZ, YANJIAO, World, auth, call


def ids(body: dict) -> list[str]:
    return [item["id"] for item in body["items"]]


def test_missing_and_unknown_tokens_get_401_with_a_clear_body(world: World) -> None:
    missing = world.client.get("/api/incidents")
    assert missing.status_code == 401
    assert missing.json() == {
        "error": "unauthorized",
        "status": 401,
        "detail": "missing token: send it as 'Authorization: Bearer <token>'",
    }
    assert missing.headers["www-authenticate"].startswith("Bearer")
    unknown = world.client.get("/api/incidents", headers={"Authorization": "Bearer not-a-token-at-all"})
    assert unknown.status_code == 401 and unknown.json()["detail"].startswith("unknown token")
    basic = world.client.get("/api/incidents", headers={"Authorization": "Basic abc"})
    assert basic.status_code == 401 and "Bearer" in basic.json()["detail"]


def test_out_of_scope_incident_is_403_and_an_unknown_one_404_with_a_hint(world: World) -> None:
    forbidden = world.client.get("/api/incidents/INC-DC", headers=auth("tianjin"))
    assert forbidden.status_code == 403
    assert forbidden.json() == {
        "error": "forbidden",
        "status": 403,
        "detail": "incident 'INC-DC' is outside the scope of centre 120000",
    }
    unknown = world.client.get("/api/incidents/INC-WX", headers=auth("tianjin"))
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "no incident 'INC-WX'; did you mean 'INC-WQ'?"
    assert "INC-DC" not in unknown.text and "INC-ZZ" not in unknown.text  # hints come only from what it may see
    assert world.client.get("/api/incidents/INC-DC/timeline", headers=auth("tianjin")).status_code == 403


def test_incident_lists_are_scoped_and_carry_the_feed_position(world: World) -> None:
    body = world.client.get("/api/incidents", headers=auth("beijing")).json()
    assert body["seq"] == 7 and body["total"] == 2
    assert ids(body) == ["INC-DC", "INC-YJ"]  # most recently updated first
    sanhe = world.client.get("/api/incidents", headers=auth("sanhe")).json()
    assert ids(sanhe) == ["INC-YJ"]


def test_a_tianjin_token_never_sees_a_beijing_callers_phone(world: World) -> None:
    for path in ("/api/incidents", "/api/incidents/INC-YJ", "/api/incidents/INC-YJ/timeline"):
        text = world.client.get(path, headers=auth("tianjin")).text
        assert BEIJING_PHONE not in text and HEBEI_PHONE not in text
        assert "张**" in text and "138****5678" in text
    own = world.client.get("/api/incidents/INC-YJ", headers=auth("beijing")).text
    assert BEIJING_PHONE in own and HEBEI_PHONE not in own


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=131082", ["INC-YJ"]),
        ("region=110000", ["INC-DC", "INC-YJ"]),
        ("province=120000", ["INC-WQ"]),
        ("stage=before", ["INC-DC"]),
        ("level=II", ["INC-WQ"]),
        ("type=flood_rescue", ["INC-ZZ", "INC-DC"]),
        (f"since={T0 + 20 * MIN}", ["INC-ZZ", "INC-WQ"]),
        ("until=2024-03-13T07:55:00%2B08:00", ["INC-DC", "INC-YJ"]),
        ("status=closed", []),
        ("limit=1&offset=1", ["INC-WQ"]),
    ],
)
def test_incident_filters(world: World, query: str, expected: list[str]) -> None:
    response = world.client.get(f"/api/incidents?{query}", headers=auth("joint"))
    assert response.status_code == 200, response.text
    assert ids(response.json()) == expected


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("region=131083", "region='131083' is not a province or county adcode of the theater; did you mean"),
        ("province=131082", "province='131082' is not a province adcode"),
        ("level=V", "query.level"),
        ("since=yesterday", "since: 'yesterday' is not an ISO 8601 time"),
        ("until=2024-03-13T07:55:00", "until: '2024-03-13T07:55:00' has no UTC offset"),
    ],
)
def test_bad_filters_say_which_and_why(world: World, query: str, says: str) -> None:
    response = world.client.get(f"/api/incidents?{query}", headers=auth("joint"))
    assert response.status_code == 422
    assert says in response.json()["detail"]


def test_timeline_is_time_ordered_and_masked(world: World) -> None:
    body = world.client.get("/api/incidents/INC-YJ/timeline", headers=auth("tianjin")).json()
    entries = body["entries"]
    assert [e["kind"] for e in entries] == ["evidence", "evidence", "decision", "task", "notification"]
    assert [e["at_ms"] for e in entries] == sorted(e["at_ms"] for e in entries)
    assert entries[3]["id"] == TASK_TZ.id and entries[3]["data"]["responder_base"] == [116.70, 39.90]
    assert entries[0]["data"]["personal"]["name"] == "张**"


def test_tasks_responders_notifications(world: World) -> None:
    tasks = world.client.get("/api/tasks", headers=auth("beijing")).json()
    assert ids(tasks) == [TASK_TZ.id]  # Beijing's own responder, on a Hebei incident
    assert world.client.get("/api/tasks?incident_id=INC-ZZ", headers=auth("joint")).json()["items"] == []
    responders = world.client.get("/api/responders", headers=auth("tianjin")).json()["items"]
    by_id = {r["id"]: r for r in responders}
    assert by_id["fire-110112-01"]["status"] == "assigned" and by_id["fire-131082-01"]["status"] == "available"
    assert by_id["fire-131082-01"]["synthetic"] is True
    hebei_only = world.client.get("/api/responders?province=130000", headers=auth("joint")).json()
    assert ids(hebei_only) == ["fire-131082-01"]
    notes = world.client.get("/api/notifications", headers=auth("tianjin")).json()
    assert ids(notes) == ["N000001"]
    assert world.client.get("/api/notifications", headers=auth("beijing")).json()["items"] == [
        json.loads(world.client.get("/api/notifications", headers=auth("joint")).text)["items"][0]
    ]  # Beijing sees the incident it concerns


def test_regions_geojson_is_cached_and_revalidated(world: World) -> None:
    first = world.client.get("/api/regions?level=province", headers=auth("tianjin"))
    assert first.status_code == 200 and first.headers["content-type"] == "application/geo+json"
    collection = first.json()
    assert collection["type"] == "FeatureCollection"
    assert {f["properties"]["adcode"] for f in collection["features"]} == {"110000", "120000", "130000"}
    again = world.client.get(
        "/api/regions?level=province", headers={**auth("tianjin"), "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    counties = world.client.get("/api/regions", headers=auth("tianjin")).json()
    assert len(counties["features"]) == 199
    assert world.client.get("/api/regions?level=city", headers=auth("tianjin")).status_code == 422


def test_me_counts_and_health(world: World) -> None:
    me = world.client.get("/api/me", headers=auth("sanhe")).json()
    assert me["centre"] == "131082" and me["can_control_replay"] is False
    assert (me["centre_name"], me["centre_name_en"]) == ("三河市指挥部", "Sanhe Command Post")
    tianjin = world.client.get("/api/me", headers=auth("tianjin")).json()
    names = (tianjin["centre_name"], tianjin["centre_name_en"])
    assert names == ("天津市应急指挥中心", "Tianjin Emergency Command Centre")
    counts = world.client.get("/api/counts", headers=auth("joint")).json()
    assert counts["feed"]["seq"] == 7 and counts["deltas"]["incident"] == 4
    health = world.client.get("/api/health").json()
    assert health["status"] == "ok" and health["seq"] == 7


def test_openapi_and_docs_work_offline(world: World) -> None:
    spec = world.client.get("/openapi.json").json()
    assert "/api/incidents/{incident_id}/level" in spec["paths"]
    docs = world.client.get("/docs").text  # Swagger UI, vendored: nothing fetched from a CDN
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs and "/static/docs.js" in docs
    assert "http://" not in docs and "https://" not in docs
    assert world.client.get("/redoc").status_code == 404


def test_entities_feed_lines_and_vocabulary_are_said_in_both_languages(world: World) -> None:
    yanjiao = world.client.get("/api/incidents/INC-YJ", headers=auth("joint")).json()
    assert (
        yanjiao["say"]["zh"]["title"] == "燃气爆炸 · 三河市"
        and yanjiao["say"]["en"]["title"] == "Gas explosion · Sanhe"
    )
    assert yanjiao["say"]["en"]["approvals"]["AP-1"] == "evacuate 500 m"  # free text without a translation: as written
    timeline = world.client.get("/api/incidents/INC-YJ/timeline", headers=auth("joint")).json()["entries"]
    assert all(entry["say"]["zh"] and entry["say"]["en"] for entry in timeline)
    words = world.client.get("/api/words", headers=auth("tianjin")).json()
    assert words["level"]["II"] == {"zh": "Ⅱ级响应", "en": "level II"}
    assert words["places"]["120000"]["en"] == "Tianjin" and words["places"]["131082"]["short_en"] == "Sanhe"
    counties = world.client.get("/api/regions", headers=auth("tianjin")).json()["features"]
    sanhe = next(f for f in counties if f["properties"]["adcode"] == "131082")["properties"]
    assert sanhe["name_en"] == "Sanhe" and sanhe["label_zh"] == "三河市" and len(sanhe["label"]) == 2
    assert world.client.get("/api/reports-due", headers=auth("tianjin")).json() == {"seq": 7, "total": 0, "items": []}
    assert set(world.client.get("/api/layers", headers=auth("tianjin")).json()) == {"hazards", "shelters"}
    # a delta published once the app speaks: its lines are on the feed and in /api/feed for a page that opens
    data = {k: v for k, v in world.picture.incidents["INC-YJ"].items() if k != "say"}
    world.hub.publish({"seq": 8, "at_ms": world.picture.at_ms, "kind": "incident", "key": "INC-YJ", "data": data})
    lines = world.client.get("/api/feed?limit=5", headers=auth("joint")).json()["items"]
    assert lines[0]["seq"] == 8 and lines[0]["say"]["zh"] and lines[0]["say"]["en"]
    assert world.client.get("/api/feed", headers=auth("beijing")).json()["items"][0]["seq"] == 8  # Beijing sees it


def test_an_incident_delta_carries_what_changed_and_rest_serves_the_whole_evidence_paged(world: World) -> None:
    caller = call("call-bj-9", T0 + 3 * MIN, "130000", "131082", "110000", "赵六", "13911119999")
    update = replace(YANJIAO, evidence=(*YANJIAO.evidence, caller), counts=(("call:gas_smell", 3),))
    world.hub.publish(Delta(8, T0 + 3 * MIN, "incident", YANJIAO.id, update, EvidenceChange((caller,))))
    kept = world.picture.incidents[YANJIAO.id]
    assert [e["signal_id"] for e in kept["evidence"]] == ["call-bj-1", "call-hb-1", "call-bj-9"]
    assert (kept["evidence_kept"], kept["evidence_by_source"]) == (3, {"hotline": 3})
    assert "evidence_added" not in kept
    whole = world.client.get("/api/incidents/INC-YJ", headers=auth("beijing")).json()
    assert [e["signal_id"] for e in whole["evidence"]] == ["call-bj-1", "call-hb-1", "call-bj-9"]
    page = world.client.get("/api/incidents/INC-YJ/evidence?limit=2&offset=1", headers=auth("tianjin")).json()
    assert (page["incident_id"], page["seq"], page["total"]) == ("INC-YJ", 8, 3)
    assert [e["signal_id"] for e in page["items"]] == ["call-hb-1", "call-bj-9"]
    assert "13911119999" not in json.dumps(page) and "139****9999" in json.dumps(page)  # masked as everywhere
    assert world.client.get("/api/incidents/INC-DC/evidence", headers=auth("tianjin")).status_code == 403
