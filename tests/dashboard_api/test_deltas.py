"""One wire form for deltas, whether they come from the core in-process or from the Kafka `feed` topic."""

from __future__ import annotations

import dataclasses
import json

import pytest

from dashboard_api.deltas import DeltaError, as_delta_json, delta_from_json, encode_delta
from streams.theater import Delta

from .conftest import NOTE_TJ, T0, YANJIAO


def test_in_process_and_kafka_paths_give_the_same_dict() -> None:
    delta = Delta(5, T0, "incident", YANJIAO.id, YANJIAO)
    from_core, _ = as_delta_json(delta)
    from_kafka = delta_from_json(encode_delta(delta))
    assert from_core == from_kafka
    assert from_core["data"]["provinces"] == ["130000", "110000"]  # tuples arrive as JSON lists either way
    # a delta of its own carries its whole evidence, as added
    assert from_core["data"]["evidence_added"][0]["personal"]["phone"] == "13812345678"
    assert from_core["data"]["evidence_complete"] is True
    assert "evidence" not in from_core["data"]


def test_dataclass_entity_keeps_every_field() -> None:
    data = delta_from_json(encode_delta(Delta(1, T0, "notification", NOTE_TJ.id, NOTE_TJ)))["data"]
    assert set(data) == {f.name for f in dataclasses.fields(NOTE_TJ)}
    assert (data["id"], data["incident_id"], data["to_province"]) == ("N000001", "INC-YJ", "120000")
    assert data["message"] == NOTE_TJ.message


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        (b"{not json", "not JSON"),
        (json.dumps({"seq": 1, "at_ms": 0, "kind": "incidnet", "key": "k", "data": {}}), "$.kind"),
        (json.dumps({"seq": 1, "at_ms": 0, "kind": "task", "key": "k", "data": {}, "extra": 1}), "extra"),
        (json.dumps({"seq": "1", "at_ms": 0, "kind": "task", "key": "k", "data": {}}), "$.seq"),
        (json.dumps({"seq": 0, "at_ms": 0, "kind": "task", "key": "k", "data": {}}), "seq=0"),
        (json.dumps({"seq": 1, "at_ms": 0, "kind": "task", "key": "k", "data": {"id": "k"}}), "missing required"),
        (json.dumps({"seq": 1, "at_ms": 0, "kind": "rejected", "key": "k", "data": {}}), "Expected `str`"),
    ],
)
def test_a_bad_feed_message_is_refused_naming_the_field(raw: bytes | str, names: str) -> None:
    with pytest.raises(DeltaError, match="feed delta") as info:
        delta_from_json(raw)
    assert names in str(info.value)


def test_a_wrong_field_of_an_entity_is_named_and_new_fields_are_kept() -> None:
    good = json.loads(encode_delta(Delta(3, T0, "incident", YANJIAO.id, YANJIAO)))
    bad = {**good, "data": {**good["data"], "provinces": "130000"}}
    with pytest.raises(
        DeltaError,
        match=r"feed delta seq=3 incident 'INC-YJ': data: Expected `array`, got `str` - at `\$\.data\.provinces`",
    ):
        delta_from_json(json.dumps(bad))
    bad = {**good, "data": {**good["data"], "evidence_removed": "c1"}}
    with pytest.raises(DeltaError, match=r"Expected `array`, got `str` - at `\$\.data\.evidence_removed`"):
        delta_from_json(json.dumps(bad))
    newer = {**good, "data": {**good["data"], "flood_depth_cm": 40}}
    assert delta_from_json(json.dumps(newer))["data"]["flood_depth_cm"] == 40
