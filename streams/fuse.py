"""Fusion: every signal about the same real-world event ends in one incident, across sources and borders.

A signal joins the nearest open incident of its family within the family's radius and time window (or one
with the same place key, for calls located only by address); otherwise it opens a new incident. A grid index
over open incidents keeps the cost per signal flat however many incidents are open.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from importlib import resources

import yaml

from playbooks.evidence import Signal
from playbooks.incident import MAX_KEPT_EVIDENCE, Decision, Incident

CELL_DEG = 0.05  # ~5.5 km north-south; radii up to a few cells are scanned
KM_PER_DEG_LAT = 111.2


@dataclass(frozen=True)
class Family:
    name: str
    opens: str
    radius_km: float
    window_ms: int
    kinds: frozenset[str]
    upgrades: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class FusionRules:
    families: dict[str, Family]
    family_of_kind: dict[str, str]
    attach_only: frozenset[str]
    attach_radius_km: float
    source_weight: dict[str, float]

    @classmethod
    def load(cls) -> FusionRules:
        text = resources.files("streams").joinpath("data/fusion.yaml").read_text(encoding="utf-8")
        doc = yaml.safe_load(text)
        families = {
            name: Family(
                name=name,
                opens=str(row["opens"]),
                radius_km=float(row["radius_km"]),
                window_ms=int(row["window_min"]) * 60_000,
                kinds=frozenset(row["kinds"]),
                upgrades=tuple(sorted((row.get("upgrades") or {}).items())),
            )
            for name, row in doc["families"].items()
        }
        family_of_kind: dict[str, str] = {}
        for family in families.values():
            for kind in family.kinds:
                if kind in family_of_kind:
                    raise ValueError(f"fusion.yaml: {kind!r} is in both {family_of_kind[kind]!r} and {family.name!r}")
                family_of_kind[kind] = family.name
        return cls(
            families=families,
            family_of_kind=family_of_kind,
            attach_only=frozenset(doc["attach_only"]["kinds"]),
            attach_radius_km=float(doc["attach_only"]["radius_km"]),
            source_weight={str(k): float(v) for k, v in doc["source_weight"].items()},
        )


@dataclass
class FusionState:
    """Open incidents with a grid index. Mutated in place; incidents themselves are immutable values."""

    incidents: dict[str, Incident] = field(default_factory=dict)
    next_number: int = 1
    grid: dict[tuple[int, int], set[str]] = field(default_factory=lambda: defaultdict(set))
    by_place: dict[tuple[str, str], str] = field(default_factory=dict)

    def index(self, incident: Incident) -> None:
        if incident.status != "open":
            self.unindex(incident)
            return
        self.grid[_cell(incident.lon, incident.lat)].add(incident.id)
        for key in incident.place_keys:
            self.by_place[(incident.family, key)] = incident.id

    def unindex(self, incident: Incident) -> None:
        self.grid[_cell(incident.lon, incident.lat)].discard(incident.id)
        for key in incident.place_keys:
            if self.by_place.get((incident.family, key)) == incident.id:
                del self.by_place[(incident.family, key)]

    @classmethod
    def rebuild(cls, incidents: list[Incident], next_number: int) -> FusionState:
        """The index is derived data: after a restart it is rebuilt from the stored incidents."""
        state = cls(next_number=next_number)
        for incident in incidents:
            state.incidents[incident.id] = incident
            state.index(incident)
        return state


def _cell(lon: float, lat: float) -> tuple[int, int]:
    return (math.floor(lon / CELL_DEG), math.floor(lat / CELL_DEG))


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Equirectangular distance: within a few tens of km it is within 0.1 % of the great circle."""
    x = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(x, lat2 - lat1) * KM_PER_DEG_LAT


def _nearby(state: FusionState, lon: float, lat: float, radius_km: float) -> list[str]:
    reach_lat = math.ceil(radius_km / (KM_PER_DEG_LAT * CELL_DEG))
    reach_lon = math.ceil(radius_km / (KM_PER_DEG_LAT * math.cos(math.radians(lat)) * CELL_DEG))
    cx, cy = _cell(lon, lat)
    found: list[str] = []
    for dx in range(-reach_lon, reach_lon + 1):
        for dy in range(-reach_lat, reach_lat + 1):
            cell = state.grid.get((cx + dx, cy + dy))
            if cell:
                found.extend(cell)
    return found


def find_match(state: FusionState, rules: FusionRules, signal: Signal, family: str | None) -> Incident | None:
    if signal.lon is None or signal.lat is None:
        return None
    radius = rules.families[family].radius_km if family else rules.attach_radius_km
    window = rules.families[family].window_ms if family else 6 * 3_600_000
    if family and signal.place_key and signal.precision != "gps":
        by_place = state.by_place.get((family, signal.place_key))
        if by_place is not None:
            return state.incidents[by_place]
    if radius <= 0:
        return None
    best: tuple[float, str] | None = None
    for incident_id in _nearby(state, signal.lon, signal.lat, radius):
        incident = state.incidents[incident_id]
        if family is not None and incident.family != family:
            continue
        if signal.at_ms - incident.last_evidence_ms > window or incident.status != "open":
            continue
        d = distance_km(signal.lon, signal.lat, incident.lon, incident.lat)
        if d <= radius and (best is None or (d, incident_id) < best):
            best = (d, incident_id)
    return state.incidents[best[1]] if best else None


