"""Refusals that tell the sender what to change: enums with their values, NaN, bytes that are not UTF-8."""

from __future__ import annotations

import codecs
import json

import pytest

from streams.wire import codec
from streams.wire.reasons import utf8_problem
from tests.faults.seeds import MESSAGES, READING

ORDER = MESSAGES["hotline.work_order"]


def reason(raw: bytes) -> str:
    result = codec.decode_or_reason(raw)
    assert isinstance(result, str), result
    return result


def text(message: object) -> bytes:
    return json.dumps(message, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"position": {"lon": 116.8, "lat": 39.9, "crs": "CGCS2000"}},
            "sensor.reading: $.position.crs: 'CGCS2000' is not one of WGS84, GCJ02; CGCS2000 and WGS84 agree within "
            "centimetres: send CGCS2000 coordinates as WGS84",
        ),
        (
            {"position": {"lon": 116.8, "lat": 39.9, "crs": "wgs84"}},
            "sensor.reading: $.position.crs: 'wgs84' is not one of WGS84, GCJ02; did you mean 'WGS84'?",
        ),
        ({"kind": "gas"}, "did you mean 'gas_lel'?"),
        ({"value": "12"}, "Expected `float`, got `str` - at `$.value`: send a number, without quotes"),
        ({"vaule": 1}, "sensor.reading: Object contains unknown field `vaule`; did you mean 'value'? (accepted: type,"),
        ({"zzz": 1}, "unknown field `zzz` (accepted: type, schema_version, event_id, device_id,"),
    ],
)
def test_a_wrong_value_names_the_accepted_ones(change: dict[str, object], expected: str) -> None:
    assert expected in reason(text({**READING, **change}))


def test_an_enum_inside_a_list_is_found() -> None:
    batch = {**MESSAGES["sensor.batch"], "readings": [READING, {**READING, "kind": "rain"}]}
    assert "$.readings[1].kind: 'rain' is not one of gas_lel," in reason(text(batch))
    assert "did you mean 'rain_gauge'?" in reason(text(batch))


def test_an_unknown_field_of_a_nested_object_is_named_with_its_place() -> None:
    bad = {**READING, "position": {"lon": 116.8, "lat": 39.9, "datum": "WGS84"}}
    assert "unknown field `datum` in $.position; did you mean 'lat'? (accepted: lon, lat, crs)" in reason(text(bad))


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_a_nan_literal_names_its_field(literal: str) -> None:
    raw = text(READING).replace(b'"value": 56.0', b'"value": ' + literal.encode())
    assert reason(raw).startswith(f"sensor.reading: value: {literal} is not JSON; send null or omit the field (byte ")


def test_invalid_utf8_gives_the_byte_offset_and_the_encoding_it_looks_like() -> None:
    gbk = json.dumps(ORDER, ensure_ascii=False).encode("gb18030")
    offset = next(i for i, b in enumerate(gbk) if b >= 0x80)
    assert reason(gbk) == (
        f"hotline.work_order: the payload must be UTF-8: byte 0x{gbk[offset]:02x} at offset {offset} is not UTF-8 "
        "(invalid continuation byte); it reads as GBK/GB18030: encode the text as UTF-8"
    )
    utf16 = codecs.BOM_UTF16_LE + json.dumps(ORDER).encode("utf-16-le")
    assert reason(utf16).endswith("it is UTF-16 (a byte-order mark at the start): encode the JSON as UTF-8")
    assert "without a byte-order mark" in reason(codecs.BOM_UTF8 + text(ORDER))
    assert utf8_problem(text(ORDER)) is None


def test_malformed_and_truncated_json_say_where() -> None:
    assert reason(b"{'type': 'tick'}") == (
        "not a JSON object of the contract: JSON is malformed at byte 1, near \"{'type': 'tick'}\"; JSON strings "
        "and names take double quotes"
    )
    assert reason(text(READING)[:-5]).startswith("sensor.reading: the JSON ends before it is complete")
