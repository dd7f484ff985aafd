"""The theater's state, context and outputs, shared by the step and its handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from geo.closures import ClosureReports, load_closure_reports
from geo.coverage import ReadinessData
from geo.dispatch import DispatchPolicy
from geo.fleet import FleetState
from geo.hospitals import SurgePolicy, load_surge_policy
from geo.mutual_aid import Exchange
from geo.regions import RegionIndex
from geo.responder_lifecycle import ResponderLifecycle, load_lifecycle
from geo.roads import RoadGraph
from geo.stockpiles import Stockpiles, load_stockpiles
from geo.supplies import SupplyExchange
from playbooks import lead
from playbooks.evidence import Signal
from playbooks.incident import Incident, Task
from playbooks.model import Playbook
from streams.fusion import fuse
from streams.theater.reporting_rules import ReportingRules, load_reporting_rules
from streams.theater.watermark import WatermarkPolicy
from streams.theater.work_order_rules import WorkOrderRules, load_work_order_rules
from streams.wire.incident_delta import evidence_change
from streams.wire.records import Delta, DeltaKind, EvidenceChange, TheaterInput
from streams.words.phrasebook import Phrasebook


@dataclass(frozen=True)
class TheaterContext:
    """Everything the step reads but never changes."""

    theater: str
    regions: RegionIndex
    roads: RoadGraph
    fusion: fuse.FusionRules
    playbooks: dict[str, Playbook]
    dispatch_policy: DispatchPolicy
    tick_sources: tuple[str, ...]
    watermark: WatermarkPolicy = field(default_factory=WatermarkPolicy)  # idleness and lateness (live only)
    lifecycle: ResponderLifecycle = field(default_factory=load_lifecycle)
    closure_reports: ClosureReports = field(default_factory=load_closure_reports)
    surge: SurgePolicy = field(default_factory=load_surge_policy)
    exercise: bool = False  # a drill or a replay: every public warning is a CAP Exercise, never an Actual one
    phrases: Phrasebook = field(default_factory=Phrasebook.load)  # for the human text of public warnings
    reporting: ReportingRules = field(default_factory=load_reporting_rules)  # deadlines of reports upward
    work_orders: WorkOrderRules = field(default_factory=load_work_order_rules)  # who owns a 12345 call
    readiness: ReadinessData | None = None  # coverage and move-ups under warnings; None: not measured
    stockpiles: Stockpiles = field(default_factory=load_stockpiles)  # depots and shelters (streams/theater/supplies.py)


@dataclass(frozen=True, slots=True)
class AidLink:
    """What the theater remembers of a mutual-aid exchange it started for a dispatch."""

    request_id: str
    incident_id: str
    task_base: str  # the dispatch's task id; lent units get `<task_base>.<slot>`
    slots: tuple[int, ...]  # task numbers kept for the lent units, in dispatch rank order
    suggested: tuple[str, ...]  # the lender's units dispatch ranked, offered when an offer names none
    rule: str
    deadline_ms: int  # the task's deadline


@dataclass(frozen=True, slots=True)
class ActiveClosure:
    """A road closure in force: reported by an agency, or put in force by a playbook for an incident; in force until
    a reopening report, the incident's own rule (`lift_closure`) or an operator lifts it."""

    id: str
    kind: str  # geo closure kind
    report_kind: str  # the agency report's kind; "" for a playbook's closure
    lon: float
    lat: float
    radius_m: float
    factor: float | None  # None = impassable
    since_ms: int
    signal_id: str
    agency: str
    status: str = "active"  # active | reopened
    incident_id: str = ""  # the incident whose playbook closed the road ("" for a report)
    rule: str = ""  # the rule that closed it
    place: str = ""  # the facility it closes (an underpass's name), "" for a point
    reason: str = ""
    lifted_by: str = ""  # who reopened it: "agency:<name>", a rule id or "operator:<who>"
    adcode: str = ""  # the county it lies in, when known


