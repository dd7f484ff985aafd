from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import shapely

from geo.closures import Closure
from geo.roads import RoadGraph, calibration


def test_surrogate_is_connected_and_symmetric(roads):
    assert len(roads.node_ids) == 199
    m = roads._matrix
    assert np.isfinite(m).all()
    assert np.allclose(m, m.T)


def test_seat_to_seat_time_follows_the_calibrated_formula(roads, regions):
    # 东城 → 西城 are neighbours: 0.18 h + great-circle km / 99.4 km/h
    a, b = regions.unit("110101"), regions.unit("110102")
    km = 4.30  # great-circle km between their label points
    assert roads.node_time_s("110101", "110102") == pytest.approx((0.18 + km / 99.4) * 3600, rel=0.01)
    assert a.adcode != b.adcode


def test_calibration_mean_error_is_documented_size(roads):
    rows = calibration(roads)
    assert len(rows) >= 20
    mean_abs = np.mean([abs(r.error) for r in rows])
    assert mean_abs < 0.15  # docs/geo.md reports the measured value


def test_inside_one_unit_is_detoured_straight_line(roads):
    # two points in 东城区 2 km apart: 2 × 1.3 km at 30 km/h
    t = roads.travel_time_s(116.40, 39.90, 116.40 + 2 / 85.3, 39.90)
    assert t == pytest.approx(2 * 1.3 / 30 * 3600, rel=0.02)


def test_vectorised_matches_scalar(roads):
    lon = np.array([116.40, 117.20, 115.97])
    lat = np.array([39.90, 39.12, 39.49])
    many = roads.travel_times_s(lon, lat, 116.81, 39.96)
    one = [roads.travel_time_s(x, y, 116.81, 39.96) for x, y in zip(lon, lat, strict=True)]
    assert np.allclose(many, one)
    prepared = roads.times_from(roads.sources(lon, lat), 116.81, 39.96)
    assert np.allclose(prepared, many)


def test_yanjiao_from_tongzhou_is_much_faster_than_from_langfang(roads):
    tongzhou = roads.travel_time_s(116.73, 39.88, 116.81, 39.96)
    langfang = roads.travel_time_s(116.70, 39.52, 116.81, 39.96)
    assert tongzhou < 30 * 60
    assert langfang > tongzhou + 30 * 60


def test_outside_point_is_a_clear_error(roads):
    with pytest.raises(ValueError, match=r"destination \(lon=121.47, lat=31.23\) is outside"):
        roads.travel_time_s(116.4, 39.9, 121.47, 31.23)


def test_closure_patch_equals_full_recompute_and_reopens(roads, regions):
    border = shapely.intersection(regions.unit_geometry("110112").boundary, regions.unit_geometry("131082").boundary)
    closed = roads.with_closures([Closure("潮白河桥", "bridge_collapse", geometry=border)])
    full = nx.floyd_warshall_numpy(closed._graph, nodelist=range(199), weight="s")
    assert np.allclose(closed._matrix, full)
    assert closed.node_time_s("110112", "131082") > roads.node_time_s("110112", "131082")
    assert roads.closures == ()  # the original is unchanged
    reopened = closed.without_closures(["潮白河桥"])
    assert np.allclose(reopened._matrix, roads._matrix)


def test_edge_closure_slows_and_checks_names(roads):
    slow = roads.with_closures([Closure("u1", "flooded_underpass", edge=("110112", "131082"), factor=3.0)])
    assert slow.node_time_s("110112", "131082") > roads.node_time_s("110112", "131082")
    with pytest.raises(ValueError, match=r"'110112x'.*did you mean"):
        roads.with_closures([Closure("u2", "cordon", edge=("110112x", "131082"))])
    with pytest.raises(ValueError, match="no road between 110101 and 130681"):
        roads.with_closures([Closure("u3", "cordon", edge=("110101", "130681"))])
    with pytest.raises(ValueError, match="'u1' is given twice"):
        slow.with_closures([Closure("u1", "cordon", edge=("110101", "110102"))])


def _write_graphml(path: Path) -> None:
    g = nx.MultiDiGraph()
    g.add_node(1, x="116.30", y="39.90")
    g.add_node(2, x="116.40", y="39.90")
    g.add_node(3, x="116.50", y="39.90")
    g.add_edge(1, 2, length="8500", speed_kph="50")
    g.add_edge(2, 1, length="8500", travel_time="600")
    g.add_edge(2, 3, length="8500")
    g.add_edge(1, 3, length="30000", speed_kph="120")
    nx.write_graphml(g, path)


def test_graphml_uses_lengths_speeds_and_travel_times(tmp_path):
    path = tmp_path / "roads.graphml"
    _write_graphml(path)
    g = RoadGraph.from_graphml(path)
    assert g.kind == "graphml"
    assert g.node_time_s("1", "2") == pytest.approx(8.5 / 50 * 3600)
    assert g.node_time_s("2", "1") == pytest.approx(600)
    assert g.node_time_s("1", "3") == pytest.approx(30 / 120 * 3600)  # faster than via 2 at 40 km/h
    t = g.travel_time_s(116.30, 39.90, 116.50, 39.90)
    assert t == pytest.approx(30 / 120 * 3600)
    with pytest.raises(ValueError, match="outside the graphml road graph"):
        g.travel_time_s(116.3, 39.9, 118.0, 39.9)


def test_graphml_without_coordinates_is_rejected(tmp_path):
    g = nx.DiGraph()
    g.add_node("a")
    path = tmp_path / "bad.graphml"
    nx.write_graphml(g, path)
    with pytest.raises(ValueError, match="x and y"):
        RoadGraph.from_graphml(path)
