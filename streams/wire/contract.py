"""The wire contract agencies produce to: one msgspec Struct per message type.

Every message carries `type` (the tag) and `schema_version` ("MAJOR.MINOR"). Minor versions only add optional
fields, so an older producer keeps working; a message of an unknown major version is rejected, never guessed at.
Unknown fields are rejected too, so a typo in a field name is reported instead of silently ignored.

The constraints written here (patterns, ranges, lengths) are part of the contract: they are published in the
JSON Schema files under `schemas/` (see `streams.wire.publish`), and the decoder enforces the same ones.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

SUPPORTED_MAJOR = 1
CURRENT_VERSION = "1.3"

#: The unified device identification code, one scheme for every region: LL-<county adcode>-<KIND>-<serial>.
DEVICE_ID_PATTERN = r"^LL-[1-9][0-9]{5}-[A-Z]{2,6}-[0-9A-Za-z]{1,16}$"
#: The KIND part of a device id per sensor kind (a recommendation: the decoder checks the pattern only).
DEVICE_KIND_CODES = {
    "gas_lel": "GAS",
    "water_depth": "WATER",
    "river_flow": "FLOW",
    "pipe_pressure": "PRESS",
    "bridge_deflection": "BRIDGE",
    "building_tilt": "TILT",
    "manhole_cover": "COVER",
    "rain_gauge": "RAIN",
}

# Patterns on the two fields every sensor message has are published (extra_json_schema) and checked in code:
# msgspec's own pattern check costs about 1 µs a field, a tenth of the whole budget of a reading.
VERSION_PATTERN = r"^[0-9]+\.[0-9]+$"
Version = Annotated[
    str,
    Meta(
        max_length=16,
        extra_json_schema={"pattern": VERSION_PATTERN},
        description="MAJOR.MINOR of the contract the producer wrote to",
    ),
]
EventId = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=128,
        description="unique per event; a redelivery of the same event carries the same id and is ignored",
    ),
]
Time = Annotated[
    str,
    Meta(
        min_length=10,
        max_length=40,
        extra_json_schema={"format": "date-time"},
        description="ISO 8601 event time with its UTC offset, e.g. 2024-03-13T07:54:00+08:00",
    ),
]
Name = Annotated[str, Meta(min_length=1, max_length=128)]
Adcode = Annotated[str, Meta(pattern=r"^[1-9][0-9]{5}$", description="a six-digit administrative division code")]
Province = Annotated[
    str, Meta(pattern=r"^[1-9][0-9]{5}$", description="province adcode: 110000 Beijing, 120000 Tianjin, 130000 Hebei")
]
ShortText = Annotated[str, Meta(max_length=500)]
LongText = Annotated[str, Meta(max_length=5000)]
DeviceId = Annotated[
    str,
    Meta(
        max_length=40,
        extra_json_schema={"pattern": DEVICE_ID_PATTERN},
        description="unified device code LL-<county adcode>-<KIND>-<serial>, e.g. LL-131082-GAS-000417",
    ),
]
IntervalS = Annotated[
    int, Meta(ge=1, le=86_400, description="the device's reporting interval in seconds; silence is measured in it")
]
Count = Annotated[int, Meta(ge=0, le=100_000_000)]

Crs = Literal["WGS84", "GCJ02"]
#: Said when a value is refused: what to send instead (datums the brain does not take, mostly).
ENUM_ADVICE = {
    "CGCS2000": "CGCS2000 and WGS84 agree within centimetres: send CGCS2000 coordinates as WGS84",
    "BD09": "convert Baidu's BD-09 to GCJ02 (or WGS84) before sending",
    "EPSG:4326": "EPSG:4326 is WGS84: send WGS84",
    "EPSG:4490": "EPSG:4490 is CGCS2000, which agrees with WGS84 within centimetres: send WGS84",
}
SensorKind = Literal[
    "gas_lel",
    "water_depth",
    "river_flow",
    "pipe_pressure",
    "bridge_deflection",
    "building_tilt",
    "manhole_cover",
    "rain_gauge",
]
HotlineCategory = Literal["咨询", "求助", "投诉", "举报", "建议", "表扬"]
Urgency = Literal["一般", "紧急", "特急"]
WarningColour = Literal["red", "orange", "yellow", "blue"]
ResponseLevel = Literal["I", "II", "III", "IV"]


class _Wire(msgspec.Struct, forbid_unknown_fields=True, frozen=True, tag_field="type"):
    """Base of every wire message."""


class Position(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A point and the datum it is in. WGS84 is stored; GCJ-02 (Chinese map apps) is converted on arrival."""

    # Ranges are published but checked by normalize, which can then tell a swapped pair from a wrong one.
    lon: Annotated[float, Meta(extra_json_schema={"minimum": -180.0, "maximum": 180.0})]
    lat: Annotated[float, Meta(extra_json_schema={"minimum": -90.0, "maximum": 90.0})]
    crs: Crs = "WGS84"


