"""Place look-up for address-only reports (12345 work orders carry text, rarely coordinates).

What an address can name, from the finest:
- a landmark, town or village with a known point (``geo/data/places.csv``, each row labelled with its source);
- a township or street (乡镇/街道) and a village or community (村/社区) under it: ``geo/data/admin_units.csv``, the
  national division names from JioNLP's table (names only: such a place is located at its county's label point);
- a county (the region data, with the short forms callers use and the former districts merged into new ones);
- a prefecture (沧州, 廊坊): located at its seat, found only by its name.

The most specific match consistent with the county (and township) the text names wins; a short name inside a road's
or landmark's name (海滨大道) is not the township. Every placement names the finest administrative *unit* the address
resolves to (`unit`: county/township/village-or-community); fusion aggregates address-only reports per unit, as fine as
the kind of event calls for (a street's leaking roofs, a flooded village, a building's community). `spread_km` says how
far a place located only to a county or prefecture may lie from its label point. An address in another province is
named as such (`outside`), so the rejection can say so.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal, cast

import numpy as np
import shapely

from geo.names import NameMatcher, did_you_mean
from geo.regions import RegionIndex, RegionUnit

Precision = Literal["place", "town", "county", "province"]
_PLACE_PRECISIONS: tuple[str, ...] = ("place", "town")
_DATA = Path(str(resources.files("geo.data")))
PLACES_CSV = _DATA / "places.csv"
ADMIN_UNITS_CSV = _DATA / "admin_units.csv"
OTHER_REGIONS_CSV = _DATA / "other_regions.csv"
# Suffixes a caller drops from a township's or a village's name (大贤村 → 大贤, 卑家店镇 → 卑家店).
_TOWN_SUFFIXES = ("民族乡", "街道办事处", "街道", "地区", "镇", "乡")
_STREET_SHORT = ("街道", "街")  # 海滨街道 is also written 海滨街
# Parts of an estate's name callers drop (一区, 东里, 小区): its communities share the rest, and a name shared by
# communities of one street means the street.
_ESTATE_PARTS = (
    *("东区", "西区", "南区", "北区", "中区", "一区", "二区", "三区"),
    *("一里", "二里", "三里", "东里", "西里", "南里", "北里", "中里", "小区"),
)
_VILLAGE_SUFFIXES = ("村民委员会", "居委会", "社区", "村")
_MIN_STEM = 2
# What follows a place's short name when the text names a highway, bridge or landmark called after it (海滨大道 is no
# 海滨街道): such a match is not the township. A street or road (羊坊店路) lies in the township it is named after.
_NAMED_AFTER = (
    *("大道", "桥", "立交", "公园", "医院", "地铁", "站", "高速", "环", "河", "水库", "机场"),
    *("新区", "开发区", "工业区", "产业园", "园区"),  # a zone named after a place (渤海新区 is no 渤海乡)
)
# Districts merged into 滨海新区 (2009) that callers still name, and other names callers use for a county.
# What follows a county's short name when the text names a township called after it (沙河镇 is no 沙河市).
_TOWN_AFTER = ("镇", "乡", "街道", "地区办事处")
# Short names of townships that are also words for a kind of place in an address (平房: a bungalow, `双龙平房区` a
# quarter of bungalows; 路桥 in `铁路桥`; an estate's 花园, 新村 or 新城; 车站, 广场, 城区): only the full name
# (平房地区, 平房乡, 路桥乡) names the township.
_WORD_STEMS = frozenset({"平房", "路桥", "花园", "广场", "车站", "新村", "新城", "城区"})
# How far a landmark's point may lie outside the county an address names with it and still be that landmark: the
# table's points are approximate to 1-2 km, so an interchange on a district border (a ring road) is named with either.
_BORDER_KM = 1.5
FORMER_NAMES = {"大港": "120116", "塘沽": "120116", "汉沽": "120116", "大港油田": "120116"}


@dataclass(frozen=True)
class Placement:
    lon: float
    lat: float
    adcode: str
    precision: Precision
    matched: str
    unit: str = ""  # the finest administrative unit: "<county>", "<county>/<town>", "<county>/<town>/<village>", ...


@dataclass(frozen=True)
class Place:
    name: str
    adcode: str
    lon: float
    lat: float
    precision: Precision
    source: str


@dataclass(frozen=True)
class AdminName:
    """A township or a village/community of a county, by name (no point of its own)."""

    county: str
    town: str
    village: str = ""

    @property
    def unit(self) -> str:
        return f"{self.county}/{self.town}/{self.village}" if self.village else f"{self.county}/{self.town}"


def load_places(regions: RegionIndex, path: Path = PLACES_CSV) -> tuple[tuple[Place, tuple[str, ...]], ...]:
    """Read and check the places table: each point must lie in the county its row names."""
    out: list[tuple[Place, tuple[str, ...]]] = []
    with path.open(encoding="utf-8", newline="") as f:
        for line, rec in enumerate(csv.DictReader(f), start=2):
            where = f"{path}:{line}"
            try:
                lon, lat = float(rec["lon"]), float(rec["lat"])
            except (TypeError, ValueError):
                raise ValueError(f"{where}: lon/lat must be numbers, got {rec['lon']!r}, {rec['lat']!r}") from None
            try:
                unit = regions.unit(rec["adcode"])
            except KeyError as exc:
                raise ValueError(f"{where}: {exc.args[0]}") from None
            if rec["precision"] not in _PLACE_PRECISIONS:
                raise ValueError(
                    f"{where}: precision={rec['precision']!r} is not one of {_PLACE_PRECISIONS}"
                    f"{did_you_mean(rec['precision'], _PLACE_PRECISIONS)}"
                )
            found = regions.locate(lon, lat)
            if found is None or found.adcode != unit.adcode:
                raise ValueError(
                    f"{where}: {rec['name']} at ({lon}, {lat}) lies in "
                    f"{found.name + ' ' + found.adcode if found else 'no unit of the theater'}, "
                    f"not in {unit.name} {unit.adcode}"
                )
            if not rec.get("source"):
                raise ValueError(f"{where}: {rec['name']} has no source")
            aliases = tuple(a for a in (rec.get("aliases") or "").split("|") if a)
            precision = cast(Precision, rec["precision"])
            place = Place(rec["name"], unit.adcode, lon, lat, precision, rec["source"])
            out.append((place, aliases))
    return tuple(out)


def load_admin_names(path: Path = ADMIN_UNITS_CSV) -> tuple[AdminName, ...]:
    with path.open(encoding="utf-8", newline="") as f:
        return tuple(AdminName(r["county"], r["town"], r["village"]) for r in csv.DictReader(f))


def _stems(name: str, suffixes: tuple[str, ...]) -> list[str]:
    names = [name]
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= _MIN_STEM:
            names.append(name[: -len(suffix)])
            break
    if name.endswith(("社区", "居委会")):
        stem = names[-1]
        for part in _ESTATE_PARTS:  # 金鱼池中区社区 is called 金鱼池, 嘉园一里 嘉园
            if stem.endswith(part) and len(stem) - len(part) >= _MIN_STEM:
                names.append(stem[: -len(part)])
                break
    if name.endswith(_STREET_SHORT[0]):
        names.append(name.removesuffix(_STREET_SHORT[0]) + _STREET_SHORT[1])
    return names


_LOCATED_MAX = 100_000  # texts whose placement is remembered


class Gazetteer:
    def __init__(
        self,
        regions: RegionIndex,
        places: tuple[tuple[Place, tuple[str, ...]], ...],
        admin: tuple[AdminName, ...] = (),
        others: tuple[tuple[str, str], ...] = (),
    ):
        self._regions = regions
        self.places = tuple(p for p, _ in places)
        grouped: dict[str, list[int]] = {}
        for i, (place, aliases) in enumerate(places):
            for name in (place.name, *aliases):
                grouped.setdefault(name, []).append(i)
        self._places = NameMatcher.build((name, tuple(ids)) for name, ids in grouped.items())
        known = {u.adcode for u in regions.units}
        by_name: dict[str, list[AdminName]] = {}
        for entry in admin:
            suffixes = _VILLAGE_SUFFIXES if entry.village else _TOWN_SUFFIXES
            for name in _stems(entry.village or entry.town, suffixes):
                # a word's stem names the township only with a suffix (平房乡 for 平房地区)
                for named in (name,) if name not in _WORD_STEMS else (name + "乡", name + "镇"):
                    by_name.setdefault(named, []).append(entry)
        self.admin = admin
        self._known_counties = known
        self._admin = NameMatcher.build((name, tuple(found)) for name, found in by_name.items())
        self._former = NameMatcher.build(FORMER_NAMES.items())
        cities: dict[str, list[RegionUnit]] = {}
        for unit in regions.units:
            if unit.city_adcode != unit.province_adcode:
                cities.setdefault(unit.city_adcode, []).append(unit)
        self._cities = {code: min(units, key=lambda u: u.adcode) for code, units in cities.items()}
        city_names: list[tuple[str, str]] = []
        for code, seat in self._cities.items():
            name = seat.city_name
            city_names += [(name, code), (name.removesuffix("市"), code)]
        self._city_names = NameMatcher.build(city_names)
        self._others = NameMatcher.build(others)
        self._spread: dict[str, float] = {}
        self._border: dict[tuple[str, str, str], bool] = {}
        # a text's placement, bounded: calls repeat addresses (a surge of calls from one estate), and locating one
        # scans every name table; emptied when full
        self._located: dict[tuple[str, str], Placement | None] = {}

    @classmethod
    def from_regions(
        cls,
        regions: RegionIndex,
        places_csv: Path = PLACES_CSV,
        admin_csv: Path | None = ADMIN_UNITS_CSV,
        others_csv: Path | None = OTHER_REGIONS_CSV,
    ) -> Gazetteer:
        admin = load_admin_names(admin_csv) if admin_csv is not None else ()
        others: list[tuple[str, str]] = []
        if others_csv is not None:
            with others_csv.open(encoding="utf-8", newline="") as f:
                for rec in csv.DictReader(f):
                    others += [(rec["name"], rec["province"]), (rec["short"], rec["province"])]
        return cls(regions, load_places(regions, places_csv), admin, tuple(others))

    def _county_of(self, text: str, province: str = "") -> tuple[RegionUnit, str] | None:
        towns: set[str] = set()  # county short names the text uses as a township's name
        for unit, matched, at in self._regions.matches_in_text(text):
            if text.startswith(_TOWN_AFTER, at + len(matched)):
                towns.add(matched)
                continue  # 沙河镇 is a township called after a place, not 沙河市; 高碑店乡 is no 高碑店市
            if matched in towns:
                continue  # named again, it is the township's name (沙河镇沙河1院, 清河街道清河小营)
            ours = province and _in_province(unit.adcode, province)
            for name in self._admin.find_all(text):
                overlaps = name.start < at + len(matched) and at < name.start + len(name.matched)
                if not overlaps or len(name.matched) <= len(matched) or len({e.county for e in name.value}) != 1:
                    continue
                if ours and not _in_province(name.value[0].county, province):
                    continue  # 丰台东高地 on the Beijing hotline is 丰台区's 东高地, not 宁河's 丰台东村
                return self._regions.unit(name.value[0].county), ""  # 青龙湖镇 is no 青龙县
            return unit, matched
        former = self._former.find(text)
        if former is not None:
            return self._regions.unit(former.value), former.matched
        return None

    def locate(self, text: str, province: str = "") -> Placement | None:
        """Where a text (an address, or an address and a call's content) places a report; None when nowhere.
        `province` is the hotline's region that took the call: a homonym the text does not tell apart (沙河镇 of 昌平
        and of 河北) is the one in it, when only one is."""
        key = (text, province)
        try:
            return self._located[key]
        except KeyError:
            pass
        found = self._locate(text, province)
        if len(self._located) >= _LOCATED_MAX:
            self._located.clear()
        self._located[key] = found
        return found

    def _locate(self, text: str, province: str) -> Placement | None:
        county_hit = self._county_of(text, province)
        if county_hit is None and self.outside(text) is not None and self._city_names.find(text) is None:
            return None  # an address in another province (its villages share names with ours)
        county = None if county_hit is None else county_hit[0]
        for hit in self._places.find_all(text):
            candidates = [self.places[i] for i in hit.value]
            if county is not None:
                candidates = [p for p in candidates if self._in_county(p, county.adcode)]
            elif len(candidates) > 1:
                candidates = [p for p in candidates if province and _in_province(p.adcode, province)]
                if len(candidates) != 1:
                    continue  # a homonym with no county to tell which one
            if candidates:
                p = candidates[0]
                return Placement(p.lon, p.lat, p.adcode, p.precision, hit.matched, f"place:{p.name}")
        city = self._city_names.find(text) if county is None else None  # a prefecture named tells homonyms apart
        prefecture = city.value if city else ""
        admin = self._admin_unit(text, county, county_hit[1] if county_hit else "", province, prefecture)
        if admin is not None:
            entry, matched = admin
            unit = self._regions.unit(entry.county) if entry.county in self._known_counties else None
            seat = unit or county or self._seat_of(entry.county)  # a development zone lies by the county named
            if seat is not None:
                return Placement(seat.label_lon, seat.label_lat, seat.adcode, "county", matched, entry.unit)
        if county_hit is not None:
            unit, matched = county_hit
            return Placement(unit.label_lon, unit.label_lat, unit.adcode, "county", matched or unit.name, unit.adcode)
        city = self._city_names.find(text)
        if city is not None:
            seat = self._cities[city.value]
            return Placement(seat.label_lon, seat.label_lat, seat.adcode, "province", city.matched, city.value)
        return None

    def landmark(self, text: str, adcode: str = "") -> Placement | None:
        """A landmark the text names (a hospital, a station, an interchange), in the given county if one is given: a
        call about 长峰医院 from an address that names only the district is about the hospital."""
        for hit in self._places.find_all(text):
            candidates = [p for i in hit.value if (p := self.places[i]).precision == "place"]
            if adcode:
                candidates = [p for p in candidates if self._in_county(p, adcode)]
            if len(candidates) == 1:
                p = candidates[0]
                return Placement(p.lon, p.lat, p.adcode, p.precision, hit.matched, f"place:{p.name}")
        return None

    def spread_km(self, unit: str) -> float:
        """How far a place in a county (or a prefecture, by its code) may lie from the label point it is located at:
        the farthest point of its boundary. A report located that way may be anywhere within it."""
        found = self._spread.get(unit)
        if found is None:
            codes = [u.adcode for u in self._regions.units if u.city_adcode == unit] or [unit[:6]]
            label = self._regions.unit(codes[0]) if unit in self._cities else self._regions.unit(unit[:6])
            if unit in self._cities:
                label = self._cities[unit]
            found = 0.0
            for code in codes:
                geometry = self._regions.unit_geometry(code)
                xy = shapely.get_coordinates(shapely.simplify(geometry, 0.01))
                dx = (xy[:, 0] - label.label_lon) * math.cos(math.radians(label.label_lat)) * 111.2
                dy = (xy[:, 1] - label.label_lat) * 111.2
                found = max(found, float(np.max(np.hypot(dx, dy))))
            # rounded before it is kept and returned: the first call and every later one must agree, or a replay's
            # output depends on which replays ran before it in the same process
            found = self._spread[unit] = round(found, 1)
        return found

    def _in_county(self, place: Place, adcode: str) -> bool:
        """Whether a landmark may be the one an address names with this county: in it, or by its border."""
        if place.adcode == adcode:
            return True
        key = (place.name, place.adcode, adcode)
        near = self._border.get(key)
        if near is None:
            if adcode not in self._known_counties:
                near = False
            else:
                degrees = self._regions.unit_geometry(adcode).distance(shapely.Point(place.lon, place.lat))
                near = degrees * 111.2 * math.cos(math.radians(place.lat)) <= _BORDER_KM
            self._border[key] = near
        return near

    def outside(self, text: str) -> str | None:
        """The province an address outside the theater names (山东省, or 郑州市 → 河南省)."""
        hit = self._others.find(text)
        return None if hit is None else hit.value

    def _seat_of(self, code: str) -> RegionUnit | None:
        """A development zone's code (1305 71) stands for its prefecture: located at the prefecture's seat."""
        return self._cities.get(code[:4] + "00")

    def _admin_unit(
        self, text: str, county: RegionUnit | None, county_text: str, province: str = "", prefecture: str = ""
    ) -> tuple[AdminName, str] | None:
        """The finest township or village the text names, consistent with the county (or else the prefecture) it
        names, if any."""
        best: tuple[int, AdminName, str] | None = None
        taken: list[tuple[int, int]] = []
        named_towns = {
            (e.county, e.town)
            for hit in self._admin.find_all(text)
            if not text.startswith(_NAMED_AFTER, hit.start + len(hit.matched))
            for e in hit.value
            if not e.village
            and (county is None or e.county == county.adcode)
            and (not prefecture or e.county[:4] == prefecture[:4])
        }
        if county_text and (at := text.find(county_text)) >= 0:
            taken.append((at, at + len(county_text)))
        for hit in self._admin.find_all(text):
            end = hit.start + len(hit.matched)
            if text.startswith(_NAMED_AFTER, end) and not any(hit.matched in (e.town, e.village) for e in hit.value):
                continue  # a short name in a road's or a landmark's name (海滨大道)
            if any(a <= hit.start and end <= b for a, b in taken) and hit.matched != county_text:
                continue  # inside a longer name already read (排河 in 南排河镇), or in the county's name (丰台区)
            if hit.matched == county_text:
                continue
            taken.append((hit.start, end))
            candidates = list(hit.value)
            if county is not None:
                candidates = [e for e in candidates if e.county == county.adcode or _zone_of(e.county, county)]
            else:  # no county named: a full name, or a stem long enough not to be an everyday word
                full = [e for e in candidates if hit.matched in (e.village, e.town) or not e.village]
                candidates = full if len(hit.matched) < 3 else candidates  # a village's two-character stem is no name
                if prefecture:  # 邢台开发区景家屯村: the 景家屯村 of a county or zone of 邢台
                    candidates = [e for e in candidates if e.county[:4] == prefecture[:4]]
                if province:  # a community named with no county is one of the hotline's own region (东马路 of 天津)
                    candidates = [e for e in candidates if not e.village or _in_province(e.county, province)]
            if named_towns and any(e.village for e in candidates):
                # a village or community must lie in the township the text names (远景 of 大沽, not of 海滨街道)
                candidates = [e for e in candidates if not e.village or (e.county, e.town) in named_towns]
            if not candidates:
                continue
            towns = {(e.county, e.town) for e in candidates}
            if len(towns) > 1 and county is None and province:
                candidates = [e for e in candidates if _in_province(e.county, province)]  # the hotline's own region
                towns = {(e.county, e.town) for e in candidates}
            if len(towns) != 1:
                continue  # a homonym (many villages share a name) with nothing to tell which one
            entry = candidates[0]
            if len({e.unit for e in candidates}) > 1:
                entry = AdminName(entry.county, entry.town)  # names of one street's communities: the street
            rank = 2 if entry.village else 1
            if best is None or rank > best[0]:
                best = (rank, entry, hit.matched)
        return None if best is None else (best[1], best[2])


def _in_province(code: str, province: str) -> bool:
    return code[:2] == province[:2]


def _zone_of(code: str, county: RegionUnit) -> bool:
    """A development zone (its code ends in 7x) of the county's prefecture: its towns may be named with the county."""
    return code[4] == "7" and code[:4] == county.city_adcode[:4]
