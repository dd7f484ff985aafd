import numpy as np
import pytest
import shapely

from geo.frykit_codec import FrykitFormatError, decode_geometry, read_geometries


def _u32(*values: int) -> bytes:
    return np.array(values, dtype="<u4").tobytes()


def _block_list(*blocks: bytes) -> bytes:
    return _u32(len(blocks), *(len(b) for b in blocks)) + b"".join(blocks)


def _raw(lon: float, lat: float) -> tuple[int, int]:
    return round((lon + 180) / 2e-6), round((lat + 90) / 2e-6)


def test_absolute_and_delta_rings_decode_to_the_same_square():
    corners = [(116.0, 39.0), (116.0, 39.01), (116.01, 39.01), (116.01, 39.0), (116.0, 39.0)]
    raw = np.array([_raw(*c) for c in corners], dtype=np.int64)
    absolute = _u32(0) + raw.astype("<u4").tobytes()
    delta = _u32(1) + raw[0].astype("<u4").tobytes() + np.diff(raw, axis=0).astype("<i2").tobytes()
    for ring in (absolute, delta):
        poly = decode_geometry(memoryview(_u32(5) + _block_list(ring)))
        assert isinstance(poly, shapely.Polygon)
        assert np.allclose(shapely.get_coordinates(poly), corners)


def test_multipolygon_and_bad_type():
    raw = np.array([_raw(0, 0), _raw(1, 0), _raw(1, 1), _raw(0, 0)], dtype="<u4")
    poly = _block_list(_u32(0) + raw.tobytes())
    multi = decode_geometry(memoryview(_u32(6) + _block_list(poly, poly)))
    assert isinstance(multi, shapely.MultiPolygon)
    assert len(multi.geoms) == 2
    with pytest.raises(FrykitFormatError, match="geometry type 2"):
        decode_geometry(memoryview(_u32(2) + _u32(0)), "x")


def test_truncated_and_out_of_range(tmp_path):
    path = tmp_path / "bad.bin"
    path.write_bytes(_u32(3, 10, 10))
    with pytest.raises(FrykitFormatError, match="3 blocks"):
        read_geometries(path, [0])
    path.write_bytes(_block_list(_u32(5) + _block_list()))
    with pytest.raises(FrykitFormatError, match="row 4"):
        read_geometries(path, [4])
