"""Normalisation: WGS84 positions, a region for every point, address-only orders located, reasons that name fields."""

from __future__ import annotations

import json

import pytest

from ebrain.compose import Core
from streams.ingest.limits import PhysicalLimits
from streams.ingest.normalize import Memo, normalize, place_key
from streams.wire import codec
from streams.wire.codec import Origin, Rejected
from streams.wire.records import Signal

ORIGIN = Origin("ingest.hotline", 1, 9)
ORDER = {
    "type": "hotline.work_order",
    "schema_version": "1.0",
    "event_id": "HE12345-1",
    "order_id": "HE12345-1",
    "hotline": "130000",
    "received_at": "2024-03-13T07:40:00+08:00",
    "category": "求助",
    "urgency": "特急",
    "content": "小张各庄闻到很浓的燃气味",
    "address": "河北省廊坊市三河市燕郊镇小张各庄",
    "caller": {"name": "王建国", "phone": "13800138001"},
}


def one(core: Core, message: dict) -> Signal | Rejected:
    raw = json.dumps(message, ensure_ascii=False).encode()
    decoded = codec.decode(raw, ORIGIN)
    assert not isinstance(decoded, Rejected), decoded.reason
    (result,) = normalize(core.ingest.normalize, decoded, raw, ORIGIN)
    assert isinstance(result, Signal | Rejected)
    return result


def test_an_address_only_order_is_located_with_its_precision(core: Core) -> None:
    signal = one(core, ORDER)
    assert isinstance(signal, Signal)
    assert (signal.adcode, signal.province, signal.kind, signal.severity) == ("131082", "130000", "call:gas_smell", 3)
    assert signal.precision in {"place", "town"}
    assert signal.lon is not None and abs(signal.lon - 116.8) < 0.2
    assert signal.personal is not None and signal.personal.owner_province == "130000"


def test_a_county_only_address_is_county_precision(core: Core) -> None:
    signal = one(core, {**ORDER, "address": "三河市", "content": "楼道里闻到很浓的燃气味"})
    assert isinstance(signal, Signal) and (signal.precision, signal.adcode) == ("county", "131082")
    assert signal.attr("unit") == "131082" and float(signal.attr("spread_km")) > 10


def test_a_landmark_the_content_names_places_a_call_the_address_does_not(core: Core) -> None:
    signal = one(core, {**ORDER, "address": "三河市"})  # the content names 小张各庄
    assert isinstance(signal, Signal) and (signal.precision, signal.attr("unit")) == ("place", "place:小张各庄")


def test_the_reading_of_a_call_is_kept_for_operators(core: Core) -> None:
    signal = one(core, ORDER)
    assert isinstance(signal, Signal)
    assert (signal.kind, signal.attr("topics"), signal.attr("role")) == ("call:gas_smell", "gas_smell", "here")
    scores = signal.attr("topic_scores")  # the cue weights found and the learned model's probabilities
    assert scores.startswith("cues gas_smell ") and "; model gas_smell " in scores


def test_a_position_wins_over_the_address_and_is_gps_precision(core: Core) -> None:
    signal = one(core, {**ORDER, "position": {"lon": 116.8105, "lat": 39.9597}})
    assert isinstance(signal, Signal) and signal.precision == "gps"


def test_an_address_naming_no_place_is_rejected(core: Core) -> None:
    rejected = one(core, {**ORDER, "address": "我家楼下", "content": "楼道里闻到很浓的燃气味"})
    assert isinstance(rejected, Rejected)
    assert rejected.reason == (
        "hotline.work_order HE12345-1: address: '我家楼下' names no known place in the theater and has no position"
    )
    assert rejected.origin == ORIGIN


def test_an_address_in_another_province_is_rejected_naming_it(core: Core) -> None:
    rejected = one(core, {**ORDER, "address": "山东省济南市历下区", "content": "楼道里闻到很浓的燃气味"})
    assert isinstance(rejected, Rejected)
    assert "is in 山东省, outside the Beijing-Tianjin-Hebei theater" in rejected.reason


def test_a_hotline_outside_the_theater_is_named(core: Core) -> None:
    rejected = one(core, {**ORDER, "hotline": "310000"})
    assert (
        isinstance(rejected, Rejected) and "hotline: '310000' is not one of the theater's provinces" in rejected.reason
    )


