"""What the lifecycle asks the outside world to do, as data; the theater carries it out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class DispatchEffect:
    incident_id: str
    rule: str
    capability: str
    count: int
    deadline_ms: int


@dataclass(frozen=True, slots=True)
class AssignEffect:
    """Recovery work to assign to the agency of `agency_kind` that serves the incident's place."""

    incident_id: str
    rule: str
    work: str
    agency_kind: str
    deadline_ms: int
    reason: str = ""


@dataclass(frozen=True, slots=True)
class NotifyEffect:
    incident_id: str
    rule: str
    to: tuple[str, ...]  # "own", "neighbours", "all" or province adcodes
    message: str
    adcodes: tuple[str, ...] = ()  # units to tell besides (downstream ones); their provinces are told


@dataclass(frozen=True, slots=True)
class WarningEffect:
    """One public warning message, complete: the theater writes it as CAP 1.2 and publishes it."""

    incident_id: str
    rule: str
    msg_type: Literal["Alert", "Update", "Cancel"]
    identifier: str
    sender: str
    sent_ms: int
    references: tuple[tuple[str, str, int], ...]
    event_code: str
    event: str
    colour: str | None
    response_level: str | None
    event_grade: str | None
    headline: str
    description: str
    instruction: str
    area_adcodes: tuple[str, ...]
    expires_ms: int | None
    status: str
    # `area: downwind`: the release point and how far downwind people shelter (lon, lat, km); the theater points it
    # with the weather agency's wind (streams/theater/wind.py)
    downwind_of: tuple[float, float, float] | None = None


@dataclass(frozen=True, slots=True)
class MutualAidEffect:
    incident_id: str
    rule: str
    request_id: str
    borrower: str
    lenders: tuple[str, ...]
    capability: str
    count: int
    reason: str
    deadline_ms: int = 0  # when the lent units are due on scene


@dataclass(frozen=True, slots=True)
class SupplyEffect:
    """Supplies or shelter places for the incident: own stock first, then the lenders' (streams/theater/supplies.py)."""

    incident_id: str
    rule: str
    item: str
    quantity: int
    reason: str


@dataclass(frozen=True, slots=True)
class ClosureEffect:
    """A road closure to put in force (`close`) around a point, or the incident's closures to lift (`lift`)."""

    incident_id: str
    rule: str
    verb: Literal["close", "lift"]
    reason: str
    closure_id: str = ""
    kind: str = ""  # geo closure kind
    lon: float = 0.0
    lat: float = 0.0
    radius_m: float = 0.0
    factor: float | None = None
    place: str = ""  # the facility's name, or "" for the incident's site
    adcode: str = ""  # the county the closure lies in


@dataclass(frozen=True, slots=True)
class ApprovalEffect:
    incident_id: str
    rule: str
    approval_id: str
    state: Literal["requested", "approved", "rejected", "expired"]
    summary: str
    deadline_ms: int
    default: str
    decided_by: str = ""


Effect = (
    DispatchEffect
    | AssignEffect
    | NotifyEffect
    | WarningEffect
    | MutualAidEffect
    | ApprovalEffect
    | ClosureEffect
    | SupplyEffect
)
