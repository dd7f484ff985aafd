"""Public warnings as OASIS CAP 1.2 XML: write one from a frozen value, and read one back.

Pure functions, no clock: every time comes from the warning itself (event time, epoch milliseconds) and is
written in China Standard Time. How colours, response levels and event grades become CAP fields is data
(``playbooks/data/cap_mapping.yaml``, see ``docs/cap.md``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Literal, get_args

from geo.names import did_you_mean
from playbooks.cap_mapping import (
    COLOURS,
    RESPONSE_LEVELS,
    CapMapping,
    Colour,
    ResponseLevel,
    default_mapping,
    severity_urgency_certainty,
)

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
MsgType = Literal["Alert", "Update", "Cancel"]
Status = Literal["Actual", "Exercise", "System", "Test", "Draft"]
MSG_TYPES: tuple[MsgType, ...] = get_args(MsgType)
STATUSES: tuple[Status, ...] = get_args(Status)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
# datetime's range less a day each side, so that any UTC offset still lands on a four-digit year.
_MIN_MS = (datetime(1, 1, 2, tzinfo=UTC) - _EPOCH) // _MS
_MAX_MS = (datetime(9999, 12, 30, tzinfo=UTC) - _EPOCH) // _MS
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# CAP 1.2: identifiers and senders must not hold whitespace, commas or the restricted characters < and &.
_NOT_IN_ID = re.compile(r"[\s,<&]")
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class WarningArea:
    """An area a warning covers. Polygons are (lon, lat) rings in WGS84; a ring is stored closed."""

    description: str
    polygons: tuple[Ring, ...] = ()
    geocodes: tuple[tuple[str, str], ...] = ()  # (valueName, value), e.g. ("GB/T 2260", "130100")

    def __post_init__(self) -> None:
        _check_text("areas.description", self.description)
        for i, (name, value) in enumerate(self.geocodes):
            _check_text(f"areas.geocodes[{i}].valueName", name)
            _check_text(f"areas.geocodes[{i}].value", value)
        object.__setattr__(self, "geocodes", tuple((n, v) for n, v in self.geocodes))
        object.__setattr__(self, "polygons", tuple(_closed_ring(i, r) for i, r in enumerate(self.polygons)))


@dataclass(frozen=True)
class PublicWarning:
    """One CAP message: a warning, its update or its cancellation. Times are event time in epoch ms."""

    identifier: str  # unique, stable per message
    sender: str  # e.g. "110000.weather@jingjinji.ebrain"
    sent_ms: int  # whole seconds: CAP times carry no fractions
    msg_type: MsgType
    references: tuple[tuple[str, str, int], ...]  # (sender, identifier, sent_ms) of earlier messages
    event_code: str  # GB/T 35561 code, opaque (e.g. "11B03" rainstorm)
    event: str  # e.g. "暴雨"
    colour: Colour | None  # warning level 预警级别
    response_level: ResponseLevel | None  # government response 响应级别
    headline: str
    description: str
    instruction: str
    areas: tuple[WarningArea, ...]
    onset_ms: int | None = None
    expires_ms: int | None = None
    language: str = "zh-CN"
    incident_id: str | None = None
    event_grade: str | None = None  # 事件分级 (特别重大 / 重大 / 较大 / 一般), from outcomes; not a CAP field
    status: Status = "Actual"  # drills replaying past events send "Exercise"

    def __post_init__(self) -> None:
        _check_id("identifier", self.identifier)
        _check_id("sender", self.sender)
        _check_time("sent_ms", self.sent_ms)
        _check_choice("msg_type", self.msg_type, MSG_TYPES)
        _check_choice("status", self.status, STATUSES)
        if self.colour is not None:
            _check_choice("colour", self.colour, COLOURS)
        if self.response_level is not None:
            _check_choice("response_level", self.response_level, RESPONSE_LEVELS)
        refs = tuple(tuple(r) for r in self.references)
        for i, ref in enumerate(refs):
            if len(ref) != 3:
                raise ValueError(f"references[{i}]: {ref!r} is not (sender, identifier, sent_ms)")
            _check_id(f"references[{i}].sender", ref[0])
            _check_id(f"references[{i}].identifier", ref[1])
            _check_time(f"references[{i}].sent_ms", ref[2])
        object.__setattr__(self, "references", refs)
        if self.msg_type != "Alert" and not refs:
            raise ValueError(
                f"references: {refs!r}: an {self.msg_type} must name the earlier message(s) it "
                "replaces as (sender, identifier, sent_ms)"
            )
        for name in ("event_code", "event", "headline", "description", "instruction"):
            _check_text(name, getattr(self, name))
        for name in ("event_code", "event"):
            if not getattr(self, name).strip():
                raise ValueError(f"{name}: {getattr(self, name)!r} is empty")
        _check_text("language", self.language)
        if not _LANGUAGE.fullmatch(self.language):
            raise ValueError(f"language: {self.language!r} is not a language tag such as 'zh-CN'")
        if self.incident_id is not None:
            _check_id("incident_id", self.incident_id)
        if self.event_grade is not None:
            _check_text("event_grade", self.event_grade)
        for name in ("onset_ms", "expires_ms"):
            if getattr(self, name) is not None:
                _check_time(name, getattr(self, name))
        if self.onset_ms is not None and self.expires_ms is not None and self.expires_ms < self.onset_ms:
            raise ValueError(f"expires_ms: {self.expires_ms} is before onset_ms {self.onset_ms}")
        if not all(isinstance(a, WarningArea) for a in self.areas):
            raise ValueError(f"areas: {self.areas!r} must be WarningArea values")
        object.__setattr__(self, "areas", tuple(self.areas))


# ---- writing ----------------------------------------------------------------------------------------------


def to_cap_xml(w: PublicWarning, mapping: CapMapping | None = None) -> str:
    """The warning as a CAP 1.2 document (UTF-8 declared; Chinese text kept as is)."""
    m = mapping or default_mapping()
    if w.event_grade is not None and w.event_grade not in m.event_grades:
        raise ValueError(
            f"event_grade: {w.event_grade!r} is not one of {list(m.event_grades)}"
            f"{did_you_mean(w.event_grade, m.event_grades)}"
        )
    severity, urgency, certainty = severity_urgency_certainty(w.colour, w.response_level, m)
    if w.msg_type == "Cancel":
        urgency = m.cancel_urgency

    alert = ET.Element(_q("alert"))
    _add(alert, "identifier", w.identifier)
    _add(alert, "sender", w.sender)
    _add(alert, "sent", format_cap_time(w.sent_ms, m))
    _add(alert, "status", w.status)
    _add(alert, "msgType", w.msg_type)
    _add(alert, "scope", "Public")
    if w.references:
        _add(alert, "references", " ".join(f"{s},{i},{format_cap_time(t, m)}" for s, i, t in w.references))
    if w.incident_id is not None:
        _add(alert, "incidents", w.incident_id)

    info = ET.SubElement(alert, _q("info"))
    _add(info, "language", w.language)
    _add(info, "category", m.category(w.event_code))
    _add(info, "event", w.event)
    if w.msg_type == "Cancel":
        _add(info, "responseType", m.cancel_response_type)
    _add(info, "urgency", urgency)
    _add(info, "severity", severity)
    _add(info, "certainty", certainty)
    _pair(info, "eventCode", m.event_code_value_name, w.event_code)
    if w.onset_ms is not None:
        _add(info, "onset", format_cap_time(w.onset_ms, m))
    if w.expires_ms is not None:
        _add(info, "expires", format_cap_time(w.expires_ms, m))
    for name in ("headline", "description", "instruction"):
        if getattr(w, name):
            _add(info, name, getattr(w, name))
    if w.colour is not None:
        _pair(info, "parameter", m.warning_level_name, m.national_code[w.colour])
    if w.response_level is not None:
        _pair(info, "parameter", m.response_level_name, w.response_level)
    if w.event_grade is not None:
        _pair(info, "parameter", m.event_grade_name, w.event_grade)
    for area in w.areas:
        el = ET.SubElement(info, _q("area"))
        _add(el, "areaDesc", area.description)
        for ring in area.polygons:
            _add(el, "polygon", " ".join(f"{_num(lat)},{_num(lon)}" for lon, lat in ring))
        for name, value in area.geocodes:
            _pair(el, "geocode", name, value)

    ET.indent(alert)
    body = ET.tostring(alert, encoding="unicode", default_namespace=CAP_NS)
    # A bare CR in text would come back as LF (XML end-of-line handling); a character reference keeps it.
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body.replace("\r", "&#13;") + "\n"


def format_cap_time(at_ms: int, mapping: CapMapping | None = None) -> str:
    """Epoch ms as CAP's dateTime with the mapping's offset, e.g. 2024-03-13T08:10:00+08:00."""
    m = mapping or default_mapping()
    return (_EPOCH + at_ms * _MS).astimezone(m.offset).isoformat(timespec="seconds")


# ---- reading ----------------------------------------------------------------------------------------------


def parse_cap_xml(xml: str, mapping: CapMapping | None = None) -> PublicWarning:
    """Read a CAP 1.2 public warning written by ``to_cap_xml`` (one <info>, scope Public)."""
    m = mapping or default_mapping()
    alert = _parse_root(xml)
    if alert.tag != _q("alert"):
        raise ValueError(f"root element {alert.tag!r} is not a CAP 1.2 <alert> ({CAP_NS})")
    scope = _text(alert, "scope")
    if scope != "Public":
        raise ValueError(f"scope: {scope!r}: only Public warnings are read here")
    msg_type = _text(alert, "msgType")
    _check_choice("msgType", msg_type, MSG_TYPES)
    infos = alert.findall(_q("info"))
    if len(infos) != 1:
        raise ValueError(f"info: expected exactly one <info>, found {len(infos)}")
    info = infos[0]

    codes = dict(_pairs(info, "eventCode"))
    if m.event_code_value_name not in codes:
        raise ValueError(
            f"eventCode: no code named {m.event_code_value_name!r} (found {sorted(codes)})"
            f"{did_you_mean(m.event_code_value_name, codes)}"
        )
    params = dict(_pairs(info, "parameter"))
    level_code = params.get(m.warning_level_name)
    response = params.get(m.response_level_name)
    if response is not None:
        _check_choice(f"parameter {m.response_level_name!r}", response, RESPONSE_LEVELS)
    onset, expires = _optional(info, "onset"), _optional(info, "expires")

    return PublicWarning(
        identifier=_text(alert, "identifier"),
        sender=_text(alert, "sender"),
        sent_ms=parse_cap_time("sent", _text(alert, "sent")),
        msg_type=msg_type,  # type: ignore[arg-type]  # checked above
        references=_references(_optional(alert, "references")),
        event_code=codes[m.event_code_value_name],
        event=_text(info, "event"),
        colour=None if level_code is None else m.colour_of_national_code(level_code),
        response_level=response,  # type: ignore[arg-type]  # checked above
        headline=_optional(info, "headline") or "",
        description=_optional(info, "description") or "",
        instruction=_optional(info, "instruction") or "",
        areas=tuple(_area(i, a) for i, a in enumerate(info.findall(_q("area")))),
        onset_ms=None if onset is None else parse_cap_time("onset", onset),
        expires_ms=None if expires is None else parse_cap_time("expires", expires),
        language=_optional(info, "language") or "en-US",  # the schema's default
        incident_id=_optional(alert, "incidents"),
        event_grade=params.get(m.event_grade_name),
        status=_text(alert, "status"),  # type: ignore[arg-type]  # checked by PublicWarning
    )


def parse_cap_time(field: str, text: str) -> int:
    """A CAP dateTime to epoch ms; a time without its UTC offset is ambiguous and refused."""
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{field}: {text!r} is not a time like 2024-03-13T08:10:00+08:00") from None
    if at.tzinfo is None:
        raise ValueError(f"{field}: {text!r} has no timezone offset; CAP needs one, e.g. +08:00")
    return (at - _EPOCH) // _MS


class _NoDoctype(ET.TreeBuilder):
    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        # CAP has no DTD; one could only serve entity-expansion tricks.
        raise ValueError(f"a CAP message carries no <!DOCTYPE>; refusing {name!r}")


def _parse_root(xml: str) -> ET.Element:
    parser = ET.XMLParser(target=_NoDoctype())
    try:
        parser.feed(xml)
        root: ET.Element = parser.close()
    except ET.ParseError as exc:
        raise ValueError(f"not well-formed XML: {exc}") from None
    return root


def _references(text: str | None) -> tuple[tuple[str, str, int], ...]:
    refs = []
    for item in (text or "").split():
        parts = item.split(",")
        if len(parts) != 3:
            raise ValueError(f"references: {item!r} is not sender,identifier,sent")
        refs.append((parts[0], parts[1], parse_cap_time("references", parts[2])))
    return tuple(refs)


def _area(index: int, el: ET.Element) -> WarningArea:
    rings = []
    for j, poly in enumerate(el.findall(_q("polygon"))):
        where = f"areas[{index}].polygon[{j}]"
        points = []
        for pair in (poly.text or "").split():
            try:
                lat, lon = (float(v) for v in pair.split(","))
            except ValueError:
                raise ValueError(f"{where}: {pair!r} is not a 'lat,lon' pair") from None
            points.append((lon, lat))
        _check_ring(where, tuple(points))
        rings.append(tuple(points))
    return WarningArea(
        description=_text(el, "areaDesc", allow_empty=True),
        polygons=tuple(rings),
        geocodes=tuple(_pairs(el, "geocode")),
    )


def _pairs(parent: ET.Element, name: str) -> list[tuple[str, str]]:
    return [
        (_text(p, "valueName", allow_empty=True), _text(p, "value", allow_empty=True)) for p in parent.findall(_q(name))
    ]


def _text(parent: ET.Element, name: str, allow_empty: bool = False) -> str:
    el = parent.find(_q(name))
    if el is None:
        raise ValueError(f"<{name}> is missing from <{parent.tag.split('}')[-1]}>")
    text = el.text or ""
    if not text and not allow_empty:
        raise ValueError(f"<{name}> is empty")
    return text


def _optional(parent: ET.Element, name: str) -> str | None:
    el = parent.find(_q(name))
    return None if el is None else (el.text or "")


# ---- shared checks and helpers ----------------------------------------------------------------------------


def _closed_ring(index: int, ring: object) -> Ring:
    where = f"areas.polygons[{index}]"
    try:
        points = tuple((float(lon), float(lat)) for lon, lat in ring)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {ring!r} is not a sequence of (lon, lat) points") from None
    for lon, lat in points:
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            raise ValueError(f"{where}: point ({lon}, {lat}) is not a WGS84 (lon, lat); is it swapped?")
    if points and points[0] != points[-1]:
        points = (*points, points[0])
    _check_ring(where, points)
    return points


def _check_ring(where: str, points: Ring) -> None:
    if len(points) < 4:
        raise ValueError(
            f"{where}: {len(points)} points {points!r}; a CAP polygon needs at least 4 "
            "(three corners and the first one repeated)"
        )
    if points[0] != points[-1]:
        raise ValueError(f"{where}: ring is not closed: first {points[0]} != last {points[-1]}")


def _check_text(field: str, value: object) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{field}: {value!r} is not text")
    bad = _NOT_XML.search(value)
    if bad:
        raise ValueError(f"{field}: {value!r} holds {bad.group()!r}, which XML cannot carry")


def _check_id(field: str, value: object) -> None:
    _check_text(field, value)
    assert isinstance(value, str)
    if not value or _NOT_IN_ID.search(value):
        raise ValueError(f"{field}: {value!r} must be non-empty, without spaces, commas, '<' or '&'")


def _check_time(field: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{field}: {value!r} is not epoch milliseconds (int)")
    if not _MIN_MS <= value <= _MAX_MS:
        raise ValueError(f"{field}: {value} is outside the years 0001..9999")
    if value % 1000:
        raise ValueError(f"{field}: {value} has milliseconds; CAP times are whole seconds")


def _check_choice(field: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{field}: {value!r} is not one of {list(allowed)}{did_you_mean(str(value), allowed)}")


def _q(name: str) -> str:
    return f"{{{CAP_NS}}}{name}"


def _add(parent: ET.Element, name: str, text: str) -> None:
    ET.SubElement(parent, _q(name)).text = text


def _pair(parent: ET.Element, name: str, value_name: str, value: str) -> None:
    el = ET.SubElement(parent, _q(name))
    _add(el, "valueName", value_name)
    _add(el, "value", value)


def _num(x: float) -> str:
    """Shortest text that reads back as the same float, never in exponent form (CAP wants plain decimals)."""
    text = repr(x)
    return format(Decimal(text), "f") if "e" in text or "E" in text else text
