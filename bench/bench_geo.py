"""Geo performance, each figure beside its naive alternative. Run: .venv/bin/python bench/bench_geo.py

- dispatch: one decision with ≥ 5,000 responders (target p99 ≤ 5 ms), vs a Python loop over responders
  with a shapely distance and a networkx shortest path each;
- point-in-region: 1,000,000 random points in the theater's bounding box (target ≥ 1,000,000 points/s),
  vs geopandas.sjoin and vs a plain shapely STRtree query on the same points;
- a road closure coming into force: the graph with the closure (only affected rows of node times
  recomputed) vs a full all-pairs recompute, the fleet's access legs again, and decide() with it in force.

Latencies are printed as wall time and as this process's CPU time: on a shared machine (the load average is
printed first) the wall figures include waiting for a core, the CPU figures do not.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from machine import cpu_model

from geo.closures import closure_around
from geo.dispatch import DispatchPolicy, DispatchRequest, decide, fleet_sources
from geo.fleet import FleetState, generate_fleet, load_capabilities
from geo.regions import RegionIndex
from geo.roads import RoadGraph, calibration

CAPABILITIES = ("fire_suppression", "search_rescue", "medical", "water_rescue")


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def timed_both(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, this thread's CPU seconds)."""
    w, c = time.perf_counter(), time.thread_time()
    fn()
    return time.perf_counter() - w, time.thread_time() - c


def requests(regions: RegionIndex, n: int, seed: int) -> list[DispatchRequest]:
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        u = regions.units[int(rng.integers(len(regions.units)))]
        lon = u.label_lon + rng.normal(0, 0.02)
        lat = u.label_lat + rng.normal(0, 0.02)
        if regions.locate(lon, lat) is None:
            lon, lat = u.label_lon, u.label_lat
        cap = CAPABILITIES[int(rng.integers(len(CAPABILITIES)))]
        out.append(DispatchRequest(f"b{k}", cap, 3, lon, lat, u.adcode))
    return out


def naive_decide(req: DispatchRequest, fleet: FleetState, graph: nx.Graph, regions: RegionIndex) -> list[str]:
    """What a straightforward implementation does: per responder, a shapely distance and a shortest path."""
    target = shapely.Point(req.lon, req.lat)
    dst = regions.locate(req.lon, req.lat)
    assert dst is not None
    scored = []
    for r in fleet.available(req.capability):
        km = shapely.Point(r.base_lon, r.base_lat).distance(target) * 111.2
        if r.home_adcode == dst.adcode:
            t = km * 1.3 / 30 * 3600
        else:
            t = 648 + nx.shortest_path_length(graph, r.home_adcode, dst.adcode, weight="s")
        scored.append((t, r.id))
    scored.sort()
    return [rid for _, rid in scored[: req.count]]