@dataclass
class TheaterState:
    """Mutated in place by `step` (entities inside are immutable). `dirty` lists what a durable runtime must write."""

    fleet: FleetState
    fusion: fuse.FusionState = field(default_factory=fuse.FusionState)
    tasks: dict[str, Task] = field(default_factory=dict)
    watermarks: dict[str, int] = field(default_factory=dict)
    heard: dict[str, int] = field(default_factory=dict)  # source partition → clock time its last tick arrived
    buffer: list[tuple[int, int, str, int, TheaterInput]] = field(default_factory=list)
    arrivals: int = 0
    now_ms: int = 0
    feed_seq: int = 0
    task_number: int = 0
    notification_number: int = 0
    last_timed_scan_ms: int = 0
    active_warnings: dict[str, Signal] = field(default_factory=dict)
    declared_levels: dict[str, Signal] = field(default_factory=dict)  # "<province>/<hazard>" → response in force
    posts_down: dict[str, Signal] = field(default_factory=dict)  # county adcode → the report that its post is down
    winds: dict[str, Signal] = field(default_factory=dict)  # a weather station's place → its latest wind (wind.py)
    aid: dict[str, Exchange] = field(default_factory=dict)  # mutual-aid exchanges by request id
    aid_links: dict[str, AidLink] = field(default_factory=dict)
    closures: dict[str, ActiveClosure] = field(default_factory=dict)  # in force, by id
    returning: dict[str, int] = field(default_factory=dict)  # responder id → event time it is back at base
    hospital_load: dict[str, int] = field(default_factory=dict)  # casualties sent, by hospital[/speciality]
    injured_routed: dict[str, int] = field(default_factory=dict)  # by incident id
    burns_routed: dict[str, int] = field(default_factory=dict)  # burns cases a report counted, by incident id
    # signals that joined no incident: declared response levels, command-post reports, a silent sensor outside any
    # warning, and evidence that names no event near an open one (docs/testing.md: evidence is conserved)
    unfused_signals: int = 0
    late_inputs: int = 0  # inputs that arrived behind the watermark: processed on arrival, out of event-time order
    # reporting upward (streams/theater/reporting.py): every report by id, what each incident last reported, and
    # the deadlines of those still due (derived from `reports`, not stored)
    reports: dict[str, Any] = field(default_factory=dict)
    report_marks: dict[str, Any] = field(default_factory=dict)
    report_due: dict[str, int] = field(default_factory=dict)
    # loss statistics (streams/theater/losses.py): each agency's latest figures per incident, and their sums
    losses: dict[str, dict[str, tuple[int, ...]]] = field(default_factory=dict)
    loss_totals: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # 12345 work orders closed back (streams/theater/work_orders.py), by id; and by incident (derived, not stored)
    work_orders: dict[str, Any] = field(default_factory=dict)
    orders_of: dict[str, list[str]] = field(default_factory=dict)
    # readiness under warnings (streams/theater/readiness.py): coverage by warning id, move-ups by id
    readiness: dict[str, Any] = field(default_factory=dict)
    move_ups: dict[str, Any] = field(default_factory=dict)
    # supplies and shelter places (streams/theater/supplies.py): the exchanges by request id, and each depot's or
    # shelter's stock once the theater has moved any (the data's until then)
    supplies: dict[str, SupplyExchange] = field(default_factory=dict)
    supply_stock: dict[str, dict[str, int]] = field(default_factory=dict)
    failed_count: int = 0  # inputs and timers the theater could not handle (streams/theater/containment.py)
    failures: list[Any] = field(default_factory=list)  # the latest failures, until a runtime takes them
    handling: str = ""  # the incident the current input concerns, once known (for containment; not stored)
    dirty: set[tuple[str, str]] = field(default_factory=set)
    # The evidence ids of each incident as its last delta left them, so the next delta carries what changed
    # (streams/wire/incident_delta.py). Equal to the incident's own evidence except while surge pacing holds it
    # back: only those are stored (`feed_pending`), the rest is derived on recovery.
    fed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The road graph with the closures in force, derived from `closures` (not stored).
    road_cache: tuple[tuple[str, ...], RoadGraph] | None = field(default=None, repr=False, compare=False)


class Emitter:
    """Collects deltas, numbering them from the state's feed sequence."""

    def __init__(self, state: TheaterState) -> None:
        self.state = state
        self.deltas: list[Delta] = []

    def emit(self, kind: DeltaKind, key: str, entity: Any, evidence: EvidenceChange | None = None) -> None:
        self.state.feed_seq += 1
        self.deltas.append(Delta(self.state.feed_seq, self.state.now_ms, kind, key, entity, evidence))
        # the sequence is durable too: a delta that changes no entity (a rejection, a notification) still moves it,
        # and a restart that forgot it would number the next deltas again
        self.state.dirty.add(("meta", "feed_seq"))
        if kind in ("incident", "task", "responder"):
            self.state.dirty.add((kind, key))

    def incident(self, incident: Incident) -> None:
        # every version of an incident passes here: who leads follows its grade, level and regions (playbooks/lead.py)
        incident = lead.follow(incident, self.state.now_ms)
        fuse.store(self.state.fusion, incident)
        change = evidence_change(self.state.fed.get(incident.id), incident.evidence)
        self.state.fed[incident.id] = tuple(e.signal_id for e in incident.evidence)
        self.emit("incident", incident.id, incident, change)
