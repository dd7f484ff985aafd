"""The read model: replacement by key, redelivery ignored, relations for scoping, fleet facts added."""

from __future__ import annotations

from dataclasses import replace

from dashboard_api.deltas import as_delta_json
from dashboard_api.picture import Picture, ResponderHome
from geo.regions import RegionIndex
from streams.theater import Delta

from .conftest import FIRE_TZ, NOTE_TJ, T0, TASK_TZ, YANJIAO, base_deltas

HOMES = {FIRE_TZ.id: ResponderHome(FIRE_TZ.name, "fire_station", "110000", "110112", 116.70, 39.90)}


def applied(picture: Picture, delta: Delta) -> bool:
    return picture.apply(as_delta_json(delta)[0])


def test_latest_entity_by_key_and_relations() -> None:
    picture = Picture()
    for delta in base_deltas():
        assert applied(picture, delta)
    later = replace(YANJIAO, stage="after", updated_at_ms=T0 + 600_000)
    assert applied(picture, Delta(8, T0 + 600_000, "incident", YANJIAO.id, later))
    assert picture.incidents[YANJIAO.id]["stage"] == "after"
    assert len(picture.incidents) == 4
    assert picture.seq == 8 and picture.at_ms == T0 + 600_000
    assert [t["id"] for t in picture.tasks_of("INC-YJ")] == [TASK_TZ.id]
    assert [n["id"] for n in picture.notifications_of("INC-YJ")] == [NOTE_TJ.id]
    assert picture.notified("INC-YJ") == {"120000"}
    assert picture.tasked("INC-YJ") == {"110000", "110112"}
    assert picture.notified("INC-ZZ") == set() and picture.tasked("INC-ZZ") == set()


def test_a_redelivered_delta_changes_nothing_and_a_gap_is_counted() -> None:
    picture = Picture()
    first = base_deltas()[0]
    assert applied(picture, first)
    stale = Delta(1, T0, "incident", YANJIAO.id, replace(YANJIAO, stage="closed"))
    assert not applied(picture, stale)
    assert picture.incidents[YANJIAO.id]["stage"] == "during"
    assert picture.redelivered == 1
    assert applied(picture, Delta(5, T0, "incident", "X", replace(YANJIAO, id="X")))
    assert picture.gaps == 1


def test_tasks_and_responders_gain_fleet_facts_also_when_known_late() -> None:
    picture = Picture()
    for delta in base_deltas():
        applied(picture, delta)
    assert "responder_base" not in picture.tasks[TASK_TZ.id]
    picture.know_responders(HOMES)
    assert picture.tasks[TASK_TZ.id]["responder_base"] == [116.70, 39.90]
    assert picture.responders[FIRE_TZ.id]["home_province"] == "110000"
    data = as_delta_json(Delta(9, T0, "responder", FIRE_TZ.id, {"id": FIRE_TZ.id, "status": "on_scene", "why": "x"}))[0]
    picture.apply(data)
    assert data["data"]["name"] == FIRE_TZ.name and data["data"]["since_ms"] == T0  # the feed carries them too
    assert picture.responders[FIRE_TZ.id]["status"] == "on_scene"


def test_rejections_are_kept_and_commands_remember_their_centre() -> None:
    picture = Picture()
    picture.note_command("cmd-1", "130000")
    applied(picture, Delta(1, T0, "rejected", "cmd-1", "command set_level: no incident 'X'"))
    assert list(picture.rejected) == [
        {"seq": 1, "at_ms": T0, "key": "cmd-1", "reason": "command set_level: no incident 'X'"}
    ]
    assert picture.issuer_of("cmd-1") == "130000"
    assert picture.issuer_of("cmd-2") is None


def test_an_odd_entity_is_said_generically_and_never_stops_the_feed(regions: RegionIndex) -> None:
    from streams.words import Words

    picture = Picture()
    picture.speak_with(Words.build(regions))
    odd = {"id": "C-1", "kind": "cordon", "lon": "east", "lat": None, "radius_m": "wide", "status": "active"}
    assert picture.apply({"seq": 1, "at_ms": 1, "kind": "closure", "key": "C-1", "data": odd})
    assert picture.closures["C-1"] is odd and picture.unsaid  # counted for /api/counts, not raised