def main() -> None:
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    t0 = time.perf_counter()
    regions = RegionIndex.load()
    print(f"RegionIndex.load(): {time.perf_counter() - t0:.2f} s for {len(regions.units)} units")
    report = regions.tiling_report()
    print(
        f"tiling: area {report.area_km2:,.0f} km², overlap {report.overlap_km2:.2e} km², "
        f"gap {report.gap_km2:.2e} km², holes {report.holes_km2:.2e} km²"
    )
    roads = RoadGraph.surrogate(regions)
    rows = calibration(roads)
    errors = np.array([r.error for r in rows])
    print(
        f"surrogate vs {len(rows)} published seat-to-seat times: mean |error| {np.mean(np.abs(errors)):.1%}, "
        f"mean signed {np.mean(errors):+.1%}, worst {np.max(np.abs(errors)):.0%}"
    )

    # --- dispatch -------------------------------------------------------------------------------------
    fleet = FleetState.initial(generate_fleet(regions, scale=2.0), load_capabilities().capabilities)
    policy = DispatchPolicy.load()
    reqs = requests(regions, 2_000, seed=1)
    first = timed(lambda: decide(reqs[0], fleet, roads, regions, policy))
    both = np.array([timed_both(lambda r=r: decide(r, fleet, roads, regions, policy)) for r in reqs]) * 1000
    lat_ms, cpu_ms = both[:, 0], both[:, 1]
    graph = nx.Graph()
    for (u, v), s in roads._edges.items():
        graph.add_edge(roads.node_ids[u], roads.node_ids[v], s=s)
    naive_ms = np.array([timed(lambda r=r: naive_decide(r, fleet, graph, regions)) for r in reqs[:30]]) * 1000
    print(
        f"\ndispatch, {len(fleet.responders):,} responders, {len(reqs):,} decisions (first call {first * 1000:.0f} ms"
    )
    print("  prepares the fleet's access legs once per roster and road graph):")
    p50, p99 = np.percentile(lat_ms, [50, 99])
    c50, c99 = np.percentile(cpu_ms, [50, 99])
    n50, n99 = np.percentile(naive_ms, [50, 99])
    print(
        f"  {'decide() (numpy, cached arrays), wall':45s} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms   (target p99 ≤ 5 ms)"
    )
    print(f"  {'decide(), CPU time':45s} p50 {c50:8.2f} ms   p99 {c99:8.2f} ms")
    print(f"  {'naive loop (shapely + networkx), 30 calls':45s} p50 {n50:8.2f} ms   p99 {n99:8.2f} ms")
    closure_in_force(regions, roads, fleet, policy, reqs[:500])

    # --- point in region ------------------------------------------------------------------------------
    rng = np.random.default_rng(2)
    x0, y0, x1, y1 = shapely.total_bounds([regions.unit_geometry(u.adcode) for u in regions.units])
    n = 1_000_000
    lon, lat = rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)
    best = min(timed(lambda: regions.locate_many(lon, lat)) for _ in range(3))
    got = regions.locate_many(lon, lat)
    geoms = np.array([regions.unit_geometry(u.adcode) for u in regions.units])
    tree = shapely.STRtree(geoms)
    t_tree = timed(lambda: tree.query(shapely.points(lon, lat), predicate="intersects"))
    polys = gpd.GeoDataFrame({"unit": np.arange(len(geoms))}, geometry=list(geoms), crs="EPSG:4326")

    def sjoin() -> gpd.GeoDataFrame:
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
        return gpd.sjoin(pts, polys, how="left", predicate="within")

    t_sjoin = timed(sjoin)
    joined = sjoin()
    ref = joined.groupby(level=0)["unit"].min().fillna(-1).to_numpy().astype(int)
    agree = float(np.mean(ref == got))
    print(f"\npoint-in-region, {n:,} random points in the theater's bbox ({np.mean(got >= 0):.0%} inside):")
    print(f"  {'RegionIndex.locate_many (grid + STRtree)':45s} {n / best:12,.0f} points/s   (target ≥ 1,000,000)")
    print(f"  {'shapely STRtree.query(predicate=intersects)':45s} {n / t_tree:12,.0f} points/s")
    print(f"  {'geopandas.sjoin (within)':45s} {n / t_sjoin:12,.0f} points/s   (answers agree on {agree:.4%})")


def closure_in_force(
    regions: RegionIndex, roads: RoadGraph, fleet: FleetState, policy: DispatchPolicy, reqs: list[DispatchRequest]
) -> None:
    """What the theater pays when an agency reports a closure: a new graph, new access legs, then decisions."""
    bridge = closure_around("bench-bridge", "bridge_collapse", 116.74811, 39.945645, 300)  # 通州 → 燕郊
    wall, cpu = timed_both(lambda: roads.with_closures([bridge]))
    closed = roads.with_closures([bridge])
    full = timed(lambda: nx.floyd_warshall_numpy(closed._graph, nodelist=range(len(closed.node_ids)), weight="s"))
    legs_wall, legs_cpu = timed_both(lambda: fleet_sources(fleet, closed))
    both = np.array([timed_both(lambda r=r: decide(r, fleet, closed, regions, policy)) for r in reqs]) * 1000
    print(f"\na closure in force (bridge between 通州 and 燕郊), {len(fleet.responders):,} responders:")
    print(f"  {'graph with the closure (patched rows)':45s} {wall * 1000:8.1f} ms wall {cpu * 1000:8.1f} ms CPU")
    print(f"  {'naive: all-pairs Floyd–Warshall again':45s} {full * 1000:8.1f} ms wall")
    legs = "fleet access legs on the new graph (once)"
    print(f"  {legs:45s} {legs_wall * 1000:8.1f} ms wall {legs_cpu * 1000:8.1f} ms CPU")
    p50, p99 = np.percentile(both[:, 0], [50, 99])
    c50, c99 = np.percentile(both[:, 1], [50, 99])
    print(f"  {'decide() with it in force, wall':45s} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms")
    print(f"  {'decide() with it in force, CPU time':45s} p50 {c50:8.2f} ms   p99 {c99:8.2f} ms")


if __name__ == "__main__":
    main()