def test_a_time_without_offset_is_rejected(core: Core) -> None:
    rejected = one(core, {**ORDER, "received_at": "2024-03-13T07:40:00"})
    assert isinstance(rejected, Rejected) and "received_at: '2024-03-13T07:40:00' has no UTC offset" in rejected.reason


WARNING = {
    "type": "agency.warning",
    "schema_version": "1.0",
    "event_id": "w1",
    "agency": "beijing-weather",
    "province": "110000",
    "issued_at": "2023-07-29T17:30:00+08:00",
    "action": "issue",
    "warning_id": "BJ-1",
    "event_code": "11B03",
    "hazard": "rainstorm",
    "colour": "red",
    "area": {"description": "北京市全市", "adcodes": ["110000"]},
}


def test_a_province_wide_warning_covers_every_county_of_the_province(core: Core) -> None:
    signal = one(core, WARNING)
    assert isinstance(signal, Signal)
    area = signal.attr("area").split(",")
    assert len(area) == 16 and all(code.startswith("11") for code in area)
    assert signal.severity == 4


def test_a_prefecture_code_covers_its_counties(core: Core) -> None:
    langfang = {**WARNING, "province": "130000", "area": {"description": "廊坊市", "adcodes": ["131000"]}}
    signal = one(core, langfang)
    assert isinstance(signal, Signal)
    assert "131082" in signal.attr("area").split(",")
    assert all(code.startswith("1310") for code in signal.attr("area").split(","))


def test_an_unknown_area_code_gets_a_did_you_mean(core: Core) -> None:
    rejected = one(core, {**WARNING, "area": {"description": "x", "adcodes": ["110199"]}})
    assert isinstance(rejected, Rejected) and "area.adcodes: adcode '110199'" in rejected.reason
    assert "did you mean" in rejected.reason


def test_place_key_ignores_punctuation_and_spacing() -> None:
    assert place_key("燕郊镇 小张各庄（3号楼）") == place_key("燕郊镇小张各庄3楼")


def test_the_memo_is_bounded() -> None:
    memo = Memo(max_entries=3)
    for minute in range(10):
        memo.time_ms(f"2024-03-13T07:{minute:02d}:00+08:00", "t", PhysicalLimits.load())
        assert len(memo.times) <= 3
    with pytest.raises(ValueError, match="device_id: 'x' is not a unified device code"):
        memo.device_id("x", "device_id")


CASUALTY = {
    "type": "agency.casualty",
    "schema_version": "1.2",
    "event_id": "binhai-health-1",
    "agency": "binhai-health",
    "province": "120000",
    "reported_at": "2018-11-28T01:50:00+08:00",
    "position": {"lon": 117.546, "lat": 38.764},
    "deaths": 6,
    "injured": 17,
    "burns": 14,
}


def test_a_casualty_report_carries_its_burns_and_never_more_than_the_injured(core: Core) -> None:
    signal = one(core, CASUALTY)
    assert isinstance(signal, Signal) and (signal.attr("injured"), signal.attr("burns")) == ("17", "14")
    older = one(core, {k: v for k, v in CASUALTY.items() if k != "burns"} | {"schema_version": "1.1"})
    assert isinstance(older, Signal) and older.attr("burns") == "0"  # a 1.1 report is still read
    refused = one(core, {**CASUALTY, "burns": 18})
    assert isinstance(refused, Rejected) and "burns: 18 is more than the injured (17)" in refused.reason


def test_a_weather_agency_wind_is_a_weather_signal_with_its_direction(core: Core) -> None:
    message = {
        "type": "agency.weather", "schema_version": "1.2", "event_id": "wx-1", "agency": "binhai-meteorology",
        "province": "120000", "observed_at": "2018-11-28T00:10:00+08:00", "position": {"lon": 117.46, "lat": 38.84},
        "station": "大港气象站", "wind_from_deg": 45, "wind_speed_ms": 3.2,
    }  # fmt: skip
    signal = one(core, message)
    assert isinstance(signal, Signal) and (signal.kind, signal.adcode) == ("weather", "120116")
    assert (signal.attr("wind_from_deg"), signal.attr("wind_speed_ms")) == ("45", "3.2")
    raw = json.dumps({**message, "wind_from_deg": 400}).encode()
    rejected = codec.decode(raw, ORIGIN)
    assert isinstance(rejected, Rejected) and "wind_from_deg" in rejected.reason
