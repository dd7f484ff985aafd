"""Records inside the pipeline, after decoding and normalisation: frozen, located in WGS84, event time in ms.

- `Reading` and `Heartbeat` feed the per-sensor detector (keyed by device id).
- `Signal` is evidence about a real-world event; the theater fuses signals into incidents.
- `TaskReply`, `OperatorCommand`, `ResourceUpdate` are control inputs to the theater.
- `Tick` is event-time punctuation; it moves watermarks and timers.
- `Delta` is one numbered change of the command-centre picture (the `feed` topic); `DELTA_KINDS` lists its kinds.
  An incident delta's `evidence` says what changed of the incident's evidence (streams/wire/incident_delta.py).
- `Counts` are one source partition's ingest counts (the `ingest.counts` topic): received = accepted + rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from playbooks.evidence import Personal, Precision, Signal, Source
from playbooks.incident import Incident, Notification, Task


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


EVERY_PARTITION = "*"  # the source of a tick every source partition has passed (the embedded runtime's)


@dataclass(frozen=True, slots=True)
class Tick:
    at_ms: int
    source: str = "clock"  # the source partition ("ingest.sensor/2") whose watermark it is, or EVERY_PARTITION


ControlInput = TaskReply | ResourceUpdate | OperatorCommand
TheaterInput = Signal | ControlInput | Tick

DeltaKind = Literal[
    "incident",
    "task",
    "notification",
    "responder",
    "rejected",
    "warning",
    "mutual_aid",
    "closure",
    "casualty_routing",
    "event",
    "report",
    "losses",
    "supply",
    "work_order",
    "readiness",
    "move_up",
]
DELTA_KINDS: tuple[str, ...] = get_args(DeltaKind)
# The typed entity of each delta kind that has one; the other kinds carry a JSON object (or a text: rejected).
FEED_ENTITY_TYPES: dict[str, type[Any]] = {"incident": Incident, "task": Task, "notification": Notification}


@dataclass(frozen=True, slots=True)
class Failure:
    """An input or timer the theater could not handle (a defect, not bad input): kept with its error, like a dead
    letter, and parked on `theater.failed` by the Kafka worker (streams/theater/containment.py)."""

    at_ms: int  # event time when it failed
    what: str  # "Signal c12", "OperatorCommand E9", "timers ack-leak of JINGJINJI-000001"
    incident_id: str  # the incident it concerned, "" when none is known
    error: str  # "KeyError: 'x' (plan.py:152)": the error and where it was raised
    input: bytes = b""  # the input as encoded on the signals topic (base64 in JSON); empty for a timer


@dataclass(frozen=True, slots=True)
class EvidenceChange:
    """What an incident's evidence gained and lost since the incident's last delta.

    The list after the delta is the one before it without `removed`, followed by `added`; when `complete`, `added`
    is the whole list (an incident's first delta, or a change that reorders it, as a merge does).
    """

    added: tuple[Signal, ...]
    removed: tuple[str, ...] = ()
    complete: bool = False


@dataclass(frozen=True, slots=True)
class Delta:
    """One change of the picture; `seq` orders the command-centre feed without gaps.

    `entity` is the whole entity; for an incident, `evidence` says what its evidence gained since its last delta,
    which is all the feed carries of it (None: the whole evidence, as in a snapshot).
    """

    seq: int
    at_ms: int
    kind: DeltaKind
    key: str
    entity: Any
    evidence: EvidenceChange | None = None


@dataclass
class Counts:
    """One source partition's ingest counts; ticks are punctuation, counted apart."""

    received: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    ticks: int = 0

    def add(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[int, int, int, int, int]:
        return self.received, self.accepted, self.rejected, self.duplicates, self.ticks

    def as_dict(self) -> dict[str, int]:
        return dict(zip(("received", "accepted", "rejected", "duplicates", "ticks"), self.as_tuple(), strict=True))


__all__ = ["Personal", "Precision", "Signal", "Source"]
