"""Decoding never raises: every input is a wire message or a rejection whose reason names the problem."""

from __future__ import annotations

import base64
import json

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.wire import codec, contract
from streams.wire.codec import DeadLetter, Origin, Rejected

ORIGIN = Origin("ingest.sensor", 3, 1187)
READING = {
    "type": "sensor.reading",
    "schema_version": "1.0",
    "event_id": "e-1",
    "device_id": "LL-131082-GAS-000417",
    "kind": "gas_lel",
    "value": 28.0,
    "unit": "%LEL",
    "observed_at": "2024-03-13T07:44:00+08:00",
    "position": {"lon": 116.8105, "lat": 39.9597},
}


def decode(message: object) -> contract.WireMessage | Rejected:
    return codec.decode(json.dumps(message, ensure_ascii=False).encode(), ORIGIN)


def reason_of(message: object) -> str:
    result = decode(message)
    assert isinstance(result, Rejected), result
    return result.reason


def test_a_good_reading_decodes_to_its_struct() -> None:
    result = decode(READING)
    assert isinstance(result, contract.SensorReading)
    assert result.position == contract.Position(116.8105, 39.9597, "WGS84")


def test_an_unknown_major_version_is_rejected_not_guessed() -> None:
    assert reason_of({**READING, "schema_version": "2.0"}) == (
        "schema_version: major version 2 is not supported (this brain reads 1.x)"
    )
    # even when the v2 message would not fit the v1 shape, the version is the reason given
    assert "major version 2" in reason_of({**READING, "schema_version": "2.0", "new_v2_field": 1})


def test_an_older_or_newer_minor_version_is_read() -> None:
    assert isinstance(decode({**READING, "schema_version": "1.0"}), contract.SensorReading)
    assert isinstance(decode({**READING, "schema_version": "1.7"}), contract.SensorReading)


def test_a_field_from_a_newer_minor_version_says_the_producer_is_ahead() -> None:
    reason = reason_of({**READING, "schema_version": "1.7", "battery": 0.8})
    assert "unknown field `battery`" in reason
    assert f"schema 1.7, this brain reads up to {contract.CURRENT_VERSION}" in reason


def test_a_typo_in_a_field_name_is_reported() -> None:
    message = {**READING, "valeu": 1.0}
    del message["value"]
    assert "unknown field `valeu`" in reason_of(message)


def test_version_that_is_not_major_minor() -> None:
    assert reason_of({**READING, "schema_version": "v1"}).startswith("schema_version: 'v1' is not MAJOR.MINOR")


def test_an_unknown_type_gets_a_did_you_mean() -> None:
    reason = reason_of({**READING, "type": "sensor.readings"})
    assert reason.startswith("type: 'sensor.readings' is not a message type of the contract")
    assert "did you mean 'sensor.reading'" in reason


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"value": "28"}, "$.value"),
        ({"kind": "gas"}, "$.kind"),
        ({"position": {"lon": 116.8, "lat": 39.9, "crs": "CGCS2000"}}, "$.position.crs"),
        ({"interval_s": 0}, "$.interval_s"),
        ({"event_id": ""}, "$.event_id"),
    ],
)
def test_wrong_values_name_the_field(change: dict[str, object], where: str) -> None:
    assert where in reason_of({**READING, **change})


def test_a_missing_field_is_named() -> None:
    message = dict(READING)
    del message["observed_at"]
    assert "missing required field `observed_at`" in reason_of(message)


def test_not_json_and_not_an_object() -> None:
    assert reason_of([1, 2]).startswith("not a JSON object of the contract")
    result = codec.decode(b"{not json", ORIGIN)
    assert isinstance(result, Rejected) and result.reason.startswith("not a JSON object of the contract")
    result = codec.decode(b"\xff{not json", ORIGIN)
    assert isinstance(result, Rejected) and result.reason.startswith("the payload must be UTF-8: byte 0xff at offset 0")


def test_nan_and_infinity_cannot_pass() -> None:
    nan = json.dumps({**READING, "value": float("nan")}).encode()
    huge = json.dumps(READING).replace("28.0", "1e400").encode()
    for raw in (nan, huge):
        assert isinstance(codec.decode(raw, ORIGIN), Rejected)


def test_an_oversized_message_is_refused_before_parsing() -> None:
    raw = b" " * (codec.MAX_MESSAGE_BYTES + 1)
    result = codec.decode(raw, ORIGIN)
    assert isinstance(result, Rejected) and "over the 1000000 byte limit" in result.reason


def test_a_huge_bad_value_gives_a_short_reason() -> None:
    reason = reason_of({**READING, "kind": "x" * 200_000})
    assert len(reason) <= codec.MAX_REASON_CHARS


def test_a_dead_letter_keeps_bytes_origin_and_reason() -> None:
    raw = b'{"type":"sensor.reading"}'
    rejected = codec.decode(raw, ORIGIN)
    assert isinstance(rejected, Rejected)
    letter = msgspec.json.decode(rejected.to_dead_letter(), type=DeadLetter)
    assert (letter.topic, letter.partition, letter.offset) == ("ingest.sensor", 3, 1187)
    assert base64.b64decode(letter.raw_base64) == raw
    assert letter.reason == rejected.reason
    assert Rejected.from_dead_letter(rejected.to_dead_letter()) == rejected


# --- fuzzing: whatever arrives, decode returns a message or a rejection with a reason ---------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=6),
    max_leaves=30,
)
FIELDS = sorted({name for cls in contract.WIRE_TYPES for name in cls.__struct_fields__})
TAGS = [contract.type_tag(cls) for cls in contract.WIRE_TYPES]


def _check(raw: bytes) -> None:
    result = codec.decode(raw, ORIGIN)
    if isinstance(result, Rejected):
        assert result.reason and result.raw == raw and result.origin == ORIGIN
        assert len(result.reason) <= codec.MAX_REASON_CHARS
    else:
        assert isinstance(result, contract.WIRE_TYPES)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_arbitrary_bytes(raw: bytes) -> None:
    _check(raw)


@settings(max_examples=300, deadline=None)
@given(
    tag=st.sampled_from([*TAGS, "sensor.reading ", "SENSOR.READING", ""]),
    version=st.sampled_from(["1.0", "1.3", "2.0", "0.9", "1", "", "1.0.0", "99999999999999999999.1"]),
    fields=st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=8),
)
def test_fuzz_contract_shaped_objects(tag: str, version: str, fields: dict[str, object]) -> None:
    message = {"type": tag, "schema_version": version, **fields}
    _check(json.dumps(message, allow_nan=True).encode())


@settings(max_examples=200, deadline=None)
@given(
    field=st.sampled_from(sorted(READING)),
    value=JSON | st.text(min_size=1000, max_size=5000) | st.sampled_from([float("nan"), float("inf"), -1e308]),
    drop=st.booleans(),
)
def test_fuzz_one_field_of_a_good_reading(field: str, value: object, drop: bool) -> None:
    message = dict(READING)
    if drop:
        del message[field]
    else:
        message[field] = value
    _check(json.dumps(message, allow_nan=True).encode())
