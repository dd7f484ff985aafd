"""Key figures of a run per region, in event time, for the after-action report.

For each province an incident touched: when the first of its incidents was detected (opened), how long from
there to the first unit sent, to the first unit on scene (reported by a task reply, or else estimated as
dispatch time plus the route's travel time, and marked so), and every change of response level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from geo.regions import PROVINCES
from playbooks.incident import Incident, Task


@dataclass(frozen=True)
class LevelChange:
    at_ms: int
    incident_id: str
    change: str  # e.g. "III→II"
    rule: str


@dataclass(frozen=True)
class RegionKpis:
    province: str
    name: str
    incidents: int
    detected_ms: int | None
    first_task_ms: int | None
    first_arrival_ms: int | None
    arrival_estimated: bool
    level_changes: tuple[LevelChange, ...]
    tasks: int
    cross_border_tasks: int
    unfilled_tasks: int
    notifications: int

    def after_detection(self, at_ms: int | None) -> int | None:
        return None if at_ms is None or self.detected_ms is None else at_ms - self.detected_ms


def _arrivals(deltas: Iterable[Any]) -> dict[str, int]:
    """When each task's unit reported itself on scene, by task id."""
    out: dict[str, int] = {}
    for delta in deltas:
        if delta.kind == "task" and delta.entity.status == "on_scene":
            out.setdefault(delta.key, delta.at_ms)
    return out


def region_kpis(
    incidents: dict[str, Incident], tasks: dict[str, Task], notifications: list[Any], deltas: list[Any]
) -> tuple[RegionKpis, ...]:
    arrived = _arrivals(deltas)
    rows: list[RegionKpis] = []
    for province in sorted(PROVINCES):
        mine = [i for i in incidents.values() if province in i.provinces and i.status != "merged"]
        if not mine:
            continue
        ids = {i.id for i in mine}
        own_tasks = [t for t in tasks.values() if t.incident_id in ids]
        sent = [t for t in own_tasks if t.responder_id]
        reported = [arrived[t.id] for t in sent if t.id in arrived]
        estimated = [t.created_at_ms + int(t.travel_s * 1000) for t in sent if t.travel_s is not None]
        changes = sorted(
            (
                LevelChange(d.at_ms, i.id, d.what.removeprefix("response_level "), d.rule)
                for i in mine
                for d in i.decisions
                if d.what.startswith("response_level")
            ),
            key=lambda c: (c.at_ms, c.incident_id),
        )
        rows.append(
            RegionKpis(
                province=province,
                name=PROVINCES[province],
                incidents=len(mine),
                detected_ms=min(i.opened_at_ms for i in mine),
                first_task_ms=min((t.created_at_ms for t in sent), default=None),
                first_arrival_ms=min(reported) if reported else min(estimated, default=None),
                arrival_estimated=not reported and bool(estimated),
                level_changes=tuple(changes),
                tasks=len(sent),
                cross_border_tasks=sum(1 for t in sent if t.cross_border),
                unfilled_tasks=sum(1 for t in own_tasks if t.status == "unfilled"),
                notifications=sum(1 for n in notifications if n.to_province == province),
            )
        )
    return tuple(rows)
