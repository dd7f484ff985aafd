"""A picture rebuilt from the latest delta of each entity equals the fold of every delta, and the feed takes over
from it without a delta missed or applied twice."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest

from dashboard_api.deltas import as_delta_json, encode_delta
from dashboard_api.feed import FeedHub
from dashboard_api.picture import Picture
from dashboard_api.rebuild import LatestDeltas, rebuild_picture, takeover
from streams.theater import Delta

from .conftest import MIN, NOTE_TJ, T0, TASK_TZ, YANJIAO, ZHUOZHOU, base_deltas


def history() -> list[dict[str, Any]]:
    """The base picture, then updates of entities already there: each entity's latest delta is not its first."""
    updates = [
        ("incident", YANJIAO.id, replace(YANJIAO, stage="after", updated_at_ms=T0 + 30 * MIN)),
        ("task", TASK_TZ.id, replace(TASK_TZ, status="on_scene")),
        ("responder", TASK_TZ.responder_id, {"id": TASK_TZ.responder_id, "status": "on_scene", "why": "arrived"}),
        ("rejected", "cmd-1", "command close: no incident 'INC-XX'"),
        ("notification", "N000002", replace(NOTE_TJ, id="N000002", to_province="110000")),
        ("incident", ZHUOZHOU.id, replace(ZHUOZHOU, status="closed", stage="closed")),
        ("incident", YANJIAO.id, replace(YANJIAO, stage="after", response_level="II")),
    ]
    deltas = [as_delta_json(d)[0] for d in base_deltas()]
    start = len(deltas) + 1
    for n, (kind, key, entity) in enumerate(updates, start=start):
        deltas.append(as_delta_json(Delta(n, T0 + n * MIN, kind, key, entity))[0])
    return deltas


def fold(deltas: list[dict[str, Any]]) -> Picture:
    picture = Picture()
    for delta in deltas:
        picture.apply(as_delta_json(delta)[0])
    return picture


def view(picture: Picture) -> dict[str, Any]:
    """What REST and the feed read of a picture, without the order entities came in."""
    incidents = sorted(picture.incidents)
    return {
        "seq": picture.seq,
        "at_ms": picture.at_ms,
        "incidents": {k: picture.incidents[k] for k in incidents},
        "tasks": dict(sorted(picture.tasks.items())),
        "responders": dict(sorted(picture.responders.items())),
        "notifications": dict(sorted(picture.notifications.items())),
        "rejected": list(picture.rejected),
        "notified": {i: picture.notified(i) for i in incidents},
        "tasked": {i: picture.tasked(i) for i in incidents},
        "tasks_of": {i: sorted(t["id"] for t in picture.tasks_of(i)) for i in incidents},
    }


def latest_of(deltas: list[dict[str, Any]], shuffle_seed: int | None = None) -> LatestDeltas:
    records = [encode_delta(d) for d in deltas]
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(records)  # an uncompacted tail holds every version, in any order
    latest = LatestDeltas()
    for offset, raw in enumerate(records):
        latest.add(raw, f"picture/0@{offset}")
    return latest


@pytest.mark.parametrize("shuffle_seed", [None, 1, 2, 3])
def test_the_latest_delta_of_each_entity_rebuilds_the_fold_of_every_delta(shuffle_seed: int | None) -> None:
    deltas = history()
    latest = latest_of(deltas, shuffle_seed)
    assert latest.seq == deltas[-1]["seq"]
    assert len(latest.by_entity) < len(deltas)
    rebuilt = latest.picture()
    assert view(rebuilt) == view(fold(deltas))
    assert rebuilt.incidents[YANJIAO.id]["response_level"] == "II"
    assert rebuilt.gaps == 0 and rebuilt.redelivered == 0


def test_only_the_latest_version_of_an_entity_counts_whatever_the_order() -> None:
    deltas = history()
    latest = LatestDeltas()
    for delta in reversed(deltas):
        latest.add(encode_delta(delta), "picture")
    assert latest.by_entity[("incident", YANJIAO.id)]["seq"] == deltas[-1]["seq"]
    assert latest.records == len(deltas)


def test_the_feed_takes_over_from_the_rebuild_as_if_every_delta_had_been_folded() -> None:
    deltas = history()
    cut = 9
    hub = FeedHub(latest_of(deltas[:cut]).picture())
    for delta in deltas[cut - 3 :]:  # the takeover window starts before the cut: those deltas are ignored
        hub.publish(delta)
    assert view(hub.picture) == view(fold(deltas))
    assert hub.stats()["history_from_seq"] == cut + 1
    assert hub.stats()["published"] == len(deltas) - cut


def test_a_record_that_is_not_a_delta_is_named_and_left_out() -> None:
    latest = LatestDeltas()
    latest.add(b"{not json", "picture/0@7")
    latest.add(b'{"seq": 3, "at_ms": 0, "kind": "incident", "key": "X", "data": {"id": 1}}', "picture/0@8")
    latest.add(None, "picture/0@9")
    assert latest.records == 3 and not latest.by_entity and latest.seq == 0
    assert latest.problems[0].startswith("picture/0@7: feed delta is not JSON")
    assert latest.problems[1].startswith("picture/0@8: feed delta seq=3 incident 'X': data:")


def test_nothing_to_rebuild_is_an_empty_picture_at_seq_zero() -> None:
    picture = rebuild_picture([])
    assert picture.seq == 0 and not picture.incidents


@pytest.mark.parametrize(
    ("first_seq", "rebuilt_seq", "at_beginning", "expected"),
    [
        (41, 40, False, "here"),  # the next delta is the first one read
        (12, 40, False, "here"),  # deltas the picture covers come first: they are skipped
        (42, 40, False, "earlier"),  # seq 41 lies before the offset
        (None, 40, False, "earlier"),  # nothing committed after the offset: look further back
        (None, 40, True, "here"),  # the feed holds nothing (yet): follow it from its start
        (1, 0, True, "here"),  # an empty picture on a new pipeline reads the feed from its start
        (42, 40, True, "gap"),  # retention removed seq 41
    ],
)
def test_where_the_feed_takes_over(first_seq: int | None, rebuilt_seq: int, at_beginning: bool, expected: str) -> None:
    assert takeover(first_seq, rebuilt_seq, at_beginning) == expected
