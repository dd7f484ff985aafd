"""Place look-up for address-only reports (12345 work orders carry text, rarely coordinates).

County names come from the region data; towns, villages and landmarks from ``geo/data/places.csv``, each row
labelled with its source. The most specific match wins: a place consistent with the county named in the
text, else the county itself, else any place.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal, cast

from geo.names import NameMatcher, did_you_mean
from geo.regions import RegionIndex

Precision = Literal["place", "town", "county"]
_PLACE_PRECISIONS: tuple[str, ...] = ("place", "town")
PLACES_CSV = Path(str(resources.files("geo.data"))) / "places.csv"


@dataclass(frozen=True)
class Placement:
    lon: float
    lat: float
    adcode: str
    precision: Precision
    matched: str


@dataclass(frozen=True)
class Place:
    name: str
    adcode: str
    lon: float
    lat: float
    precision: Precision
    source: str


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


class Gazetteer:
    def __init__(self, regions: RegionIndex, places: tuple[tuple[Place, tuple[str, ...]], ...]):
        self._regions = regions
        self.places = tuple(p for p, _ in places)
        grouped: dict[str, list[int]] = {}
        for i, (place, aliases) in enumerate(places):
            for name in (place.name, *aliases):
                grouped.setdefault(name, []).append(i)
        self._places = NameMatcher.build((name, tuple(ids)) for name, ids in grouped.items())

    @classmethod
    def from_regions(cls, regions: RegionIndex, places_csv: Path = PLACES_CSV) -> Gazetteer:
        return cls(regions, load_places(regions, places_csv))

    def locate(self, text: str) -> Placement | None:
        county_hit = self._regions.match_in_text(text)
        county = None if county_hit is None else county_hit[0]
        best: tuple[Place, str] | None = None
        for hit in self._places.find_all(text):
            candidates = [self.places[i] for i in hit.value]
            if county is not None:
                candidates = [p for p in candidates if p.adcode == county.adcode]
            elif len(candidates) > 1:
                continue  # a homonym with no county to tell which one
            if candidates:
                best = (candidates[0], hit.matched)
                break
        if best is not None:
            place, matched = best
            return Placement(place.lon, place.lat, place.adcode, place.precision, matched)
        if county_hit is not None:
            unit, matched = county_hit
            return Placement(unit.label_lon, unit.label_lat, unit.adcode, "county", matched)
        return None
