"""The incident and what hangs off it: decisions (the audit trail), timers, tasks, approvals.

All values are frozen; a change is a new value. Times are event time in epoch milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from playbooks.evidence import Signal

Stage = Literal["before", "during", "after", "closed"]
STAGE_ORDER: tuple[Stage, ...] = ("before", "during", "after", "closed")
RESPONSE_LEVELS = ("IV", "III", "II", "I")  # ascending: I is the highest
WARNING_COLOURS = ("blue", "yellow", "orange", "red")  # ascending: red is the highest
EVENT_GRADES = ("一般", "较大", "重大", "特别重大")  # ascending
MAX_KEPT_EVIDENCE = 200  # the rest is counted, not kept: a surge of 20,000 calls stays one small incident


@dataclass(frozen=True, slots=True)
class Decision:
    """One entry of an incident's audit trail: what changed, by which rule or person, on what evidence, when."""

    at_ms: int
    what: str  # e.g. "stage before→during", "response_level III", "dispatch fire_suppression x4"
    rule: str  # rule id, "fusion", or "operator:<name>"
    evidence: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Timer:
    id: str
    due_ms: int
    rule: str
    unless: str = ""  # "acknowledged" | "resolved" | "stage_left" | "" : the condition that cancels it
    stage: str = ""  # the stage it was started in (for "stage_left")


@dataclass(frozen=True, slots=True)
class Approval:
    id: str
    rule: str
    action_index: int
    requested_at_ms: int
    deadline_ms: int
    default: Literal["approve", "reject"]
    summary: str
    state: Literal["pending", "approved", "rejected", "expired", "cancelled"] = "pending"
    decided_by: str = ""
    playbook: str = ""  # whose held actions `action_index` names


@dataclass(frozen=True, slots=True)
class WarningRecord:
    """One public warning message (CAP Alert, Update or Cancel) this incident issued."""

    identifier: str
    sender: str
    sent_ms: int
    msg_type: Literal["Alert", "Update", "Cancel"]
    colour: str | None
    event_code: str
    event: str
    rule: str


@dataclass(frozen=True, slots=True)
class HazardRef:
    """A registered hazard site the incident lies near (playbooks/hazards.py)."""

    cls: str  # facility class: chemical_plant, underpass, school, …
    name: str
    hazard: str  # hazard class: hazardous_chemicals, waterlogging, …
    km: float  # from the incident's site, rounded to 0.1 km


@dataclass(frozen=True, slots=True)
class Incident:
    id: str
    theater: str
    type: str
    family: str
    opened_at_ms: int
    updated_at_ms: int
    last_evidence_ms: int
    lon: float
    lat: float
    province: str  # the owning province: where the first located evidence was
    adcode: str
    provinces: tuple[str, ...]
    adcodes: tuple[str, ...]
    evidence: tuple[Signal, ...]
    counts: tuple[tuple[str, int], ...]  # signals by kind, including those not kept
    confidence: float
    playbook: str = ""
    stage: Stage = "before"
    response_level: str | None = None
    warning_colour: str | None = None
    event_grade: str | None = None
    acknowledged: bool = False
    fired: tuple[str, ...] = ()  # rules that fired (a rule fires once per incident unless it repeats)
    timers: tuple[Timer, ...] = ()
    approvals: tuple[Approval, ...] = ()
    decisions: tuple[Decision, ...] = ()
    public_warnings: tuple[WarningRecord, ...] = ()
    aid_requests: tuple[str, ...] = ()  # ids of the mutual-aid requests made for it
    status: Literal["open", "closed", "merged"] = "open"
    merged_into: str | None = None
    place_keys: tuple[str, ...] = ()
    # An event (a rainstorm, an earthquake, a warning in force) is the master record that reports of the event itself
    # are counted on; a site (an underpass, a collapsed house, a street's leaking roofs) needs its own response and
    # names the event it is part of, as CAD links child incidents to a master incident.
    scale: Literal["site", "event"] = "site"
    event_id: str | None = None
    # Set when the theater could not handle an input or a timer of this incident (the error): it needs a person's
    # look. An operator's acknowledgement clears it.
    attention: str = ""
    # Who leads the response (指挥权): county, city, province, joint or state_council (playbooks/lead.py); each move
    # is a decision, so its history is in `decisions`.
    lead: str = "county"
    # Registered hazard sites within their reach of the incident's site, nearest first (playbooks/hazards.py); each
    # change is a decision.
    hazards: tuple[HazardRef, ...] = ()

    @property
    def active_warning(self) -> WarningRecord | None:
        """The last public warning message unless it was a Cancel."""
        last = self.public_warnings[-1] if self.public_warnings else None
        return None if last is None or last.msg_type == "Cancel" else last

    @property
    def evidence_count(self) -> int:
        return sum(n for _, n in self.counts)

    def count(self, kinds: tuple[str, ...] | frozenset[str]) -> int:
        return sum(n for kind, n in self.counts if kind in kinds)


@dataclass(frozen=True, slots=True)
class Task:
    """A unit of work sent to one responder (or unfilled, waiting for mutual aid), or assigned to an agency."""

    id: str
    incident_id: str
    capability: str
    created_at_ms: int
    deadline_ms: int
    rule: str
    status: Literal["unfilled", "dispatched", "acknowledged", "en_route", "on_scene", "completed", "declined"]
    responder_id: str | None = None
    responder_name: str = ""
    responder_province: str = ""
    responder_adcode: str = ""
    incident_province: str = ""
    cross_border: bool = False
    travel_s: float | None = None
    reason: str = ""
    # Work given to an agency rather than a unit (recovery: damage assessment, restoring a lifeline): the agency
    # kind (streams/data/work_orders.yaml) and the province-wide body that owns it ("" = the county's own agency,
    # at `responder_adcode`). Such a task has no unit and moves only by the agency's replies.
    agency_kind: str = ""
    agency: str = ""


@dataclass(frozen=True, slots=True)
class Notification:
    id: str
    incident_id: str
    at_ms: int
    to_province: str
    rule: str
    message: str
    to_adcodes: tuple[str, ...] = ()  # the units meant, when narrower than the province (e.g. downstream)