class SensorReading(_Wire, tag="sensor.reading", frozen=True):
    """One reading of one urban-lifeline sensor. Key: device_id. Topic: ingest.sensor."""

    schema_version: Version
    event_id: EventId
    device_id: DeviceId
    kind: SensorKind
    value: Annotated[float, Meta(description="the measured value, in `unit`; manhole_cover: tilt in degrees")]
    unit: Annotated[str, Meta(max_length=16, description="e.g. %LEL, cm, m3/s, MPa, %limit, %allowed, deg, mm/h")]
    observed_at: Time
    position: Position
    interval_s: IntervalS = 60


class SensorBatch(_Wire, tag="sensor.batch", frozen=True):
    """A gateway may send many readings in one message; each is accepted or rejected on its own."""

    schema_version: Version
    event_id: EventId
    gateway_id: Name
    readings: Annotated[list[SensorReading], Meta(max_length=5000)]


class SensorHeartbeat(_Wire, tag="sensor.heartbeat", frozen=True):
    """A device saying it is alive (online) or going offline on purpose (maintenance). Key: device_id."""

    schema_version: Version
    event_id: EventId
    device_id: DeviceId
    online: bool
    observed_at: Time
    interval_s: IntervalS = 60


class Caller(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """The caller of a 12345 work order: personal data, masked outside the owning region."""

    name: Annotated[str, Meta(max_length=64)] | None = None
    phone: Annotated[str, Meta(max_length=32)] | None = None


class WorkOrder(_Wire, tag="hotline.work_order", frozen=True):
    """A 12345 hotline work order (工单). Address text may come without coordinates. Key: order_id."""

    schema_version: Version
    event_id: EventId
    order_id: Name
    hotline: Annotated[Province, Meta(description="province adcode of the hotline centre that took the call")]
    received_at: Time
    category: HotlineCategory
    urgency: Urgency
    content: LongText
    address: Annotated[str, Meta(max_length=500, description="address text, down to community or village")]
    caller: Caller = Caller()
    position: Position | None = None


class WarningArea(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Where a warning applies: county adcodes, a polygon (lon, lat pairs in the message's crs), or both."""

    description: ShortText
    adcodes: Annotated[list[Adcode], Meta(max_length=500)] = []
    polygon: Annotated[list[tuple[float, float]], Meta(max_length=10_000)] = []


class WarningReport(_Wire, tag="agency.warning", frozen=True):
    """A warning issued, updated or cancelled by an authorised department (e.g. the weather bureau). Key: agency."""

    schema_version: Version
    event_id: EventId
    agency: Name
    province: Province
    issued_at: Time
    action: Literal["issue", "update", "cancel"]
    warning_id: Name
    event_code: Annotated[str, Meta(max_length=16, description="GB/T 35561 code, opaque, e.g. 11B03 rainstorm")]
    hazard: Annotated[str, Meta(max_length=32, description="e.g. rainstorm, flood, gas")]
    colour: WarningColour
    area: WarningArea
    headline: ShortText = ""
    crs: Crs = "WGS84"


class ResponseLevelReport(_Wire, tag="agency.response_level", frozen=True):
    """An emergency response level raised, lowered or ended by the government leading the response."""

    schema_version: Version
    event_id: EventId
    agency: Name
    province: Province
    issued_at: Time
    action: Literal["raise", "lower", "end"]
    level: ResponseLevel
    hazard: Annotated[str, Meta(max_length=32)]
    scope_adcodes: Annotated[list[Adcode], Meta(max_length=500)] = []
    reason: ShortText = ""


class IncidentReport(_Wire, tag="agency.incident", frozen=True):
    """A report of an incident by an agency (fire, police, railway, utilities, hydrology)."""

    schema_version: Version
    event_id: EventId
    agency: Name
    province: Province
    reported_at: Time
    incident_kind: Annotated[str, Meta(max_length=64, description="e.g. explosion, building_collapse, river_flood")]
    description: LongText
    position: Position | None = None
    address: ShortText = ""
    people_affected: Count = 0


class ResourceStatus(_Wire, tag="agency.resource_status", frozen=True):
    """The status of one responder unit, as its agency reports it."""

    schema_version: Version
    event_id: EventId
    agency: Name
    province: Province
    reported_at: Time
    responder_id: Name
    status: Literal["available", "assigned", "en_route", "on_scene", "returning", "out_of_service"]


class CasualtyReport(_Wire, tag="agency.casualty", frozen=True):
    """Casualty figures for an event, cumulative as the agency knows them at `reported_at`."""

    schema_version: Version
    event_id: EventId
    agency: Name
    province: Province
    reported_at: Time
    position: Position | None = None
    address: ShortText = ""
    deaths: Count = 0
    injured: Count = 0
    missing: Count = 0
    burns: Annotated[
        int,
        Meta(
            ge=0,
            le=100_000_000,
            description="added in 1.2: how many of the injured are burns cases (cumulative; at most `injured`)",
        ),
    ] = 0


class WeatherObservation(_Wire, tag="agency.weather", frozen=True):
    """A weather station's surface wind as the weather agency reports it, added in 1.2: the brain keeps the latest
    near each place and points shelter-in-place warnings downwind of a chemical release. Key: agency."""

    schema_version: Version
    event_id: EventId
    agency: Name
    province: Province
    observed_at: Time
    position: Position
    wind_from_deg: Annotated[
        float, Meta(ge=0, le=360, description="where the wind blows from, degrees clockwise from north")
    ]
    wind_speed_ms: Annotated[float, Meta(ge=0, le=100, description="mean wind speed, m/s")]
    station: Annotated[str, Meta(max_length=128)] = ""


#: The figures of a loss report, in this order wherever they travel as a tuple.
LOSS_FIGURES = ("deaths", "injured", "missing", "relocated", "houses_damaged", "direct_loss_cny")
Money = Annotated[int, Meta(ge=0, le=10_000_000_000_000, description="yuan (CNY)")]


class LossReport(_Wire, tag="agency.loss", frozen=True):
    """Loss statistics (损失统计) for an event, added in 1.1: cumulative for the reporting agency's own part (its
    county or department), as it knows them at `reported_at`. The brain sums the latest report of each agency per
    incident and per region; the event grade follows the sums. Key: agency. Topic: ingest.agency."""

    schema_version: Version
    event_id: EventId
    agency: Name
    province: Province
    reported_at: Time
    position: Position | None = None
    address: ShortText = ""
    deaths: Count = 0
    injured: Count = 0
    missing: Count = 0
    relocated: Annotated[int, Meta(ge=0, le=100_000_000, description="people urgently relocated (紧急转移安置)")] = 0
    houses_damaged: Annotated[int, Meta(ge=0, le=100_000_000, description="houses collapsed or damaged")] = 0
    direct_loss_cny: Money = 0


class TaskStatus(_Wire, tag="task.status", frozen=True):
    """An agency's reply about a task it was sent. Key: task_id. Topic: task.status."""

    schema_version: Version
    event_id: EventId
    task_id: Name
    responder_id: Name
    status: Literal["acknowledged", "en_route", "on_scene", "completed", "declined"]
    at: Time


CommandAction = Literal[
    "acknowledge",
    "approve",
    "reject",
    "set_level",
    "assign",
    "release",
    "merge",
    "split",
    "close",
    "offer",
    "commit",
    "decline",
    "submit_report",
    "lift_closure",
]


class Command(_Wire, tag="command", frozen=True):
    """An operator's command from a command centre; audited with who issued it. Topic: commands."""

    schema_version: Version
    event_id: EventId
    at: Time
    operator: Name
    centre: Name
    action: CommandAction
    incident_id: Annotated[str, Meta(max_length=128)] = ""
    target: Annotated[
        str,
        Meta(max_length=128, description="approval id, responder id, other incident id or report id, per action"),
    ] = ""
    level: Annotated[str, Meta(max_length=16)] = ""
    reason: ShortText = ""
    evidence_ids: Annotated[list[Name], Meta(max_length=1000)] = []


class Tick(_Wire, tag="tick", frozen=True):
    """Event-time punctuation: no message with an earlier time follows in this partition."""

    schema_version: Version
    at: Time
    source: Annotated[str, Meta(max_length=64)] = "clock"
    signature: Annotated[
        str,
        Meta(
            max_length=128,
            description="the clock's HMAC-SHA256 over topic, partition and time (hex); required by a worker with a key",
        ),
    ] = ""


AgencyMessage = (
    WarningReport
    | ResponseLevelReport
    | IncidentReport
    | ResourceStatus
    | CasualtyReport
    | LossReport
    | WeatherObservation
)
WireMessage = SensorReading | SensorBatch | SensorHeartbeat | WorkOrder | AgencyMessage | TaskStatus | Command | Tick

WIRE_TYPES: tuple[type[_Wire], ...] = (
    SensorReading,
    SensorBatch,
    SensorHeartbeat,
    WorkOrder,
    WarningReport,
    ResponseLevelReport,
    IncidentReport,
    ResourceStatus,
    CasualtyReport,
    LossReport,
    WeatherObservation,
    TaskStatus,
    Command,
    Tick,
)


def type_tag(cls: type[_Wire]) -> str:
    tag = cls.__struct_config__.tag
    assert isinstance(tag, str)
    return tag


#: What each minor version added. A producer may keep writing any earlier 1.x; the brain reads them all.
CHANGES = {
    "1.0": "first published contract",
    "1.1": "command action submit_report (target: the report id) for reports upward; message agency.loss",
    "1.2": "tick: signature, the clock's (a worker with a tick key rejects ticks without a valid one)",
    "1.3": "agency.casualty field burns (how many injured are burns cases); message agency.weather (surface wind)",
}
