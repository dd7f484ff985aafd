"""GCJ-02 → WGS84: the iterated inverse of the published forward formula, and how accurate it is."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.ingest.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02

# The theater's bounding box, generously.
LON = st.floats(113.4, 119.9)
LAT = st.floats(36.0, 42.7)


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[1] + b[1]) / 2)
    dx = (a[0] - b[0]) * 111_320 * math.cos(lat)
    dy = (a[1] - b[1]) * 110_540
    return math.hypot(dx, dy)


@settings(max_examples=500, deadline=None)
@given(LON, LAT)
def test_the_round_trip_comes_back_within_a_millimetre(lon: float, lat: float) -> None:
    assert metres(gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat)), (lon, lat)) < 0.001


@settings(max_examples=200, deadline=None)
@given(LON, LAT)
def test_the_offset_in_the_theater_is_hundreds_of_metres(lon: float, lat: float) -> None:
    assert 100 < metres(wgs84_to_gcj02(lon, lat), (lon, lat)) < 900


def test_a_known_point_tiananmen() -> None:
    # Tiananmen on an AMap (GCJ-02) map is about (116.3975, 39.9087); in WGS84 about (116.3913, 39.9074)
    lon, lat = gcj02_to_wgs84(116.3975, 39.9087)
    assert metres((lon, lat), (116.3913, 39.9074)) < 30
