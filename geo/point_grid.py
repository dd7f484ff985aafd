"""Vectorised point-in-polygon over a polygon coverage (the county units).

A regular lon/lat grid is laid over the coverage. A cell that no polygon edge touches lies wholly inside one
polygon (or wholly outside all), so its label answers every point in it with one array lookup; only points
in cells crossed by an edge are tested exactly with the STRtree. With 0.02° cells about a tenth of the
theater's cells are edge cells, which keeps the exact tests (the slow part) to a tenth of the points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

OUTSIDE = -1
_EDGE = -2


@dataclass(frozen=True)
class PointGrid:
    polygons: np.ndarray  # object array of shapely polygons, index = answer
    tree: shapely.STRtree
    x0: float
    y0: float
    cell: float
    nx: int
    ny: int
    labels: np.ndarray  # (ny * nx,) int32: polygon index, OUTSIDE, or _EDGE

    @classmethod
    def build(cls, polygons: Sequence[shapely.Geometry], cell_deg: float = 0.02) -> PointGrid:
        geoms = np.asarray(polygons, dtype=object)
        tree = shapely.STRtree(geoms)
        x0, y0, x1, y1 = shapely.total_bounds(geoms)
        nx = int(np.ceil((x1 - x0) / cell_deg)) + 1
        ny = int(np.ceil((y1 - y0) / cell_deg)) + 1
        iy, ix = np.divmod(np.arange(nx * ny), nx)
        cx0 = x0 + ix * cell_deg
        cy0 = y0 + iy * cell_deg
        cells = shapely.box(cx0, cy0, cx0 + cell_deg, cy0 + cell_deg)

        # Envelope overlap with any edge segment is a superset of "an edge crosses the cell": safe, and
        # cheaper than an exact predicate.
        coords, ring_ids = shapely.get_coordinates(shapely.boundary(geoms), return_index=True)
        same_ring = np.flatnonzero(ring_ids[:-1] == ring_ids[1:])
        seg_boxes = shapely.box(
            np.minimum(coords[same_ring, 0], coords[same_ring + 1, 0]),
            np.minimum(coords[same_ring, 1], coords[same_ring + 1, 1]),
            np.maximum(coords[same_ring, 0], coords[same_ring + 1, 0]),
            np.maximum(coords[same_ring, 1], coords[same_ring + 1, 1]),
        )
        edge_cells = np.unique(shapely.STRtree(seg_boxes).query(cells)[0])

        labels = np.full(nx * ny, OUTSIDE, dtype=np.int32)
        pure = np.setdiff1d(np.arange(nx * ny), edge_cells)
        centres = shapely.points(cx0[pure] + cell_deg / 2, cy0[pure] + cell_deg / 2)
        hit_cell, hit_poly = tree.query(centres, predicate="intersects")
        labels[pure[hit_cell]] = hit_poly
        labels[edge_cells] = _EDGE
        return cls(geoms, tree, float(x0), float(y0), cell_deg, nx, ny, labels)

    def locate(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Index of the containing polygon per point, OUTSIDE (-1) where none; on a shared edge the lower."""
        x = np.asarray(lon, dtype=np.float64).ravel()
        y = np.asarray(lat, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise ValueError(f"lon and lat differ in length: {x.size} vs {y.size}")
        out = np.full(x.size, OUTSIDE, dtype=np.int64)
        with np.errstate(invalid="ignore"):
            fx = np.floor((x - self.x0) / self.cell)
            fy = np.floor((y - self.y0) / self.cell)
        inside = (fx >= 0) & (fx < self.nx) & (fy >= 0) & (fy < self.ny)  # False for NaN
        out[inside] = self.labels[fy[inside].astype(np.int64) * self.nx + fx[inside].astype(np.int64)]
        edge = np.flatnonzero(out == _EDGE)
        out[edge] = OUTSIDE
        if edge.size:
            pt, poly = self.tree.query(shapely.points(x[edge], y[edge]), predicate="intersects")
            order = np.lexsort((poly, pt))
            pt, poly = pt[order], poly[order]
            first = np.ones(pt.size, dtype=bool)
            first[1:] = pt[1:] != pt[:-1]
            out[edge[pt[first]]] = poly[first]
        return out.reshape(np.shape(lon))
