"""What the playbook language's spatial predicates and threshold tables need, read once at load time.

Built by the composition root from the region index and the data files in `playbooks/data/` (rivers,
facilities, threshold tables per issuing authority), and handed to the loader, which resolves every name in
a playbook against it: an unknown river, place, facility class or table fails at load, with a did-you-mean.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from geo.agreements import Agreements, load_agreements
from geo.datafiles import LineDict, LineList, LoadError, line_of, load_yaml
from geo.names import did_you_mean
from geo.regions import PROVINCES, RegionIndex
from playbooks.incident import WARNING_COLOURS
from playbooks.register import Substance, load_register

DATA_DIR = Path(str(resources.files("playbooks"))) / "data"
NATIONAL = "national"
_EARTH_KM = 6371.0088


@dataclass(frozen=True)
class Facility:
    cls: str
    name: str
    adcode: str
    lon: float
    lat: float
    source: str
    # from the hazard register (playbooks/register.py): empty for a class the register does not list
    hazard: str = ""  # hazard class: hazardous_chemicals, waterlogging, vulnerable_people, …
    reach_km: float = 0.0  # an incident this near carries the site
    substances: tuple[Substance, ...] = ()
    sensors: tuple[str, ...] = ()  # device ids that watch it
    operator: str = ""
    supervisor: str = ""  # the supervising agency


@dataclass(frozen=True)
class River:
    name: str
    course: tuple[str, ...]  # unit adcodes, upstream first
    places: tuple[tuple[str, str], ...]  # (place name, unit adcode)

    def downstream_from(self, adcode: str) -> tuple[str, ...]:
        """The units after `adcode` on the course (empty if the river does not pass it)."""
        return self.course[self.course.index(adcode) + 1 :] if adcode in self.course else ()


@dataclass(frozen=True)
class ThresholdTable:
    name: str
    unit: str
    by_authority: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]  # authority → (tier, bound)

    def bound(self, province: str, tier: str) -> tuple[str, float] | None:
        """(authority, bound) for evidence in `province`: its own table if it has one, else the national one."""
        tables = dict(self.by_authority)
        authority = province if province in tables else NATIONAL
        bound = dict(tables.get(authority, ())).get(tier)
        return None if bound is None else (authority, bound)

    @property
    def tiers(self) -> frozenset[str]:
        return frozenset(tier for _, row in self.by_authority for tier, _ in row)


@dataclass(frozen=True)
class PlaybookPlaces:
    regions: RegionIndex
    rivers: dict[str, River]
    facilities: dict[str, tuple[Facility, ...]]  # by class
    thresholds: dict[str, ThresholdTable]
    sender_template: str
    default_expiry_ms: int
    warning_status: str
    agreements: Agreements | None = None
    downwind_km: dict[str, float] = field(default_factory=dict)  # substance class → shelter reach downwind

    @classmethod
    def load(cls, regions: RegionIndex, data_dir: Path = DATA_DIR) -> PlaybookPlaces:
        warnings = load_yaml(data_dir / "public_warnings.yaml")
        expiry = str(warnings.get("default_expiry", "6h"))
        register = load_register(data_dir / "hazards.yaml", _facilities(regions, data_dir / "facilities.csv"))
        return cls(
            regions=regions,
            rivers=_rivers(regions, data_dir / "rivers.yaml"),
            facilities=register.facilities,
            thresholds=_thresholds(data_dir / "thresholds.yaml"),
            sender_template=str(warnings["sender"]),
            default_expiry_ms=int(expiry[:-1]) * {"h": 3_600_000, "m": 60_000}[expiry[-1]],
            warning_status=str(warnings.get("status", "Actual")),
            agreements=load_agreements(),
            downwind_km=register.downwind_km,
        )

    def unit_codes(self, name: str) -> frozenset[str] | None:
        """Unit adcodes a region name or adcode stands for: a province, a prefecture city or one unit."""
        units = self.regions.units
        if name in PROVINCES or name in PROVINCES.values():
            code = name if name in PROVINCES else next(c for c, n in PROVINCES.items() if n == name)
            return frozenset(u.adcode for u in units if u.province_adcode == code)
        by_city = frozenset(u.adcode for u in units if name in (u.city_adcode, u.city_name))
        if by_city:
            return by_city
        if any(u.adcode == name for u in units):
            return frozenset({name})
        unit = self.regions.find_in_text(name)
        return frozenset({unit.adcode}) if unit is not None and name in (unit.name, unit.short_name) else None

    def region_names(self) -> list[str]:
        names = {u.name for u in self.regions.units} | {u.city_name for u in self.regions.units}
        return sorted(names | set(PROVINCES.values()))

    def unit_name(self, adcode: str) -> str:
        return self.regions.unit(adcode).name

    def province_of(self, adcode: str) -> str:
        return self.regions.unit(adcode).province_adcode

    def sender(self, province: str) -> str:
        return self.sender_template.format(province=province)


def km_between(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(math.sqrt(h))


def _unit(regions: RegionIndex, file: str, line: int, name: str, where: str) -> str:
    unit = regions.find_in_text(name)
    if unit is None or name not in (unit.name, unit.short_name):
        names = [u.name for u in regions.units]
        raise LoadError(file, line, f"{where}: {name!r} is not a county-level unit{did_you_mean(name, names)}")
    return unit.adcode


def _rivers(regions: RegionIndex, path: Path) -> dict[str, River]:
    file = str(path)
    doc = load_yaml(path)
    rivers: dict[str, River] = {}
    for name, spec in doc["rivers"].items():
        if not isinstance(spec, LineDict) or not isinstance(spec.get("course"), LineList):
            raise LoadError(file, line_of(doc["rivers"], name), f"rivers.{name}: expected a mapping with a course list")
        course = tuple(_unit(regions, file, spec.line, str(n), f"rivers.{name}.course") for n in spec["course"])
        places = []
        for place, unit_name in (spec.get("places") or {}).items():
            adcode = _unit(regions, file, line_of(spec.get("places"), place), str(unit_name), f"rivers.{name}.places")
            if adcode not in course:
                raise LoadError(
                    file, line_of(spec.get("places"), place), f"rivers.{name}.places: {place} lies off the course"
                )
            places.append((str(place), adcode))
        rivers[str(name)] = River(str(name), course, tuple(places))
    return rivers


def _facilities(regions: RegionIndex, path: Path) -> dict[str, tuple[Facility, ...]]:
    by_class: dict[str, list[Facility]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row_no, row in enumerate(csv.DictReader(f), start=2):
            try:
                facility = Facility(
                    row["class"], row["name"], row["adcode"], float(row["lon"]), float(row["lat"]), row["source"]
                )
            except (KeyError, ValueError) as exc:
                raise LoadError(str(path), row_no, f"bad facility row: {exc}") from None
            unit = regions.locate(facility.lon, facility.lat)
            if unit is None or unit.adcode != facility.adcode:
                where = unit.name if unit is not None else "outside the theater"
                raise LoadError(str(path), row_no, f"{facility.name}: the point lies in {where}, not {facility.adcode}")
            by_class.setdefault(facility.cls, []).append(facility)
    return {cls: tuple(items) for cls, items in by_class.items()}


def _thresholds(path: Path) -> dict[str, ThresholdTable]:
    file = str(path)
    doc = load_yaml(path)
    tables: dict[str, ThresholdTable] = {}
    for name, spec in doc["tables"].items():
        rows = []
        for authority, tiers in spec["authorities"].items():
            if authority != NATIONAL and authority not in PROVINCES:
                raise LoadError(
                    file,
                    line_of(spec["authorities"], authority),
                    f"tables.{name}: authority {authority!r} is not 'national' or a province adcode",
                )
            for tier in tiers:
                if tier not in WARNING_COLOURS:
                    raise LoadError(
                        file,
                        line_of(tiers, tier),
                        f"tables.{name}.{authority}: tier {tier!r} is not one of {list(WARNING_COLOURS)}"
                        f"{did_you_mean(str(tier), WARNING_COLOURS)}",
                    )
            rows.append((str(authority), tuple((str(t), float(v)) for t, v in tiers.items())))
        tables[str(name)] = ThresholdTable(str(name), str(spec.get("unit", "")), tuple(rows))
    return tables
