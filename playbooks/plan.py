"""The compiled playbook: frozen values the lifecycle runs, with every name already resolved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from playbooks.places import PlaybookPlaces, ThresholdTable


@dataclass(frozen=True)
class ThresholdRef:
    table: ThresholdTable
    tier: str


@dataclass(frozen=True)
class CountSpec:
    """How many pieces of evidence of some kinds (within a window, with a value of at least)."""

    kinds: tuple[str, ...]  # kind patterns: "call:gas_smell", or "call:*" for every call
    at_least: int
    within_ms: int | None = None
    value_at_least: float | None = None
    at_least_ref: ThresholdRef | None = None  # the number from a threshold table, per issuing authority


@dataclass(frozen=True)
class NearSpec:
    facility: str
    km: float
    points: tuple[tuple[float, float, str], ...]  # (lon, lat, name) of every facility of the class


@dataclass(frozen=True)
class WarningAreaSpec:
    min_severity: int  # 1 blue … 4 red
    hazards: frozenset[str] | None


@dataclass(frozen=True)
class Condition:
    """Every part given must hold (`any_of`: at least one of the alternatives too)."""

    incident_types: frozenset[str] | None = None
    signal_kinds: tuple[str, ...] | None = None
    attrs: tuple[tuple[str, str], ...] = ()
    stages: frozenset[str] | None = None
    count: CountSpec | None = None
    value_at_least: float | None = None
    figures_at_least: tuple[tuple[str, float], ...] = ()  # the trigger's figures (deaths, injured, missing), each ≥
    threshold: ThresholdRef | None = None
    severity_at_least: int | None = None
    no_evidence_for_ms: int | None = None
    lasting: tuple[tuple[str, ...], int] | None = None  # (kind patterns, duration)
    inside: frozenset[str] | None = None  # unit adcodes
    in_warning_area: WarningAreaSpec | None = None
    near: NearSpec | None = None
    at_facility: frozenset[str] | None = None  # facility classes: the incident carries a registered site of one
    downstream_of: frozenset[str] | None = None  # unit adcodes at or below a place on a river
    not_acknowledged: bool = False
    scales_at_least: tuple[tuple[str, str], ...] = ()  # (field, level)
    scales_below: tuple[tuple[str, str], ...] = ()  # (field, level): not yet at that level (none is below all)
    any_of: tuple[Condition, ...] = ()

    @property
    def needs_trigger(self) -> bool:
        """A condition on the triggering signal cannot hold when only time moved on."""
        return (
            self.signal_kinds is not None
            or bool(self.attrs)
            or self.value_at_least is not None
            or bool(self.figures_at_least)
            or self.threshold is not None
            or self.severity_at_least is not None
        )

    @property
    def time_driven(self) -> bool:
        """Holds (or not) as event time passes, so it is checked on the clock as well as on evidence."""
        return (self.no_evidence_for_ms is not None or self.lasting is not None) and not self.needs_trigger


# ---- actions: one frozen value per kind, each with the line of the file it was read from ----------------------


@dataclass(frozen=True, kw_only=True)
class EnterStage:
    """`enter_stage`, and the stage rules' entry and exit."""

    stage: str
    line: int


@dataclass(frozen=True, kw_only=True)
class SetScale:
    """`set_response_level`, `set_warning_colour`, `set_event_grade`: only upward unless `allow_lower`."""

    scale: str  # response_level | warning_colour | event_grade
    level: str
    reason: str = ""
    allow_lower: bool = False
    line: int


@dataclass(frozen=True, kw_only=True)
class StepScale:
    """`raise_response_level`, `raise`, `lower`: move a scale by steps (negative: lower)."""

    scale: str
    steps: int
    reason: str = ""
    line: int


@dataclass(frozen=True, kw_only=True)
class Dispatch:
    capability: str
    count: int = 1
    within_ms: int
    line: int


@dataclass(frozen=True, kw_only=True)
class Assign:
    """`assign`: recovery work given to the agency that owns it at the incident's place (not to a unit)."""

    work: str  # playbooks/data/recovery.yaml
    agency_kind: str  # the kind of agency that owns the work
    within_ms: int
    reason: str = ""
    line: int


@dataclass(frozen=True, kw_only=True)
class Notify:
    to: tuple[str, ...]  # targets, "downstream" among them: the units below on `river` (or every river)
    message: str = ""
    river: str = ""
    line: int


@dataclass(frozen=True, kw_only=True)
class _OnTimer:
    timer: str  # a TimerSpec id of the playbook
    line: int


@dataclass(frozen=True, kw_only=True)
class StartTimer(_OnTimer):
    """`start_timer`: the timer runs from now (one already running goes on as it was)."""


@dataclass(frozen=True, kw_only=True)
class CancelTimer(_OnTimer):
    """`cancel_timer`: the timer stops without firing."""