def involved(provinces: tuple[str, ...], signal: Signal) -> tuple[str, ...]:
    """Regions an incident involves: where its evidence is, and whose hotline took a call about it."""
    for province in (signal.province, signal.personal.owner_province if signal.personal else None):
        if province and province not in provinces:
            provinces = (*provinces, province)
    return provinces


def _confidence(incident: Incident, rules: FusionRules) -> float:
    sources = {e.source for e in incident.evidence}
    miss = 1.0
    for source in sorted(sources):
        miss *= 1.0 - rules.source_weight.get(source, 0.3)
    return round(1.0 - miss, 3)


def _bump(counts: tuple[tuple[str, int], ...], kind: str) -> tuple[tuple[str, int], ...]:
    merged = dict(counts)
    merged[kind] = merged.get(kind, 0) + 1
    return tuple(sorted(merged.items()))


def attach(incident: Incident, signal: Signal, rules: FusionRules) -> Incident:
    family = rules.families.get(incident.family)
    new_type = incident.type
    if family is not None:
        new_type = dict(family.upgrades).get(signal.kind, new_type)
    evidence = incident.evidence if len(incident.evidence) >= MAX_KEPT_EVIDENCE else (*incident.evidence, signal)
    provinces = involved(incident.provinces, signal)
    adcodes = incident.adcodes
    if signal.adcode and signal.adcode not in adcodes:
        adcodes = (*adcodes, signal.adcode)
    place_keys = incident.place_keys
    if signal.place_key and signal.place_key not in place_keys and len(place_keys) < 50:
        place_keys = (*place_keys, signal.place_key)
    decisions = incident.decisions
    if new_type != incident.type:
        decisions = (
            *decisions,
            Decision(signal.at_ms, f"type {incident.type}→{new_type}", "fusion", (signal.signal_id,), signal.kind),
        )
    if len(provinces) > len(incident.provinces):
        decisions = (
            *decisions,
            Decision(signal.at_ms, f"crosses into {signal.province}", "fusion", (signal.signal_id,)),
        )
    updated = replace(
        incident,
        type=new_type,
        evidence=evidence,
        counts=_bump(incident.counts, signal.kind),
        provinces=provinces,
        adcodes=adcodes,
        place_keys=place_keys,
        last_evidence_ms=max(incident.last_evidence_ms, signal.at_ms),
        updated_at_ms=max(incident.updated_at_ms, signal.at_ms),
        decisions=decisions,
    )
    return replace(updated, confidence=_confidence(updated, rules))


def _opened_type(family: Family, signal: Signal) -> str:
    return family.opens.format(**dict(signal.attrs)) if "{" in family.opens else family.opens


def open_incident(state: FusionState, rules: FusionRules, signal: Signal, family: str, theater: str) -> Incident:
    assert signal.lon is not None and signal.lat is not None
    number = state.next_number
    state.next_number += 1
    incident = Incident(
        id=f"{theater.upper()}-{number:06d}",
        theater=theater,
        type=dict(rules.families[family].upgrades).get(signal.kind, _opened_type(rules.families[family], signal)),
        family=family,
        opened_at_ms=signal.at_ms,
        updated_at_ms=signal.at_ms,
        last_evidence_ms=signal.at_ms,
        lon=signal.lon,
        lat=signal.lat,
        province=signal.province,
        adcode=signal.adcode or "",
        provinces=involved((), signal),
        adcodes=(signal.adcode,) if signal.adcode else (),
        evidence=(signal,),
        counts=((signal.kind, 1),),
        confidence=0.0,
        place_keys=(signal.place_key,) if signal.place_key else (),
        decisions=(Decision(signal.at_ms, "opened", "fusion", (signal.signal_id,), signal.kind),),
    )
    incident = replace(incident, confidence=_confidence(incident, rules))
    state.incidents[incident.id] = incident
    state.index(incident)
    return incident


def step(
    state: FusionState, rules: FusionRules, signal: Signal, theater: str
) -> tuple[FusionState, Incident | None, bool]:
    """Fuse one signal. Returns the incident it now belongs to (None if it belongs to none) and whether it is new."""
    family = rules.family_of_kind.get(signal.kind)
    if family is None and signal.kind not in rules.attach_only:
        return state, None, False
    match = find_match(state, rules, signal, family)
    if match is not None:
        updated = attach(match, signal, rules)
        state.unindex(match)
        state.incidents[updated.id] = updated
        state.index(updated)
        return state, updated, False
    if family is None:
        return state, None, False
    return state, open_incident(state, rules, signal, family, theater), True


def store(state: FusionState, incident: Incident) -> None:
    """Put back an incident changed outside fusion (by playbooks or an operator), keeping the index true."""
    previous = state.incidents.get(incident.id)
    if previous is not None:
        state.unindex(previous)
    state.incidents[incident.id] = incident
    state.index(incident)
