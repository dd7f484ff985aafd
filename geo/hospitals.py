"""Where casualties go: the nearest hospitals by road that have the speciality and room, across the border
when the near ones fill up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

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
    # incident type → speciality → share of the injured who need it (the rest need any hospital)
    casualty_mix: dict[str, dict[str, Annotated[float, pydantic.Field(ge=0, le=1)]]] = pydantic.Field(
        default_factory=dict
    )

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
    every reachable hospital in service with the speciality is full. ``occupied`` counts casualties already
    sent (to the speciality's unit when one is named)."""
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
    # A hospital whose medical team was sent out still has its beds: only out-of-service ones are skipped.
    idx = np.flatnonzero(roster.has("hospital_beds") & fleet.in_service_mask())
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


@dataclass(frozen=True)
class Placement:
    hospital_id: str
    casualties: int
    travel_s: float
    speciality: str  # "" = a general bed


def route_injured(
    fleet: FleetState,
    roads: RoadGraph,
    lon: float,
    lat: float,
    injured: int,
    incident_type: str,
    occupied: Mapping[str, int],
    policy: SurgePolicy,
    counted: Mapping[str, int] | None = None,
) -> tuple[tuple[Placement, ...], int]:
    """Route ``injured`` people from one place: those who need a speciality (burns after an explosion) to
    units with it, the rest (and speciality cases no unit has room for) to the nearest general beds. How many
    need a speciality is the report's own count when it gives one (``counted``: a casualty report's burns),
    else the share the incident type's casualty mix says. ``occupied`` is keyed by ``hospital_id`` for general
    beds and ``hospital_id/speciality`` for a speciality's. Returns the placements and how many found no bed."""
    if injured < 0:
        raise ValueError(f"injured={injured} must not be negative")
    known = {s for r in fleet.roster.responders for s in r.specialities}
    counted = counted or {}
    mix = policy.casualty_mix.get(incident_type, {})
    placements: list[Placement] = []
    general = injured
    for speciality in sorted({*mix, *counted}):
        share = counted[speciality] if speciality in counted else round(injured * mix[speciality])
        wanted = min(general, share)
        if wanted <= 0 or speciality not in known:
            continue
        prefix = f"/{speciality}"
        taken = {key.removesuffix(prefix): n for key, n in occupied.items() if key.endswith(prefix)}
        plan = route_casualties(fleet, roads, lon, lat, wanted, speciality, taken, policy)
        placements += [Placement(h, n, t, speciality) for h, n, t in plan]
        general -= sum(n for _, n, _ in plan)
    taken = {key: n for key, n in occupied.items() if "/" not in key}
    plan = route_casualties(fleet, roads, lon, lat, general, None, taken, policy)
    placements += [Placement(h, n, t, "") for h, n, t in plan]
    return tuple(placements), general - sum(n for _, n, _ in plan)
