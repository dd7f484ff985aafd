import numpy as np
import pytest
import shapely

from geo.closures import Closure, segment_factors


def test_closure_validation():
    with pytest.raises(ValueError, match=r"kind='flooded_underpas'.*did you mean 'flooded_underpass'"):
        Closure("c", "flooded_underpas", edge=("a", "b"))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="exactly one of geometry and edge"):
        Closure("c", "cordon")
    with pytest.raises(ValueError, match=r"factor=0\.5"):
        Closure("c", "cordon", edge=("a", "b"), factor=0.5)


def test_segment_factors_multiply_and_block():
    wall = Closure("w", "bridge_collapse", geometry=shapely.LineString([(1, -1), (1, 1)]))
    slow = Closure("s", "flooded_underpass", geometry=shapely.box(1.5, -1, 2.5, 1), factor=3.0)
    x0, y0 = np.zeros(3), np.zeros(3)
    x1, y1 = np.array([0.5, 2.0, 3.0]), np.zeros(3)
    got = segment_factors([wall, slow], x0, y0, x1, y1, impassable_factor=10.0)
    assert got.tolist() == [1.0, 30.0, 30.0]
    assert segment_factors([], x0, y0, x1, y1, 10.0).tolist() == [1.0, 1.0, 1.0]


def test_closure_around_a_point_is_a_disc_of_the_radius():
    from geo.closures import closure_around
    from geo.geodesy import haversine_km

    c = closure_around("c1", "cordon", 116.81, 39.96, 500)
    assert c.impassable
    ring = np.asarray(c.geometry.exterior.coords)
    km = haversine_km(ring[:, 0], ring[:, 1], 116.81, 39.96)
    assert np.allclose(km, 0.5, rtol=0.01)  # round on the ground, not in degrees
    assert closure_around("c2", "traffic_control", 116.81, 39.96, 1000, factor=2.0).factor == 2.0
    with pytest.raises(ValueError, match="radius_m=0"):
        closure_around("c3", "cordon", 116.81, 39.96, 0)
    with pytest.raises(ValueError, match="not a finite lon/lat"):
        closure_around("c4", "cordon", float("nan"), 39.96, 100)


def test_closure_report_table(tmp_path):
    from geo.closures import load_closure_reports

    reports = load_closure_reports()
    assert reports.kind_of("bridge_collapsed") == "closes"
    assert reports.kind_of("road_reopened") == "reopens"
    assert reports.kind_of("explosion") is None
    path = tmp_path / "closure_reports.yaml"
    path.write_text("closes:\n  road_closed: {closure: road_damge, radius_m: 300}\nreopens: {}\n")
    with pytest.raises(ValueError, match=r"closure_reports.yaml:2: closes.road_closed.closure"):
        load_closure_reports(path)
    path.write_text(
        "closes:\n  road_closed: {closure: road_damage, radius_m: 300}\nreopens:\n  road_closed: {match_m: 5}\n"
    )
    with pytest.raises(ValueError, match="'road_closed' both closes and reopens"):
        load_closure_reports(path)
