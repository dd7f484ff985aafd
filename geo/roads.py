"""Travel times by road: the calibrated surrogate graph, or a real osmnx-style GraphML graph.

Point to point, a trip is the faster of
- the graph route: access leg to the start node + node-to-node time + access leg from the end node, and
- a direct leg: straight km × detour factor at access speed (what a trip inside one county is, and what a
  short hop across a county border is, where the graph route would detour through two county seats).

For the surrogate the node-to-node times (199 × 199) are precomputed, so a query is an array lookup.
Parameters are in ``geo/data/roads.yaml``; the calibration table in ``intercity_road_times.csv``.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import shapely

from geo.closures import Closure, segment_factors
from geo.datafiles import DATA_DIR, StrictModel, load_yaml_model
from geo.geodesy import haversine_km
from geo.names import did_you_mean
from geo.regions import RegionIndex

_S_PER_H = 3600.0


class _Surrogate(StrictModel):
    intercept_h: float
    speed_kmh: float


class _Access(StrictModel):
    speed_kmh: float
    urban_km: float
    rural_speed_kmh: float
    detour_factor: float
    blocked_leg_factor: float


class _GraphML(StrictModel):
    default_speed_kmh: float
    max_snap_km: float


class RoadParams(StrictModel):
    surrogate: _Surrogate
    access: _Access
    graphml: _GraphML


def load_road_params(path: Path = DATA_DIR / "roads.yaml") -> RoadParams:
    return load_yaml_model(RoadParams, path)


@dataclass(frozen=True)
class Sources:
    """Start points prepared once for many queries (a fleet's bases).

    ``reach[i, k]`` is the best time from point i to node k: an access leg to its own node or to a
    neighbouring one, then along the graph (no intercept).
    """

    lon: np.ndarray
    lat: np.ndarray
    node: np.ndarray
    reach: np.ndarray


class RoadGraph:
    """Immutable; :meth:`with_closures` returns a new graph."""

    def __init__(
        self,
        node_ids: Sequence[str],
        node_lon: np.ndarray,
        node_lat: np.ndarray,
        edge_s: dict[tuple[int, int], float],
        params: RoadParams,
        intercept_s: float,
        assign: Callable[[np.ndarray, np.ndarray], np.ndarray],
        kind: str,
        entry_via_neighbours: bool = False,
        closures: tuple[Closure, ...] = (),
        base: RoadGraph | None = None,
        matrix: np.ndarray | None = None,
        edge_shapes: dict[tuple[int, int], shapely.Geometry] | None = None,
    ):
        self.node_ids = tuple(node_ids)
        self.node_lon = np.asarray(node_lon, dtype=np.float64)
        self.node_lat = np.asarray(node_lat, dtype=np.float64)
        self.params = params
        self.intercept_s = intercept_s
        self.kind = kind
        self.entry_via_neighbours = entry_via_neighbours
        self.closures = closures
        self._assign = assign
        self._node_index = {nid: i for i, nid in enumerate(self.node_ids)}
        self._base: RoadGraph | None = base
        self._base_edges: dict[tuple[int, int], float] = dict(edge_s) if base is None else base._base_edges
        self._edge_keys: list[tuple[int, int]] = list(self._base_edges) if base is None else base._edge_keys
        self._edge_shapes: np.ndarray = self._shapes(edge_shapes or {}) if base is None else base._edge_shapes
        self._edges = self._effective_edges(closures)
        self._graph = nx.DiGraph()
        self._graph.add_nodes_from(range(len(self.node_ids)))
        self._graph.add_weighted_edges_from(((u, v, s) for (u, v), s in self._edges.items()), weight="s")
        self._columns: dict[int, np.ndarray] = {}
        self._hood: np.ndarray = base._hood if base is not None else self._hoods(entry_via_neighbours)
        self._matrix = matrix
        if matrix is None and len(self.node_ids) <= _FULL_MATRIX_MAX_NODES:
            self._matrix = nx.floyd_warshall_numpy(self._graph, nodelist=range(len(self.node_ids)), weight="s")

    # --- construction -------------------------------------------------------------------------

    def _hoods(self, via_neighbours: bool) -> np.ndarray:
        n = len(self.node_ids)
        if not via_neighbours:
            return np.arange(n).reshape(n, 1)
        hoods: list[list[int]] = [[i] for i in range(n)]
        for u, v in self._base_edges:
            hoods[u].append(v)
        width = max(len(h) for h in hoods)
        return np.array([h + [-1] * (width - len(h)) for h in hoods], dtype=np.int64)

    @classmethod
    def surrogate(cls, regions: RegionIndex, params: RoadParams | None = None) -> RoadGraph:
        """County label points as nodes, an edge wherever two units share a border."""
        params = params or load_road_params()
        lon = np.array([u.label_lon for u in regions.units])
        lat = np.array([u.label_lat for u in regions.units])
        edges: dict[tuple[int, int], float] = {}
        borders: dict[tuple[int, int], shapely.Geometry] = {}
        for i, unit in enumerate(regions.units):
            for other in regions.neighbours(unit.adcode):
                j = regions.index_of(other)
                km = float(haversine_km(lon[i], lat[i], lon[j], lat[j]))
                edges[(i, j)] = km / params.surrogate.speed_kmh * _S_PER_H
                borders[(i, j)] = regions.shared_border(unit.adcode, other)
        return cls(
            [u.adcode for u in regions.units],
            lon,
            lat,
            edges,
            params,
            params.surrogate.intercept_h * _S_PER_H,
            regions.locate_many,
            kind="surrogate",
            # A county label point can be far from a border town (燕郊 is 21 km from 三河's): a trip may
            # enter or leave the graph at a neighbouring unit's node instead.
            entry_via_neighbours=True,
            # An edge stands for the roads across the border it crosses: closing that border closes it.
            edge_shapes=borders,
        )

    @classmethod
    def from_graphml(cls, path: str | Path, params: RoadParams | None = None) -> RoadGraph:
        """An osmnx-style GraphML road graph: nodes with ``x``/``y`` (lon/lat), edges with ``length`` in
        metres and optionally ``travel_time`` (s) or ``speed_kph``."""
        params = params or load_road_params()
        g = nx.read_graphml(path)
        ids = [str(n) for n in g.nodes]
        index = {n: i for i, n in enumerate(g.nodes)}
        try:
            lon = np.array([float(g.nodes[n]["x"]) for n in g.nodes])
            lat = np.array([float(g.nodes[n]["y"]) for n in g.nodes])
        except KeyError as exc:
            raise ValueError(f"{path}: every node needs x and y (lon/lat); missing {exc}") from None
        edges: dict[tuple[int, int], float] = {}
        pairs = g.edges(data=True)
        for u, v, data in pairs:
            seconds = _edge_seconds(data, params.graphml.default_speed_kmh, f"{path}: edge {u}->{v}")
            for a, b in [(u, v)] if g.is_directed() else [(u, v), (v, u)]:
                key = (index[a], index[b])
                edges[key] = min(seconds, edges.get(key, math.inf))
        points = shapely.points(lon, lat)
        tree = shapely.STRtree(points)
        max_deg = params.graphml.max_snap_km / 111.2

        def nearest(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            q = shapely.points(np.ravel(x), np.ravel(y))
            src, node = tree.query_nearest(q, max_distance=max_deg, all_matches=False)
            out = np.full(q.size, -1, dtype=np.int64)
            out[src] = node
            return out.reshape(np.shape(x))

        return cls(ids, lon, lat, edges, params, 0.0, nearest, kind="graphml", entry_via_neighbours=False)

    # --- closures -----------------------------------------------------------------------------

    def _shapes(self, given: dict[tuple[int, int], shapely.Geometry]) -> np.ndarray:
        """What a geometry closure must touch to affect an edge: the straight line between its nodes,
        plus whatever the builder adds (the surrogate adds the border the road crosses)."""
        idx = np.array(self._edge_keys, dtype=np.int64).reshape(-1, 2)
        coords = np.stack(
            [
                self.node_lon[idx[:, 0]],
                self.node_lat[idx[:, 0]],
                self.node_lon[idx[:, 1]],
                self.node_lat[idx[:, 1]],
            ],
            axis=-1,
        ).reshape(-1, 2, 2)
        shapes = shapely.linestrings(coords)
        for pos, key in enumerate(self._edge_keys):
            if key in given:
                shapes[pos] = shapely.GeometryCollection([shapes[pos], given[key]])
        return shapes

    def _effective_edges(self, closures: tuple[Closure, ...]) -> dict[tuple[int, int], float]:
        edges = dict(self._base_edges)
        if not closures:
            return edges
        keys = self._edge_keys
        factor = np.ones(len(keys))
        position = {k: p for p, k in enumerate(keys)}
        for closure in closures:
            hit_factor = math.inf if closure.factor is None else closure.factor
            if closure.geometry is not None:
                factor[shapely.intersects(self._edge_shapes, closure.geometry)] *= hit_factor
                continue
            assert closure.edge is not None
            a, b = (self._node(n, closure.id) for n in closure.edge)
            if (a, b) not in edges and (b, a) not in edges:
                raise ValueError(f"closure {closure.id}: no road between {closure.edge[0]} and {closure.edge[1]}")
            for key in ((a, b), (b, a)):
                if key in position:
                    factor[position[key]] *= hit_factor
        return {k: edges[k] * f for k, f in zip(keys, factor.tolist(), strict=True) if math.isfinite(f)}

    def _node(self, node_id: str, closure_id: str) -> int:
        try:
            return self._node_index[node_id]
        except KeyError:
            hint = did_you_mean(node_id, self._node_index)
            raise ValueError(f"closure {closure_id}: edge node {node_id!r} is not in the road graph{hint}") from None

    def with_closures(self, closures: Iterable[Closure]) -> RoadGraph:
        """This graph plus more closures. Only the rows of node-to-node times whose shortest paths used a
        closed or slowed edge are recomputed (closures only ever make routes slower)."""
        added = tuple(closures)
        ids = [c.id for c in (*self.closures, *added)]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"closure id {dupes[0]!r} is given twice")
        return self._rebuild((*self.closures, *added))

    def without_closures(self, closure_ids: Iterable[str]) -> RoadGraph:
        """Reopen roads: the open graph with the remaining closures applied."""
        gone = set(closure_ids)
        unknown = gone - {c.id for c in self.closures}
        if unknown:
            cid = sorted(unknown)[0]
            raise ValueError(f"closure id {cid!r} is not in force{did_you_mean(cid, [c.id for c in self.closures])}")
        base = self._base or self
        return base._rebuild(tuple(c for c in self.closures if c.id not in gone))

    def _rebuild(self, closures: tuple[Closure, ...]) -> RoadGraph:
        base = self._base or self
        new = RoadGraph(
            self.node_ids,
            self.node_lon,
            self.node_lat,
            base._base_edges,
            self.params,
            self.intercept_s,
            self._assign,
            self.kind,
            self.entry_via_neighbours,
            closures,
            base,
            matrix=np.empty((0, 0)) if self._matrix is not None else None,
        )
        if self._matrix is not None:
            new._matrix = self._patched_matrix(new)
        return new

    def _patched_matrix(self, new: RoadGraph) -> np.ndarray:
        assert self._matrix is not None
        old = self._matrix
        slower = [k for k, s in self._edges.items() if new._edges.get(k, math.inf) > s]
        if any(new._edges.get(k, math.inf) < s for k, s in self._edges.items()) or any(
            k not in self._edges for k in new._edges
        ):
            return nx.floyd_warshall_numpy(new._graph, nodelist=range(len(self.node_ids)), weight="s")
        affected = np.zeros(len(self.node_ids), dtype=bool)
        with np.errstate(invalid="ignore"):
            for u, v in slower:
                via = old[:, u][:, None] + self._edges[(u, v)] + old[v, :][None, :]
                affected |= (np.isclose(via, old) & np.isfinite(old)).any(axis=1)
        out = old.copy()
        for s in np.flatnonzero(affected).tolist():
            row = np.full(len(self.node_ids), math.inf)
            for t, d in nx.single_source_dijkstra_path_length(new._graph, s, weight="s").items():
                row[t] = d
            out[s] = row
        return out

    # --- queries ------------------------------------------------------------------------------

    def _times_to(self, node: int) -> np.ndarray:
        """Seconds from every node to ``node`` along the graph (no intercept, no access legs)."""
        if self._matrix is not None:
            return self._matrix[:, node]
        col = self._columns.get(node)
        if col is None:
            col = np.full(len(self.node_ids), math.inf)
            for s, d in nx.single_source_dijkstra_path_length(
                self._graph.reverse(copy=False), node, weight="s"
            ).items():
                col[s] = d
            self._columns[node] = col
        return col

    def node_time_s(self, from_id: str, to_id: str) -> float:
        """Node to node along the graph, with the intercept between different nodes."""
        a = self._node(from_id, "query")
        b = self._node(to_id, "query")
        return 0.0 if a == b else float(self.intercept_s + self._times_to(b)[a])

    def _leg_s(self, x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray) -> np.ndarray:
        """Off-graph leg: the first ``urban_km`` at urban speed, the rest at rural-road speed."""
        acc = self.params.access
        km = np.atleast_1d(haversine_km(x0, y0, x1, y1)) * acc.detour_factor
        urban = np.minimum(km, acc.urban_km)
        seconds = (urban / acc.speed_kmh + (km - urban) / acc.rural_speed_kmh) * _S_PER_H
        if self.closures:
            seconds = seconds * segment_factors(self.closures, x0, y0, x1, y1, acc.blocked_leg_factor)
        return seconds

    def _hood_legs(self, lon: np.ndarray, lat: np.ndarray, node: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Entry/exit nodes per point (its own and, on the surrogate, the neighbouring units' nodes) and
        the leg to each; padding has node 0 and an infinite leg."""
        hood = self._hood[node]  # (m, K), -1 padded
        valid = hood >= 0
        nodes = np.where(valid, hood, 0)
        legs = np.full(hood.shape, math.inf)
        rows, cols = np.nonzero(valid)
        legs[rows, cols] = self._leg_s(
            lon[rows], lat[rows], self.node_lon[nodes[rows, cols]], self.node_lat[nodes[rows, cols]]
        )
        return nodes, legs

    def locate_nodes(self, lon: np.ndarray, lat: np.ndarray, what: str = "point") -> np.ndarray:
        nodes = np.asarray(self._assign(np.asarray(lon, np.float64), np.asarray(lat, np.float64)))
        bad = np.flatnonzero(nodes.ravel() < 0)
        if bad.size:
            i = int(bad[0])
            x, y = np.ravel(lon)[i], np.ravel(lat)[i]
            raise ValueError(f"{what} (lon={x}, lat={y}) is outside the {self.kind} road graph's area")
        return nodes

    def sources(self, lon: np.ndarray, lat: np.ndarray) -> Sources:
        """Prepare start points; needs the full node-time matrix (the surrogate, or a small GraphML)."""
        if self._matrix is None:
            raise ValueError(f"sources() needs the node-time matrix; this graph has {len(self.node_ids)} nodes")
        lon = np.asarray(lon, dtype=np.float64).ravel()
        lat = np.asarray(lat, dtype=np.float64).ravel()
        node = self.locate_nodes(lon, lat, "source").ravel()
        hood, legs = self._hood_legs(lon, lat, node)
        reach = np.full((lon.size, len(self.node_ids)), math.inf)
        for k in range(hood.shape[1]):
            np.minimum(reach, legs[:, k : k + 1] + self._matrix[hood[:, k]], out=reach)
        return Sources(lon, lat, node, reach)

    def times_from(self, src: Sources, dst_lon: float, dst_lat: float) -> np.ndarray:
        """Seconds from each prepared source to one destination."""
        x, y = np.array([dst_lon], dtype=np.float64), np.array([dst_lat], dtype=np.float64)
        dnode = self.locate_nodes(x, y, "destination")
        hood, legs = self._hood_legs(x, y, dnode)
        graph = self.intercept_s + np.min(src.reach[:, hood[0]] + legs[0], axis=1)
        graph[src.node == dnode[0]] = math.inf
        return self._with_direct(graph, src.lon, src.lat, x, y)

    def _with_direct(
        self, graph: np.ndarray, sx: np.ndarray, sy: np.ndarray, dx: np.ndarray, dy: np.ndarray
    ) -> np.ndarray:
        acc = self.params.access
        km = haversine_km(sx, sy, dx, dy) * acc.detour_factor
        urban = np.minimum(km, acc.urban_km)
        direct = (urban / acc.speed_kmh + (km - urban) / acc.rural_speed_kmh) * _S_PER_H
        if self.closures:
            # Closures only slow a leg down, so only direct legs that might win need checking.
            maybe = np.flatnonzero(direct < graph)
            dxm = dx[maybe] if dx.size > 1 else dx
            dym = dy[maybe] if dy.size > 1 else dy
            direct[maybe] *= segment_factors(self.closures, sx[maybe], sy[maybe], dxm, dym, acc.blocked_leg_factor)
        return np.minimum(direct, graph)

    def travel_time_s(self, src_lon: float, src_lat: float, dst_lon: float, dst_lat: float) -> float:
        return float(self.travel_times_s(np.array([src_lon]), np.array([src_lat]), dst_lon, dst_lat)[0])

    def travel_times_s(
        self,
        src_lon: np.ndarray,
        src_lat: np.ndarray,
        dst_lon: np.ndarray | float,
        dst_lat: np.ndarray | float,
    ) -> np.ndarray:
        """Element-wise seconds from sources to destinations (numpy broadcasting)."""
        arrays = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in (src_lon, src_lat, dst_lon, dst_lat)))
        shape = arrays[0].shape
        sx, sy, dx, dy = (a.ravel() for a in arrays)
        snode = self.locate_nodes(sx, sy, "source").ravel()
        dnode = self.locate_nodes(dx, dy, "destination").ravel()
        shood, slegs = self._hood_legs(sx, sy, snode)
        dhood, dlegs = self._hood_legs(dx, dy, dnode)
        best = np.full(sx.size, math.inf)
        for i in range(shood.shape[1]):
            for j in range(dhood.shape[1]):
                along = self._along(shood[:, i], dhood[:, j])
                np.minimum(best, slegs[:, i] + along + dlegs[:, j], out=best)
        graph = self.intercept_s + best
        graph[snode == dnode] = math.inf
        return self._with_direct(graph, sx, sy, dx, dy).reshape(shape)

    def _along(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if self._matrix is not None:
            return self._matrix[a, b]
        out = np.empty(a.size)
        for node in np.unique(b).tolist():
            sel = b == node
            out[sel] = self._times_to(node)[a[sel]]
        return out


_FULL_MATRIX_MAX_NODES = 1500


def _edge_seconds(data: dict, default_kmh: float, where: str) -> float:
    try:
        if data.get("travel_time") not in (None, ""):
            return float(data["travel_time"])
        length_km = float(data["length"]) / 1000
    except KeyError:
        raise ValueError(f"{where}: needs length (m) or travel_time (s)") from None
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    speed = data.get("speed_kph")
    kmh = float(speed) if speed not in (None, "") else default_kmh
    if kmh <= 0:
        raise ValueError(f"{where}: speed_kph={speed!r} must be positive")
    return length_km / kmh * _S_PER_H


@dataclass(frozen=True)
class CalibrationRow:
    from_name: str
    to_name: str
    published_h: float
    model_h: float

    @property
    def error(self) -> float:
        return (self.model_h - self.published_h) / self.published_h


def calibration(graph: RoadGraph, table: Path = DATA_DIR / "intercity_road_times.csv") -> tuple[CalibrationRow, ...]:
    """Model vs published times between prefecture seats (seat = its unit's label point)."""
    rows = []
    with table.open(encoding="utf-8", newline="") as f:
        for line, rec in enumerate(csv.DictReader(f), start=2):
            try:
                model = graph.node_time_s(rec["from_adcode"], rec["to_adcode"]) / _S_PER_H
                rows.append(CalibrationRow(rec["from_name"], rec["to_name"], float(rec["hours"]), model))
            except ValueError as exc:
                raise ValueError(f"{table}:{line}: {exc}") from None
    return tuple(rows)
