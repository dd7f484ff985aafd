"""Who goes: rank available responders with a capability by road time, across borders when it pays.

Pure: :func:`decide` reads the fleet and returns a decision; applying it (marking units assigned) is the
caller's step. Arrays over the fleet are prepared once per (fleet roster, road graph) and reused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geo.agreements import Agreements, load_agreements
from geo.datafiles import DATA_DIR, StrictModel, load_yaml_model
from geo.fleet import FleetState, Roster
from geo.geodesy import haversine_km
from geo.regions import PROVINCES, THEATER, RegionIndex
from geo.roads import RoadGraph, Sources


@dataclass(frozen=True)
class DispatchRequest:
    task_id: str
    capability: str
    count: int
    lon: float
    lat: float
    adcode: str  # the incident's unit; its province is the one that leads
    # A mutual-aid request: only these provinces' units (those that lend the capability to the leading one) count,
    # never local ones. None: an ordinary dispatch, local first.
    lenders: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Candidate:
    responder_id: str
    travel_s: float
    province: str
    adcode: str
    cross_border: bool


@dataclass(frozen=True)
class DispatchDecision:
    request: DispatchRequest
    chosen: tuple[Candidate, ...]
    shortfall: int  # units still needed
    reason: str
    mutual_aid_needed: tuple[str, ...]  # provinces to ask (they lend the chosen cross-border units)


class _Preference(StrictModel):
    min_saving_s: float
    min_saving_share: float


class _PolicyFile(StrictModel):
    neighbour_preference: _Preference


@dataclass(frozen=True)
class DispatchPolicy:
    min_saving_s: float
    min_saving_share: float
    agreements: Agreements

    @classmethod
    def load(
        cls,
        path: Path = DATA_DIR / "dispatch_policy.yaml",
        agreements: Agreements | None = None,
    ) -> DispatchPolicy:
        raw = load_yaml_model(_PolicyFile, path).neighbour_preference
        return cls(raw.min_saving_s, raw.min_saving_share, agreements or load_agreements())

    def materially_faster(self, local_s: float, neighbour_s: float) -> bool:
        saving = local_s - neighbour_s
        return saving >= self.min_saving_s and saving >= self.min_saving_share * local_s


def fleet_sources(fleet: FleetState, roads: RoadGraph) -> Sources:
    """Access legs of every responder base on this graph, computed once per roster and graph."""
    roster: Roster = fleet.roster
    cached = roster.cache.get(roads)
    if not isinstance(cached, Sources):
        cached = roads.sources(roster.lon, roster.lat)
        roster.cache[roads] = cached
    return cached


def _check(request: DispatchRequest, fleet: FleetState, regions: RegionIndex) -> str:
    """Validate the request; return the leading province."""
    try:
        fleet.check_capability(request.capability)
    except ValueError as exc:
        raise ValueError(f"request.capability: {exc}") from None
    if not isinstance(request.count, int) or request.count < 1:
        raise ValueError(f"request.count={request.count!r} must be a positive integer")
    if (
        not (math.isfinite(request.lon) and math.isfinite(request.lat))
        or regions.locate(request.lon, request.lat) is None
    ):
        raise ValueError(f"request.lon/lat=({request.lon}, {request.lat}) is outside the theater {THEATER}")
    try:
        return regions.unit(request.adcode).province_adcode
    except KeyError as exc:
        raise ValueError(f"request.adcode: {exc.args[0]}") from None


def decide(
    request: DispatchRequest,
    fleet: FleetState,
    roads: RoadGraph,
    regions: RegionIndex,
    policy: DispatchPolicy,
) -> DispatchDecision:
    own = _check(request, fleet, regions)
    roster = fleet.roster
    eligible = np.zeros(len(roster.ids), dtype=bool)
    if request.capability in roster.capabilities:
        eligible = roster.has(request.capability) & fleet.available_mask
    lenders = policy.agreements.lenders_of(own, request.capability)
    if request.lenders is not None:
        lenders = lenders & frozenset(request.lenders)
        eligible = eligible & (roster.province != own)
    local_mask = eligible & (roster.province == own)
    foreign_mask = eligible & np.isin(roster.province, sorted(lenders))
    idx = np.flatnonzero(local_mask | foreign_mask)
    times = roads.times_from(fleet_sources(fleet, roads), request.lon, request.lat)[idx]
    order = np.lexsort((idx, times))  # by time, then by id (the roster is sorted by id)
    idx, times = idx[order], times[order]
    is_local = roster.province[idx] == own
    local = [(float(t), int(i)) for t, i in zip(times[is_local], idx[is_local], strict=True)]
    foreign = [(float(t), int(i)) for t, i in zip(times[~is_local], idx[~is_local], strict=True)]

    chosen: list[tuple[float, int]] = []
    why: list[str] = []
    if request.lenders is not None:
        names = ", ".join(PROVINCES[p] for p in sorted(lenders)) or "none"
        why.append(f"a mutual-aid request: only lenders' units count ({names})")
    li = fi = 0
    while len(chosen) < request.count and (li < len(local) or fi < len(foreign)):
        if li < len(local) and (fi >= len(foreign) or not policy.materially_faster(local[li][0], foreign[fi][0])):
            chosen.append(local[li])
            li += 1
            continue
        pick = foreign[fi]
        if li < len(local):
            why.append(_faster_note(roster, regions, request, local[li], pick))
        elif request.lenders is None and (not why or not why[-1].startswith("local")):
            why.append(f"local {PROVINCES[own]} has no more available {request.capability}")
        chosen.append(pick)
        fi += 1

    candidates = tuple(
        Candidate(
            responder_id=roster.ids[i],
            travel_s=round(t, 1),
            province=str(roster.province[i]),
            adcode=str(roster.adcode[i]),
            cross_border=str(roster.province[i]) != own,
        )
        for t, i in chosen
    )
    shortfall = request.count - len(candidates)
    aid = tuple(sorted({c.province for c in candidates if c.cross_border}))
    return DispatchDecision(
        request=request,
        chosen=candidates,
        shortfall=shortfall,
        reason=_reason(request, roster, regions, own, chosen, why, shortfall, lenders),
        mutual_aid_needed=aid,
    )


def _describe(roster: Roster, regions: RegionIndex, request: DispatchRequest, pick: tuple[float, int]) -> str:
    t, i = pick
    r = roster.responders[i]
    km = float(haversine_km(r.base_lon, r.base_lat, request.lon, request.lat))
    return f"{r.name} ({regions.unit(r.home_adcode).name}) {km:.0f} km, {t / 60:.0f} min"


def _faster_note(
    roster: Roster,
    regions: RegionIndex,
    request: DispatchRequest,
    local: tuple[float, int],
    foreign: tuple[float, int],
) -> str:
    saving = (local[0] - foreign[0]) / 60
    province = PROVINCES[str(roster.province[foreign[1]])]
    return (
        f"{_describe(roster, regions, request, foreign)} vs local {_describe(roster, regions, request, local)}: "
        f"{province} {saving:.0f} min faster ({(local[0] - foreign[0]) / local[0]:.0%})"
    )


def _reason(
    request: DispatchRequest,
    roster: Roster,
    regions: RegionIndex,
    own: str,
    chosen: list[tuple[float, int]],
    why: list[str],
    shortfall: int,
    lenders: frozenset[str],
) -> str:
    head = f"{len(chosen)} of {request.count} {request.capability} for {request.task_id}"
    if not chosen:
        asked = ", ".join(PROVINCES[p] for p in sorted(lenders)) or "no province lends it"
        return f"{head}: none available in {PROVINCES[own]} or from lenders ({asked})"
    parts = [head + ": " + "; ".join(_describe(roster, regions, request, p) for p in chosen)]
    parts += why
    if shortfall:
        parts.append(f"short by {shortfall}")
    return ". ".join(parts)
