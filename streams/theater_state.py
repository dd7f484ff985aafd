"""The theater's state, context and outputs, shared by the step and its handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from geo.dispatch import DispatchPolicy
from geo.fleet import FleetState
from geo.regions import RegionIndex
from geo.roads import RoadGraph
from playbooks.evidence import Signal
from playbooks.incident import Incident, Task
from playbooks.model import Playbook
from streams import fuse
from streams.records import TheaterInput


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


@dataclass(frozen=True, slots=True)
class Delta:
    """One change of the picture; `seq` orders the command-centre feed without gaps."""

    seq: int
    at_ms: int
    kind: str  # incident | task | notification | responder | rejected
    key: str
    entity: Any


@dataclass
class TheaterState:
    """Mutated in place by `step` (entities inside are immutable). `dirty` lists what a durable runtime must write."""

    fleet: FleetState
    fusion: fuse.FusionState = field(default_factory=fuse.FusionState)
    tasks: dict[str, Task] = field(default_factory=dict)
    watermarks: dict[str, int] = field(default_factory=dict)
    buffer: list[tuple[int, int, str, int, TheaterInput]] = field(default_factory=list)
    arrivals: int = 0
    now_ms: int = 0
    feed_seq: int = 0
    task_number: int = 0
    notification_number: int = 0
    last_timed_scan_ms: int = 0
    active_warnings: dict[str, Signal] = field(default_factory=dict)
    dirty: set[tuple[str, str]] = field(default_factory=set)


class Emitter:
    """Collects deltas, numbering them from the state's feed sequence."""

    def __init__(self, state: TheaterState) -> None:
        self.state = state
        self.deltas: list[Delta] = []

    def emit(self, kind: str, key: str, entity: Any) -> None:
        self.state.feed_seq += 1
        self.deltas.append(Delta(self.state.feed_seq, self.state.now_ms, kind, key, entity))
        if kind in ("incident", "task", "responder"):
            self.state.dirty.add((kind, key))

    def incident(self, incident: Incident) -> None:
        fuse.store(self.state.fusion, incident)
        self.emit("incident", incident.id, incident)
