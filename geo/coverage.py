"""Readiness coverage: how much of what a warning threatens a capable team can reach in time.

For an area under a warning, coverage is the share of the registered hazards (sites of the classes the warning's
hazard threatens) and the share of the population (county figures) that some available team with the answering
capability reaches by road within each of the times in ``geo/data/readiness.yaml`` (15 and 30 minutes). A county's
population stands at its label point (the seat), one point per county: the figures are per county, not finer.
Pure: it reads positions and road times and returns numbers.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geo.datafiles import DATA_DIR, LoadError, StrictModel, load_yaml_model
from geo.regions import RegionIndex
from geo.roads import RoadGraph


class _Hazard(StrictModel):
    classes: list[str]
    capability: str


class MoveUpBounds(StrictModel):
    max_moves: int
    floor: int
    min_gain: float
    reach_min: float


class ReadinessRules(StrictModel):
    within_min: list[int]
    hazards: dict[str, _Hazard]
    move_up: MoveUpBounds


def load_readiness_rules(path: Path = DATA_DIR / "readiness.yaml") -> ReadinessRules:
    return load_yaml_model(ReadinessRules, path)


def load_population(path: Path = DATA_DIR / "county_population.csv") -> dict[str, int]:
    """Resident population by county adcode (7th census figures; the file names each row's source)."""
    out: dict[str, int] = {}
    with path.open(encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            try:
                out[row["adcode"]] = int(row["population"])
            except (KeyError, ValueError) as exc:
                raise LoadError(str(path), line, f"population: {exc}") from None
    return out


@dataclass(frozen=True)
class Target:
    """A point to be covered: a registered hazard site (weight 1) or a county's population (weight: persons)."""

    kind: str  # "hazard" | "population"
    name: str
    adcode: str
    lon: float
    lat: float
    weight: float


@dataclass(frozen=True)
class Site:
    """A registered hazard as coverage needs it (the playbooks' facility register gives these)."""

    cls: str
    name: str
    adcode: str
    lon: float
    lat: float


def targets(
    area: tuple[str, ...],
    classes: tuple[str, ...],
    sites: tuple[Site, ...],
    population: dict[str, int],
    regions: RegionIndex,
) -> tuple[Target, ...]:
    """The hazards of these classes inside the area's counties, then each county's population at its seat."""
    inside = set(area)
    out = [
        Target("hazard", s.name, s.adcode, s.lon, s.lat, 1.0) for s in sites if s.cls in classes and s.adcode in inside
    ]
    for code in area:
        if code in population:
            unit = regions.unit(code)
            out.append(Target("population", unit.name, code, unit.label_lon, unit.label_lat, float(population[code])))
    return tuple(out)


def times_s(roads: RoadGraph, lon: np.ndarray, lat: np.ndarray, to: tuple[Target, ...]) -> np.ndarray:
    """Seconds by road from each point to each target: shape (points, targets)."""
    if lon.size == 0 or not to:
        return np.full((lon.size, len(to)), math.inf)
    src = roads.sources(lon, lat)
    return np.stack([roads.times_from(src, t.lon, t.lat) for t in to], axis=1)


@dataclass(frozen=True)
class Coverage:
    """Shares (0..1) of hazards and population covered within each time, and what they are shares of."""

    hazards: int
    population: int
    shares: tuple[tuple[str, float], ...]  # ("hazards_15", 0.6), ("population_30", 0.93), ...

    def share(self, key: str) -> float:
        return dict(self.shares).get(key, 0.0)

    def as_dict(self) -> dict[str, float | int]:
        return {"hazards": self.hazards, "population": self.population, **dict(self.shares)}


def coverage(times: np.ndarray, to: tuple[Target, ...], within_min: tuple[int, ...]) -> Coverage:
    """Coverage from a (teams × targets) time matrix: a target is covered when its nearest team is in time."""
    kinds = np.array([t.kind for t in to])
    weights = np.array([t.weight for t in to], dtype=np.float64)
    nearest = times.min(axis=0) if times.shape[0] else np.full(len(to), math.inf)
    shares: list[tuple[str, float]] = []
    for label, kind in (("hazards", "hazard"), ("population", "population")):
        mask = kinds == kind
        total = float(weights[mask].sum())
        for minutes in within_min:
            inside = mask & (nearest <= minutes * 60)
            shares.append((f"{label}_{minutes}", round(float(weights[inside].sum()) / total, 3) if total else 0.0))
    return Coverage(int(np.count_nonzero(kinds == "hazard")), int(weights[kinds == "population"].sum()), tuple(shares))


@dataclass(frozen=True)
class ReadinessData:
    """What readiness reads: the rules, the hazard register (sites by class) and the county population."""

    rules: ReadinessRules
    sites: tuple[Site, ...]
    population: dict[str, int]

    @classmethod
    def load(cls, sites: tuple[Site, ...]) -> ReadinessData:
        return cls(load_readiness_rules(), sites, load_population())