@dataclass(frozen=True, kw_only=True)
class PublicWarningAction:
    """`issue_warning`, `update_warning`, `cancel_warning`: a CAP message; a part not given follows the active
    warning (or, for the colour, the incident's)."""

    verb: Literal["issue", "update", "cancel"]
    event_code: str = ""
    event: str = ""
    colour: str | None = "incident"  # a colour, "incident" (the incident's), or None (an agency's update gave none)
    headline: str = ""
    description: str = ""
    instruction: str = ""
    area: str = "incident"  # incident | downstream | province | downwind (of the registered plant it is at)
    river: str = ""
    expires_ms: int | None = None
    line: int


@dataclass(frozen=True, kw_only=True)
class RequestMutualAid:
    capability: str
    count: int = 1
    lenders: tuple[str, ...]  # province adcodes, or "any"
    reason: str = ""
    within_ms: int = 3_600_000  # the lent units' deadline on scene
    line: int


@dataclass(frozen=True, kw_only=True)
class RequestSupplies:
    """`request_supplies`: supplies (or shelter places) for the incident, from its own province's depots first and
    from the provinces whose agreement lends them for the rest (streams/theater/supplies.py)."""

    item: str  # an item of geo/stockpiles.py, or shelter_places
    quantity: int
    reason: str = ""
    line: int


@dataclass(frozen=True, kw_only=True)
class CloseRoad:
    """`close_road`: a road closure in force around the incident's site, or around the nearest facility of a class
    (an underpass) within `within_km` of it; routing avoids it until it is lifted."""

    closure: str  # geo closure kind (geo/closures.py): flooded_underpass, cordon, …
    at: str = "incident"  # "incident" or a facility class
    within_km: float = 0.5
    radius_m: float
    factor: float | None = None  # None: impassable; ≥ 1 slows travel through it
    reason: str = ""
    or_incident: bool = False  # no facility of the class in reach: close around the incident's site instead
    line: int


@dataclass(frozen=True, kw_only=True)
class LiftClosure:
    """`lift_closure`: every closure this incident put in force is lifted."""

    reason: str = ""
    line: int


@dataclass(frozen=True, kw_only=True)
class RequireApproval:
    approval: int  # index into `Playbook.approvals`
    line: int


@dataclass(frozen=True, kw_only=True)
class Close:
    line: int


Action = (
    EnterStage
    | SetScale
    | StepScale
    | Dispatch
    | Assign
    | Notify
    | StartTimer
    | CancelTimer
    | PublicWarningAction
    | RequestMutualAid
    | RequestSupplies
    | RequireApproval
    | Close
    | CloseRoad
    | LiftClosure
)


@dataclass(frozen=True)
class Title:
    """A name for people, in Chinese and English (the operator language says rules and timers by it)."""

    zh: str
    en: str


@dataclass(frozen=True)
class Rule:
    id: str
    when: Condition
    then: tuple[Action, ...]
    repeat: bool
    line: int
    title: Title | None = None


@dataclass(frozen=True)
class TimerSpec:
    id: str
    after_ms: int
    start_on: str  # "opened", "rule:<id>", "stage:<stage>" or "evidence" (restarted by each new evidence)
    unless: str  # "acknowledged", "resolved", "stage_left" or ""
    then: tuple[Action, ...]
    line: int
    when: Condition | None = None  # checked when due: if it does not hold, the timer is cancelled
    title: Title | None = None


@dataclass(frozen=True)
class ApprovalSpec:
    """Actions held until a person approves them, or until the deadline applies the default."""

    index: int
    summary: str
    approver: str
    within_ms: int
    default: str  # "approve" | "reject"
    then: tuple[Action, ...]
    line: int


@dataclass(frozen=True)
class Playbook:
    id: str
    title: str
    incident_types: frozenset[str]
    rules: tuple[Rule, ...]
    timers: tuple[TimerSpec, ...]
    file: str
    on_enter: tuple[tuple[str, tuple[Action, ...]], ...] = ()  # stage → actions run on entering it
    approvals: tuple[ApprovalSpec, ...] = ()
    places: PlaybookPlaces | None = None
    base: bool = False  # a base playbook: the rules every incident needs, run by the playbooks that extend it
    extends: str = ""  # the base playbook whose rules and timers this one runs too

    @property
    def titles(self) -> Title:
        """The title in each language: `title: {zh, en}`, or the older one-line form "中文 / English"."""
        zh, _, en = self.title.partition(" / ")
        return Title(zh.strip(), (en or zh).strip())

    def timer(self, timer_id: str) -> TimerSpec | None:
        """The timer of that id, or None: an incident may hold timers its former playbook started."""
        return next((t for t in self.timers if t.id == timer_id), None)

    def entry_actions(self, stage: str) -> tuple[Action, ...]:
        return dict(self.on_enter).get(stage, ())
