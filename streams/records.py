"""Records inside the pipeline, after decoding and normalisation: frozen, located in WGS84, event time in ms.

- `Reading` and `Heartbeat` feed the per-sensor detector (keyed by device id).
- `Signal` is evidence about a real-world event; the theater fuses signals into incidents.
- `TaskReply`, `OperatorCommand`, `ResourceUpdate` are control inputs to the theater.
- `Tick` is event-time punctuation; it moves watermarks and timers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from playbooks.evidence import Personal, Precision, Signal, Source


@dataclass(frozen=True, slots=True)
class Reading:
    event_id: str
    device_id: str
    kind: str
    value: float
    unit: str
    at_ms: int
    lon: float
    lat: float
    adcode: str
    province: str
    interval_s: int


@dataclass(frozen=True, slots=True)
class Heartbeat:
    event_id: str
    device_id: str
    online: bool
    at_ms: int
    interval_s: int


@dataclass(frozen=True, slots=True)
class TaskReply:
    event_id: str
    task_id: str
    responder_id: str
    status: str
    at_ms: int


@dataclass(frozen=True, slots=True)
class ResourceUpdate:
    event_id: str
    responder_id: str
    status: str
    at_ms: int
    agency: str


@dataclass(frozen=True, slots=True)
class OperatorCommand:
    event_id: str
    at_ms: int
    operator: str
    centre: str
    action: str
    incident_id: str = ""
    target: str = ""
    level: str = ""
    reason: str = ""
    evidence_ids: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Tick:
    at_ms: int
    source: str = "clock"


ControlInput = TaskReply | ResourceUpdate | OperatorCommand
TheaterInput = Signal | ControlInput | Tick

__all__ = ["Personal", "Precision", "Signal", "Source"]
