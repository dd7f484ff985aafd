"""The wire contract agencies produce to: one msgspec Struct per message type.

Every message carries `type` (the tag) and `schema_version` ("MAJOR.MINOR"). Minor versions only add optional
fields, so an older producer keeps working; a message of an unknown major version is rejected, never guessed at.
Unknown fields are rejected too, so a typo in a field name is reported instead of silently ignored.
"""

from __future__ import annotations

from typing import Literal

import msgspec

SUPPORTED_MAJOR = 1
CURRENT_VERSION = "1.0"

Crs = Literal["WGS84", "GCJ02"]
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
    lon: float
    lat: float
    crs: Crs = "WGS84"


class SensorReading(_Wire, tag="sensor.reading", frozen=True):
    schema_version: str
    event_id: str
    device_id: str
    kind: SensorKind
    value: float
    unit: str
    observed_at: str
    position: Position
    interval_s: int = 60


class SensorBatch(_Wire, tag="sensor.batch", frozen=True):
    """A gateway may send many readings in one message; each is accepted or rejected on its own."""

    schema_version: str
    event_id: str
    gateway_id: str
    readings: list[SensorReading]


class SensorHeartbeat(_Wire, tag="sensor.heartbeat", frozen=True):
    schema_version: str
    event_id: str
    device_id: str
    online: bool
    observed_at: str
    interval_s: int = 60


class Caller(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    name: str | None = None
    phone: str | None = None


class WorkOrder(_Wire, tag="hotline.work_order", frozen=True):
    """A 12345 hotline work order (工单). Address text may come without coordinates."""

    schema_version: str
    event_id: str
    order_id: str
    hotline: str  # province adcode of the hotline centre that took the call, e.g. "110000"
    received_at: str
    category: HotlineCategory
    urgency: Urgency
    content: str
    address: str
    caller: Caller = Caller()
    position: Position | None = None


class WarningArea(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    description: str
    adcodes: list[str] = []
    polygon: list[tuple[float, float]] = []  # lon, lat in the message's crs


class WarningReport(_Wire, tag="agency.warning", frozen=True):
    """A warning issued, updated or cancelled by an authorised department (e.g. the weather bureau)."""

    schema_version: str
    event_id: str
    agency: str
    province: str
    issued_at: str
    action: Literal["issue", "update", "cancel"]
    warning_id: str
    event_code: str  # GB/T 35561 code, opaque (e.g. "11B03" rainstorm)
    hazard: str  # e.g. "rainstorm", "flood", "gas"
    colour: WarningColour
    area: WarningArea
    headline: str = ""
    crs: Crs = "WGS84"


class ResponseLevelReport(_Wire, tag="agency.response_level", frozen=True):
    schema_version: str
    event_id: str
    agency: str
    province: str
    issued_at: str
    action: Literal["raise", "lower", "end"]
    level: ResponseLevel
    hazard: str
    scope_adcodes: list[str] = []
    reason: str = ""


class IncidentReport(_Wire, tag="agency.incident", frozen=True):
    """A report of an incident by an agency (fire, police, railway, utilities, hydrology)."""

    schema_version: str
    event_id: str
    agency: str
    province: str
    reported_at: str
    incident_kind: str  # e.g. "explosion", "building_collapse", "train_stranded", "river_flood"
    description: str
    position: Position | None = None
    address: str = ""
    people_affected: int = 0


class ResourceStatus(_Wire, tag="agency.resource_status", frozen=True):
    schema_version: str
    event_id: str
    agency: str
    province: str
    reported_at: str
    responder_id: str
    status: Literal["available", "assigned", "en_route", "on_scene", "returning", "out_of_service"]


class CasualtyReport(_Wire, tag="agency.casualty", frozen=True):
    schema_version: str
    event_id: str
    agency: str
    province: str
    reported_at: str
    position: Position | None = None
    address: str = ""
    deaths: int = 0
    injured: int = 0
    missing: int = 0


class TaskStatus(_Wire, tag="task.status", frozen=True):
    """An agency's reply about a task it was sent."""

    schema_version: str
    event_id: str
    task_id: str
    responder_id: str
    status: Literal["acknowledged", "en_route", "on_scene", "completed", "declined"]
    at: str


class Command(_Wire, tag="command", frozen=True):
    """An operator's command from a command centre; audited with who issued it."""

    schema_version: str
    event_id: str
    at: str
    operator: str
    centre: str
    action: Literal["acknowledge", "approve", "reject", "set_level", "assign", "release", "merge", "split", "close"]
    incident_id: str = ""
    target: str = ""  # approval id, responder id, or the other incident id, depending on action
    level: str = ""
    reason: str = ""
    evidence_ids: list[str] = []


class Tick(_Wire, tag="tick", frozen=True):
    """Event-time punctuation: no message with an earlier time follows in this partition."""

    schema_version: str
    at: str
    source: str = "clock"


AgencyMessage = WarningReport | ResponseLevelReport | IncidentReport | ResourceStatus | CasualtyReport
WireMessage = (
    SensorReading
    | SensorBatch
    | SensorHeartbeat
    | WorkOrder
    | WarningReport
    | ResponseLevelReport
    | IncidentReport
    | ResourceStatus
    | CasualtyReport
    | TaskStatus
    | Command
    | Tick
)

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
    TaskStatus,
    Command,
    Tick,
)


def type_tag(cls: type[_Wire]) -> str:
    tag = cls.__struct_config__.tag
    assert isinstance(tag, str)
    return tag
