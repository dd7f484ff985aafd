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
