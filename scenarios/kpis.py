"""Key figures of a run per incident, in event time, for the after-action report.

Each figure is measured from the incident's own start, never from the scenario's T0 or from a region's first
incident (a rainstorm warning open since T+0 must not make a county's first rescue look 19 hours late):

- detect: from the first report of the event (the incident's earliest evidence) to the incident being opened;
- first task: from opening to the first unit sent;
- on scene: from opening to the first unit on scene — its on-scene report, or else, marked as estimated, the
  dispatch time plus the route's travel time;
- controlled: from opening to the incident leaving the response (recovery or closed).

Across incidents each figure is summarised by percentiles (nearest rank) over the incidents that have it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from playbooks.incident import Incident, Task

FIGURES = ("detect", "first_task", "on_scene", "controlled")
PERCENTILES = (50, 90, 100)
_CONTROLLED = ("→after", "→closed")


@dataclass(frozen=True)
class LevelChange:
    at_ms: int
    incident_id: str
    old: str
    new: str
    rule: str


@dataclass(frozen=True)
class IncidentKpis:
    incident_id: str
    opened_ms: int
    first_evidence_ms: int
    first_task_ms: int | None
    on_scene_ms: int | None
    on_scene_estimated: bool
    controlled_ms: int | None
    level_changes: tuple[LevelChange, ...]
    tasks: int
    cross_border_tasks: int
    unfilled_tasks: int
    notifications: int

    def figure(self, name: str) -> int | None:
        """One key figure in ms from the incident's own start (None: it did not happen in the run)."""
        if name == "detect":
            return max(0, self.opened_ms - self.first_evidence_ms)
        at = {"first_task": self.first_task_ms, "on_scene": self.on_scene_ms, "controlled": self.controlled_ms}[name]
        return None if at is None else at - self.opened_ms


@dataclass(frozen=True)
class Spread:
    """A figure across incidents: how many had it, and its percentiles (PERCENTILES → ms)."""

    figure: str
    count: int
    values: tuple[tuple[int, int], ...]


def _arrivals(deltas: Iterable[Any]) -> dict[str, int]:
    """When each task's unit reported itself on scene, by task id."""
    out: dict[str, int] = {}
    for delta in deltas:
        if delta.kind == "task" and delta.entity.status == "on_scene":
            out.setdefault(delta.key, delta.at_ms)
    return out


def _level_changes(incident: Incident) -> tuple[LevelChange, ...]:
    out = []
    for d in incident.decisions:
        if d.what.startswith("response_level "):
            old, _, new = d.what.removeprefix("response_level ").partition("→")
            out.append(LevelChange(d.at_ms, incident.id, old, new, d.rule))
    return tuple(out)


def _controls(what: str) -> bool:
    """The decision that takes the incident out of the response: into recovery, or closed."""
    return what == "closed" or (what.startswith("stage ") and what.endswith(_CONTROLLED))


def incident_kpis(
    incidents: dict[str, Incident], tasks: dict[str, Task], notifications: list[Any], deltas: list[Any]
) -> tuple[IncidentKpis, ...]:
    arrived = _arrivals(deltas)
    rows: list[IncidentKpis] = []
    for inc in sorted(incidents.values(), key=lambda i: (i.opened_at_ms, i.id)):
        if inc.status == "merged":
            continue
        own = [t for t in tasks.values() if t.incident_id == inc.id]
        sent = [t for t in own if t.responder_id and not t.agency_kind]  # units: not agencies' recovery work
        reported = [arrived[t.id] for t in sent if t.id in arrived]
        estimated = [t.created_at_ms + int(t.travel_s * 1000) for t in sent if t.travel_s is not None]
        controlled = next(
            (
                d.at_ms
                for d in inc.decisions
                if d.what == "closed" or (d.what.startswith("stage") and d.what.endswith(_CONTROLLED))
            ),
            None,
        )
        rows.append(
            IncidentKpis(
                incident_id=inc.id,
                opened_ms=inc.opened_at_ms,
                first_evidence_ms=min((e.at_ms for e in inc.evidence), default=inc.opened_at_ms),
                first_task_ms=min((t.created_at_ms for t in sent), default=None),
                on_scene_ms=min(reported) if reported else min(estimated, default=None),
                on_scene_estimated=not reported and bool(estimated),
                controlled_ms=controlled,
                level_changes=_level_changes(inc),
                tasks=len(sent),
                cross_border_tasks=sum(1 for t in sent if t.cross_border),
                unfilled_tasks=sum(1 for t in own if t.status == "unfilled"),
                notifications=sum(1 for n in notifications if n.incident_id == inc.id),
            )
        )
    return tuple(rows)


def percentile(values: Sequence[int], p: int) -> int:
    """Nearest-rank percentile of a non-empty sequence (p in 1..100)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def spreads(rows: Sequence[IncidentKpis]) -> tuple[Spread, ...]:
    out = []
    for name in FIGURES:
        values = [v for v in (r.figure(name) for r in rows) if v is not None]
        pairs = tuple((p, percentile(values, p)) for p in PERCENTILES) if values else ()
        out.append(Spread(name, len(values), pairs))
    return tuple(out)
