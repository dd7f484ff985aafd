import numpy as np
import shapely

from geo.point_grid import OUTSIDE, PointGrid


def test_grid_answers_like_exact_containment_on_a_coverage():
    left = shapely.Polygon([(0, 0), (0.5, 0), (0.45, 1), (0, 1)])
    right = shapely.Polygon([(0.5, 0), (1, 0), (1, 1), (0.45, 1)])
    hole_owner = shapely.Polygon([(2, 0), (3, 0), (3, 1), (2, 1)], [[(2.4, 0.4), (2.6, 0.4), (2.6, 0.6)]])
    grid = PointGrid.build([left, right, hole_owner], cell_deg=0.05)
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-0.5, 3.5, 5000), rng.uniform(-0.5, 1.5, 5000)
    got = grid.locate(x, y)
    expected = np.full(5000, OUTSIDE)
    for i, poly in reversed(list(enumerate([left, right, hole_owner]))):
        expected[shapely.intersects_xy(poly, x, y)] = i
    assert (got == expected).all()
    assert (got == OUTSIDE).any()
    assert (got == 2).any()


def test_shared_edge_goes_to_the_lower_index():
    a = shapely.box(0, 0, 1, 1)
    b = shapely.box(1, 0, 2, 1)
    grid = PointGrid.build([a, b], cell_deg=0.1)
    assert grid.locate(np.array([1.0]), np.array([0.5]))[0] == 0
