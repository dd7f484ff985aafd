"""Road closures and slowdowns (flooded underpasses, collapsed bridges, police cordons …).

A closure names either a graph edge (two node ids) or a geometry. ``factor=None`` means impassable; a
number ≥ 1 multiplies the travel time of whatever it touches.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

import numpy as np
import pydantic
import shapely
import shapely.affinity

from geo.datafiles import DATA_DIR, StrictModel, load_yaml_model
from geo.names import did_you_mean

ClosureKind = Literal["flooded_underpass", "bridge_collapse", "cordon", "landslide", "road_damage", "traffic_control"]
CLOSURE_KINDS: tuple[str, ...] = get_args(ClosureKind)


@dataclass(frozen=True)
class Closure:
    id: str
    kind: ClosureKind
    geometry: shapely.Geometry | None = None
    edge: tuple[str, str] | None = None
    factor: float | None = None  # None = removed, else slowdown multiplier (≥ 1)

    def __post_init__(self) -> None:
        if self.kind not in CLOSURE_KINDS:
            raise ValueError(
                f"closure {self.id}: kind={self.kind!r} is not one of {CLOSURE_KINDS}"
                f"{did_you_mean(self.kind, CLOSURE_KINDS)}"
            )
        if (self.geometry is None) == (self.edge is None):
            raise ValueError(f"closure {self.id}: give exactly one of geometry and edge")
        if self.geometry is not None and (self.geometry.is_empty or not self.geometry.is_valid):
            raise ValueError(f"closure {self.id}: geometry is empty or invalid")
        if self.edge is not None and len(self.edge) != 2:
            raise ValueError(f"closure {self.id}: edge={self.edge!r} must be two node ids")
        if self.factor is not None and not (math.isfinite(self.factor) and self.factor >= 1):
            raise ValueError(f"closure {self.id}: factor={self.factor!r} must be None (impassable) or ≥ 1")

    @property
    def impassable(self) -> bool:
        return self.factor is None


def segment_factors(
    closures: Sequence[Closure],
    x0: np.ndarray,
    y0: np.ndarray,
    x1: np.ndarray,
    y1: np.ndarray,
    impassable_factor: float,
) -> np.ndarray:
    """Travel-time multiplier per straight segment from the geometry closures it crosses.

    Every crossing closure multiplies; an impassable one counts as ``impassable_factor`` (callers pass
    inf for graph edges, which are then removed, and a finite detour for short legs off the graph).
    """
    n = np.broadcast(x0, y0, x1, y1).size
    out = np.ones(n, dtype=np.float64)
    shaped = [c for c in closures if c.geometry is not None]
    if not shaped or n == 0:
        return out
    coords = np.stack(np.broadcast_arrays(x0, y0, x1, y1), axis=-1).reshape(n, 2, 2).astype(np.float64)
    lines = shapely.linestrings(coords)
    for closure in shaped:
        hit = shapely.intersects(lines, closure.geometry)
        out[hit] *= impassable_factor if closure.factor is None else closure.factor
    return out


_M_PER_DEG_LAT = 111_200.0


def closure_around(
    closure_id: str, kind: ClosureKind, lon: float, lat: float, radius_m: float, factor: float | None = None
) -> Closure:
    """A closure covering the disc of ``radius_m`` around a reported point (an agency report has a point,
    not the road's shape). The disc is drawn in degrees, squeezed east-west by the latitude."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValueError(f"closure {closure_id}: position ({lon}, {lat}) is not a finite lon/lat")
    if not (math.isfinite(radius_m) and radius_m > 0):
        raise ValueError(f"closure {closure_id}: radius_m={radius_m!r} must be positive")
    dlat = radius_m / _M_PER_DEG_LAT
    dlon = dlat / math.cos(math.radians(lat))
    disc = shapely.affinity.scale(shapely.Point(lon, lat).buffer(1.0, quad_segs=8), dlon, dlat, origin=(lon, lat))
    return Closure(closure_id, kind, geometry=disc, factor=factor)


class _Closes(StrictModel):
    closure: ClosureKind
    radius_m: float = pydantic.Field(gt=0)
    factor: float | None = pydantic.Field(default=None, ge=1)


class _Reopens(StrictModel):
    match_m: float = pydantic.Field(gt=0)


class _ReportFile(StrictModel):
    closes: dict[str, _Closes]
    reopens: dict[str, _Reopens]


@dataclass(frozen=True)
class ClosureReports:
    """Which agency report kinds (``agency.incident`` ``incident_kind``) close, slow or reopen roads."""

    closes: Mapping[str, _Closes]
    reopens: Mapping[str, _Reopens]

    def kind_of(self, report_kind: str) -> Literal["closes", "reopens"] | None:
        if report_kind in self.closes:
            return "closes"
        if report_kind in self.reopens:
            return "reopens"
        return None


def load_closure_reports(path: Path = DATA_DIR / "closure_reports.yaml") -> ClosureReports:
    raw = load_yaml_model(_ReportFile, path)
    both = set(raw.closes) & set(raw.reopens)
    if both:
        raise ValueError(f"{path}: report kind {sorted(both)[0]!r} both closes and reopens roads")
    return ClosureReports(dict(raw.closes), dict(raw.reopens))
