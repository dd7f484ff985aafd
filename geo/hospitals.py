"""Where casualties go: the nearest hospitals by road that have the speciality and room, across the border
when the near ones fill up."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pydantic

from geo.datafiles import DATA_DIR, StrictModel, load_yaml_model
from geo.dispatch import fleet_sources
from geo.fleet import FleetState
from geo.names import did_you_mean
from geo.roads import RoadGraph


class SurgePolicy(StrictModel):
    surge_share: float
    min_surge: int
    speciality_share: dict[str, float] = pydantic.Field(default_factory=dict)

    def room(self, beds: int, speciality: str | None) -> int:
        share = self.surge_share if speciality is None else self.speciality_share.get(speciality, self.surge_share)
        return max(self.min_surge, int(beds * share))


def load_surge_policy(path: Path = DATA_DIR / "hospitals.yaml") -> SurgePolicy:
    return load_yaml_model(SurgePolicy, path)


def route_casualties(
    fleet: FleetState,
    roads: RoadGraph,
    lon: float,
    lat: float,
    count: int,
    speciality: str | None = None,
    occupied: Mapping[str, int] | None = None,
    policy: SurgePolicy | None = None,
) -> tuple[tuple[str, int, float], ...]:
    """``(hospital_id, casualties, travel_s)`` nearest first; the total is short of ``count`` only when
    every reachable hospital with the speciality is full. ``occupied`` counts casualties already sent."""
    if count < 0:
        raise ValueError(f"count={count} must not be negative")
    policy = policy or load_surge_policy()
    occupied = occupied or {}
    roster = fleet.roster
    if speciality is not None:
        known = {s for r in roster.responders for s in r.specialities}
        if speciality not in known:
            raise ValueError(f"speciality={speciality!r} is offered by no hospital{did_you_mean(speciality, known)}")
    if count == 0 or "hospital_beds" not in roster.capabilities:
        return ()
    idx = np.flatnonzero(roster.has("hospital_beds") & fleet.available_mask)
    if speciality is not None:
        idx = np.array([i for i in idx if speciality in roster.responders[i].specialities], dtype=np.int64)
    if idx.size == 0:
        return ()
    times = roads.times_from(fleet_sources(fleet, roads), lon, lat)[idx]
    order = np.lexsort((idx, times))
    plan: list[tuple[str, int, float]] = []
    left = count
    for i, t in zip(idx[order].tolist(), times[order].tolist(), strict=True):
        r = roster.responders[i]
        room = policy.room(r.beds, speciality) - occupied.get(r.id, 0)
        if room <= 0:
            continue
        n = min(room, left)
        plan.append((r.id, n, round(t, 1)))
        left -= n
        if left == 0:
            break
    return tuple(plan)
