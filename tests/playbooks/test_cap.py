"""CAP 1.2 writing and reading: schema validity, time offset, polygon order, round trips, mapping, errors."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playbooks.cap import (
    CAP_NS,
    PublicWarning,
    WarningArea,
    format_cap_time,
    parse_cap_time,
    parse_cap_xml,
    to_cap_xml,
)
from playbooks.cap_mapping import default_mapping

XSD = Path(__file__).parents[2] / "playbooks/data/standards/cap12.xsd"
NS = {"cap": CAP_NS}
CST = timezone(timedelta(hours=8))
SENDER = "110000.weather@jingjinji.ebrain"


def epoch_ms(year: int, month: int, day: int, hour: int, minute: int) -> int:
    return int(datetime(year, month, day, hour, minute, tzinfo=CST).timestamp()) * 1000


T0 = epoch_ms(2023, 7, 29, 17, 30)  # "23·7" flood: Beijing's red rainstorm warning
FANGSHAN = WarningArea(
    description="房山区",
    # (lon, lat), open ring: the writer closes it
    polygons=(((115.42, 39.58), (116.20, 39.58), (116.20, 39.90), (115.42, 39.90)),),
    geocodes=(("GB/T 2260", "110111"),),
)
ALERT = PublicWarning(
    identifier="11000041600000_20230729173000",
    sender=SENDER,
    sent_ms=T0,
    msg_type="Alert",
    references=(),
    event_code="11B03",
    event="暴雨",
    colour="orange",
    response_level=None,
    headline="北京市气象台发布暴雨橙色预警",
    description="预计房山、门头沟 1 小时雨量可达 70 毫米以上 <山区 & 浅山区>。",
    instruction="停止户外作业，远离河道。",
    areas=(FANGSHAN,),
    onset_ms=T0,
    expires_ms=T0 + 48 * 3_600_000,
    incident_id="JJJ-2023-0729-01",
)
UPDATE = dataclasses.replace(
    ALERT,
    identifier="11000041600000_20230729190000",
    sent_ms=T0 + 90 * 60_000,
    msg_type="Update",
    references=((SENDER, ALERT.identifier, ALERT.sent_ms),),
    colour="red",
    response_level="I",
    headline="北京市气象台升级暴雨红色预警；全市启动防汛一级应急响应",
    event_grade="特别重大",
)
CANCEL = dataclasses.replace(
    UPDATE,
    identifier="11000041600000_20230802073000",
    sent_ms=T0 + 86 * 3_600_000,
    msg_type="Cancel",
    references=((SENDER, ALERT.identifier, ALERT.sent_ms), (SENDER, UPDATE.identifier, UPDATE.sent_ms)),
    headline="北京市气象台解除暴雨预警",
)


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def find(xml: str, path: str) -> list[str]:
    root = ET.fromstring(xml.encode("utf-8"))
    return [el.text or "" for el in root.findall(path, NS)]


def parameters(xml: str) -> dict[str, str]:
    root = ET.fromstring(xml.encode("utf-8"))
    return {
        p.findtext("cap:valueName", namespaces=NS) or "": p.findtext("cap:value", namespaces=NS) or ""
        for p in root.findall("cap:info/cap:parameter", NS)
    }


# ---- schema, time, polygons, round trip ----------------------------------------------------------------


@pytest.mark.parametrize("warning", [ALERT, UPDATE, CANCEL], ids=["alert", "update", "cancel"])
def test_message_validates_against_the_official_schema(schema: xmlschema.XMLSchema, warning: PublicWarning) -> None:
    schema.validate(to_cap_xml(warning))


@pytest.mark.parametrize("warning", [ALERT, UPDATE, CANCEL], ids=["alert", "update", "cancel"])
def test_round_trip_gives_the_same_warning(warning: PublicWarning) -> None:
    assert parse_cap_xml(to_cap_xml(warning)) == warning


def test_sent_onset_expires_carry_the_china_offset() -> None:
    xml = to_cap_xml(ALERT)
    assert find(xml, "cap:sent") == ["2023-07-29T17:30:00+08:00"]
    assert find(xml, "cap:info/cap:onset") == ["2023-07-29T17:30:00+08:00"]
    assert find(xml, "cap:info/cap:expires") == ["2023-07-31T17:30:00+08:00"]


def test_time_rendered_in_china_whatever_offset_it_was_read_with() -> None:
    assert parse_cap_time("sent", "2024-03-12T23:54:00-00:00") == epoch_ms(2024, 3, 13, 7, 54)
    assert format_cap_time(epoch_ms(2024, 3, 13, 7, 54)) == "2024-03-13T07:54:00+08:00"


def test_polygon_is_lat_lon_with_the_first_point_repeated() -> None:
    (polygon,) = find(to_cap_xml(ALERT), "cap:info/cap:area/cap:polygon")
    assert polygon == "39.58,115.42 39.58,116.2 39.9,116.2 39.9,115.42 39.58,115.42"


def test_a_ring_given_closed_is_not_closed_twice() -> None:
    closed = WarningArea("x", polygons=(((1.0, 2.0), (3.0, 2.0), (3.0, 4.0), (1.0, 2.0)),))
    assert closed == WarningArea("x", polygons=(((1.0, 2.0), (3.0, 2.0), (3.0, 4.0)),))
    assert len(closed.polygons[0]) == 4


def test_tiny_coordinates_are_plain_decimals_and_read_back_exactly(schema: xmlschema.XMLSchema) -> None:
    area = WarningArea("原点附近", polygons=(((1e-07, 0.0), (2.5e-05, -0.0), (0.0, 5e-324)),))
    warning = dataclasses.replace(ALERT, areas=(area,))
    xml = to_cap_xml(warning)
    assert "e-" not in find(xml, "cap:info/cap:area/cap:polygon")[0]
    assert parse_cap_xml(xml) == warning


def test_update_and_cancel_reference_earlier_messages() -> None:
    assert find(to_cap_xml(UPDATE), "cap:references") == [
        f"{SENDER},11000041600000_20230729173000,2023-07-29T17:30:00+08:00"
    ]
    (refs,) = find(to_cap_xml(CANCEL), "cap:references")
    assert len(refs.split()) == 2


def test_text_is_escaped_utf8_and_survives_carriage_returns() -> None:
    warning = dataclasses.replace(ALERT, description='第一行\r\n第二行 <b> & "引号"\r', headline="  留白  ")
    xml = to_cap_xml(warning)
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "&lt;b&gt; &amp;" in xml
    assert "<areaDesc>房山区</areaDesc>" in xml  # Chinese kept as characters, not references
    assert parse_cap_xml(xml) == warning


# ---- the mapping, as it appears in messages ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("colour", "code", "expected"),
    [
        ("red", "Red", ("Extreme", "Immediate", "Likely")),
        ("orange", "Orange", ("Severe", "Immediate", "Likely")),
        ("yellow", "Yellow", ("Moderate", "Expected", "Likely")),
        ("blue", "Blue", ("Minor", "Future", "Likely")),
    ],
)
def test_each_colour_maps_to_cap_fields_and_the_national_level_code(
    colour: str, code: str, expected: tuple[str, str, str]
) -> None:
    xml = to_cap_xml(dataclasses.replace(ALERT, colour=colour))  # type: ignore[arg-type]
    got = tuple(find(xml, f"cap:info/cap:{name}")[0] for name in ("severity", "urgency", "certainty"))
    assert got == expected
    assert parameters(xml)["预警级别"] == code


def test_colour_response_level_and_event_grade_stay_separate_fields() -> None:
    xml = to_cap_xml(dataclasses.replace(UPDATE, colour="yellow", response_level="II", event_grade="较大"))
    assert parameters(xml) == {"预警级别": "Yellow", "响应级别": "II", "事件分级": "较大"}
    # a response under way outranks the yellow forecast on every axis
    assert [find(xml, f"cap:info/cap:{n}")[0] for n in ("severity", "urgency", "certainty")] == [
        "Severe",
        "Immediate",
        "Observed",
    ]


def test_no_colour_and_no_response_level_is_unknown_and_has_no_level_parameters() -> None:
    xml = to_cap_xml(dataclasses.replace(ALERT, colour=None))
    assert [find(xml, f"cap:info/cap:{n}")[0] for n in ("severity", "urgency", "certainty")] == ["Unknown"] * 3
    assert parameters(xml) == {}


def test_event_code_and_category_come_from_the_gbt_35561_code() -> None:
    xml = to_cap_xml(ALERT)
    root = ET.fromstring(xml.encode("utf-8"))
    code = root.find("cap:info/cap:eventCode", NS)
    assert code is not None
    assert (code.findtext("cap:valueName", namespaces=NS), code.findtext("cap:value", namespaces=NS)) == (
        "GB/T 35561",
        "11B03",
    )
    assert find(xml, "cap:info/cap:category") == ["Met"]
    gas = to_cap_xml(dataclasses.replace(ALERT, event_code="X-GAS-01", event="燃气泄漏爆炸", colour="red"))
    assert find(gas, "cap:info/cap:category") == ["Other"]


def test_cancel_says_the_threat_is_past() -> None:
    xml = to_cap_xml(CANCEL)
    assert find(xml, "cap:msgType") == ["Cancel"]
    assert find(xml, "cap:info/cap:urgency") == ["Past"]
    assert find(xml, "cap:info/cap:responseType") == ["AllClear"]
    assert find(to_cap_xml(ALERT), "cap:info/cap:responseType") == []


def test_drill_messages_are_marked_exercise(schema: xmlschema.XMLSchema) -> None:
    xml = to_cap_xml(dataclasses.replace(ALERT, status="Exercise"))
    schema.validate(xml)
    assert find(xml, "cap:status") == ["Exercise"]


# ---- bad input --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("msg_type", ["Update", "Cancel"])
def test_update_or_cancel_without_references_is_refused(msg_type: str) -> None:
    with pytest.raises(ValueError, match=rf"references: \(\): an {msg_type} must name"):
        dataclasses.replace(ALERT, msg_type=msg_type)  # type: ignore[arg-type]


def test_polygon_with_too_few_points_is_refused() -> None:
    with pytest.raises(ValueError, match=r"areas.polygons\[0\]: 3 points .* at least 4"):
        WarningArea("x", polygons=(((116.0, 39.0), (116.5, 39.5)),))


def test_polygon_read_back_unclosed_is_refused() -> None:
    xml = to_cap_xml(ALERT).replace(" 39.58,115.42</polygon>", "</polygon>")
    with pytest.raises(ValueError, match=r"areas\[0\].polygon\[0\]: ring is not closed"):
        parse_cap_xml(xml)


def test_polygon_read_back_with_three_pairs_is_refused() -> None:
    xml = to_cap_xml(ALERT).replace(
        "39.58,115.42 39.58,116.2 39.9,116.2 39.9,115.42 39.58,115.42", "39.58,115.42 39.9,116.2 39.58,115.42"
    )
    with pytest.raises(ValueError, match=r"areas\[0\].polygon\[0\]: 3 points"):
        parse_cap_xml(xml)


def test_polygon_pair_that_is_not_lat_lon_is_refused() -> None:
    xml = to_cap_xml(ALERT).replace("39.58,116.2 ", "39.58;116.2 ", 1)
    with pytest.raises(ValueError, match=r"'39.58;116.2' is not a 'lat,lon' pair"):
        parse_cap_xml(xml)


def test_swapped_coordinates_are_caught() -> None:
    with pytest.raises(ValueError, match=r"point \(39.58, 115.42\) is not a WGS84"):
        WarningArea("x", polygons=(((39.58, 115.42), (39.9, 116.2), (39.9, 115.42)),))


def test_sent_time_without_timezone_is_refused() -> None:
    xml = to_cap_xml(ALERT).replace("<sent>2023-07-29T17:30:00+08:00</sent>", "<sent>2023-07-29T17:30:00</sent>")
    with pytest.raises(ValueError, match=r"sent: '2023-07-29T17:30:00' has no timezone offset"):
        parse_cap_xml(xml)


def test_sent_time_that_is_no_time_is_refused() -> None:
    with pytest.raises(ValueError, match=r"sent: 'yesterday' is not a time"):
        parse_cap_time("sent", "yesterday")


def test_milliseconds_are_refused_rather_than_dropped() -> None:
    with pytest.raises(ValueError, match=r"sent_ms: 1690623000123 has milliseconds"):
        dataclasses.replace(ALERT, sent_ms=1_690_623_000_123)


def test_expiry_before_onset_is_refused() -> None:
    with pytest.raises(ValueError, match=r"expires_ms: .* is before onset_ms"):
        dataclasses.replace(ALERT, expires_ms=T0 - 1000)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("identifier", "a b", r"identifier: 'a b' must be non-empty, without spaces"),
        ("sender", "x,y", r"sender: 'x,y' must be non-empty"),
        ("identifier", "", r"identifier: '' must be non-empty"),
        ("colour", "rde", r"colour: 'rde' is not one of .*; did you mean 'red'\?"),
        ("response_level", "V", r"response_level: 'V' is not one of"),
        ("msg_type", "Alrt", r"msg_type: 'Alrt' .*; did you mean 'Alert'\?"),
        ("language", "zh_CN", r"language: 'zh_CN' is not a language tag"),
        ("language", "zh\n", r"language: 'zh\\n' is not a language tag"),
        ("headline", "bell\x07", r"headline: .* holds '\\x07', which XML cannot carry"),
        ("event_code", "", r"event_code: '' is empty"),
        ("event", " ", r"event: ' ' is empty"),
        ("sent_ms", 1.5e12, r"sent_ms: 1500000000000.0 is not epoch milliseconds"),
    ],
)
def test_bad_fields_are_named_with_their_value(field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(ALERT, **{field: value})  # type: ignore[arg-type]


def test_unknown_event_grade_is_refused_with_a_suggestion() -> None:
    with pytest.raises(ValueError, match=r"event_grade: '重大事件' .*; did you mean '重大'\?"):
        to_cap_xml(dataclasses.replace(ALERT, event_grade="重大事件"))


def test_reader_refuses_what_it_cannot_represent() -> None:
    xml = to_cap_xml(ALERT)
    with pytest.raises(ValueError, match=r"scope: 'Private'"):
        parse_cap_xml(xml.replace("<scope>Public</scope>", "<scope>Private</scope>"))
    with pytest.raises(ValueError, match=r"msgType: 'Ack'"):
        parse_cap_xml(xml.replace("<msgType>Alert</msgType>", "<msgType>Ack</msgType>"))
    with pytest.raises(ValueError, match=r"eventCode: no code named 'GB/T 35561'"):
        parse_cap_xml(xml.replace("<valueName>GB/T 35561</valueName>", "<valueName>SAME</valueName>"))
    with pytest.raises(ValueError, match=r"'Crimson' is not a warning level code"):
        parse_cap_xml(xml.replace("<value>Orange</value>", "<value>Crimson</value>"))
    with pytest.raises(ValueError, match=r"is not a CAP 1.2 <alert>"):
        parse_cap_xml(xml.replace(CAP_NS, "urn:oasis:names:tc:emergency:cap:1.1"))
    with pytest.raises(ValueError, match=r"not well-formed XML"):
        parse_cap_xml(xml[:-20])


def test_reader_refuses_a_doctype() -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY a "aaaaaaaaaa">]><alert>&a;</alert>'
    with pytest.raises(ValueError, match=r"no <!DOCTYPE>"):
        parse_cap_xml(bomb)


# ---- property: any valid warning is valid CAP and reads back the same -------------------------------------

_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn"), include_characters="\t\n\r"),
    max_size=40,
)
_ids = st.from_regex(r"[A-Za-z0-9_.@:\-京津冀]{1,24}", fullmatch=True)
_times = st.integers(946_684_800, 4_102_444_800).map(lambda s: s * 1000)
_points = st.tuples(
    st.floats(-180, 180, allow_nan=False, allow_infinity=False),
    st.floats(-90, 90, allow_nan=False, allow_infinity=False),
)
_areas = st.builds(
    WarningArea,
    description=_text,
    polygons=st.lists(st.lists(_points, min_size=3, max_size=6, unique=True).map(tuple), max_size=2).map(tuple),
    geocodes=st.lists(st.tuples(_text, _text), max_size=2).map(tuple),
)


@st.composite
def warnings(draw: st.DrawFn) -> PublicWarning:
    msg_type = draw(st.sampled_from(["Alert", "Update", "Cancel"]))
    refs = draw(st.lists(st.tuples(_ids, _ids, _times), min_size=0 if msg_type == "Alert" else 1, max_size=3))
    span = sorted(draw(st.lists(_times, min_size=2, max_size=2)))
    onset, expires = draw(st.sampled_from([(None, None), (span[0], None), (None, span[1]), tuple(span)]))
    return PublicWarning(
        identifier=draw(_ids),
        sender=draw(_ids),
        sent_ms=draw(_times),
        msg_type=msg_type,  # type: ignore[arg-type]
        references=tuple(refs),
        event_code=draw(st.sampled_from(["11B03", "11B01", "11A01", "X"])),
        event=draw(_text.filter(str.strip)),
        colour=draw(st.sampled_from([None, "red", "orange", "yellow", "blue"])),
        response_level=draw(st.sampled_from([None, "I", "II", "III", "IV"])),
        headline=draw(_text),
        description=draw(_text),
        instruction=draw(_text),
        areas=tuple(draw(st.lists(_areas, max_size=3))),
        onset_ms=onset,
        expires_ms=expires,
        language=draw(st.sampled_from(["zh-CN", "en-US", "zh"])),
        incident_id=draw(st.none() | _ids),
        event_grade=draw(st.sampled_from([None, *default_mapping().event_grades])),
        status=draw(st.sampled_from(["Actual", "Exercise", "Test"])),
    )


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(warning=warnings())
def test_any_valid_warning_is_valid_cap_and_reads_back(schema: xmlschema.XMLSchema, warning: PublicWarning) -> None:
    xml = to_cap_xml(warning)
    schema.validate(xml)
    assert parse_cap_xml(xml) == warning
