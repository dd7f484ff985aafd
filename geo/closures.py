"""Road closures and slowdowns (flooded underpasses, collapsed bridges, police cordons …).

A closure names either a graph edge (two node ids) or a geometry. ``factor=None`` means impassable; a
number ≥ 1 multiplies the travel time of whatever it touches.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import shapely

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
