"""Shared resources held in place: supply depots (应急物资储备库, stock by item) and shelters (应急避难场所,
capacity in persons) of the theater's provinces, read from ``geo/data/stockpiles.yaml`` and
``geo/data/shelters.yaml``.

Rule: a depot's or shelter's province is the province of the county that owns it; every problem of a file is
reported with its file and line (geo/datafiles.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pydantic

from geo.datafiles import DATA_DIR, StrictModel, load_yaml_model
from geo.names import did_you_mean
from geo.regions import PROVINCES

Item = Literal["tents", "pumps", "boats", "generators", "sandbags", "medical_kits", "foam"]
ITEMS: tuple[str, ...] = Item.__args__  # type: ignore[attr-defined]
SHELTER_PLACES = "shelter_places"  # what a shelter holds, lent like an item
ShelterType = Literal["emergency", "short", "long"]

# 京津冀 lies inside this box (WGS84); a point outside it is a typo, not a depot
_LON = (113.0, 120.5)
_LAT = (36.0, 42.7)


def _county(code: str) -> str:
    province = code[:2] + "0000"
    if len(code) != 6 or not code.isdigit() or province not in PROVINCES or code == province:
        raise ValueError(f"owner={code!r} is not a county adcode of the theater{did_you_mean(code, PROVINCES)}")
    return code


class _Place(StrictModel):
    id: str = pydantic.Field(min_length=1)
    name: str = pydantic.Field(min_length=1)
    owner: str
    lon: float = pydantic.Field(ge=_LON[0], le=_LON[1])
    lat: float = pydantic.Field(ge=_LAT[0], le=_LAT[1])
    synthetic: bool = False

    @pydantic.field_validator("owner")
    @classmethod
    def _owner_is_a_county(cls, code: str) -> str:
        return _county(code)


class _Depot(_Place):
    stock: dict[Item, int]

    @pydantic.field_validator("stock")
    @classmethod
    def _counts(cls, stock: dict[str, int]) -> dict[str, int]:
        bad = [f"{item}={n}" for item, n in stock.items() if n < 0]
        if bad:
            raise ValueError(f"stock must not be negative: {', '.join(bad)}")
        return stock


class _Shelter(_Place):
    type: ShelterType
    capacity: int = pydantic.Field(ge=1)


def _unique(places: list[_Depot] | list[_Shelter]) -> None:
    seen: set[str] = set()
    for place in places:
        if place.id in seen:
            raise ValueError(f"id {place.id!r} is used twice")
        seen.add(place.id)


class _DepotFile(StrictModel):
    consumable: list[Item] = pydantic.Field(default_factory=list)
    depots: list[_Depot]

    @pydantic.model_validator(mode="after")
    def _ids(self) -> _DepotFile:
        _unique(self.depots)
        return self


class _ShelterFile(StrictModel):
    shelters: list[_Shelter]

    @pydantic.model_validator(mode="after")
    def _ids(self) -> _ShelterFile:
        _unique(self.shelters)
        return self


@dataclass(frozen=True)
class Depot:
    id: str
    name: str
    owner: str  # county adcode
    province: str
    lon: float
    lat: float
    stock: tuple[tuple[str, int], ...]  # (item, count) in ITEMS order, items it holds only
    synthetic: bool

    def has(self, item: str) -> int:
        return dict(self.stock).get(item, 0)


@dataclass(frozen=True)
class Shelter:
    id: str
    name: str
    owner: str
    province: str
    lon: float
    lat: float
    type: str
    capacity: int
    synthetic: bool


@dataclass(frozen=True)
class Stockpiles:
    depots: tuple[Depot, ...]
    shelters: tuple[Shelter, ...]
    consumable: frozenset[str]  # written off when used; the other items go back to their depot

    def places(self) -> dict[str, Depot | Shelter]:
        """Every depot and shelter by id."""
        places: dict[str, Depot | Shelter] = {d.id: d for d in self.depots}
        places.update((s.id, s) for s in self.shelters)
        return places

    def depots_of(self, province: str) -> tuple[Depot, ...]:
        return tuple(d for d in self.depots if d.province == province)

    def shelters_of(self, province: str) -> tuple[Shelter, ...]:
        return tuple(s for s in self.shelters if s.province == province)

    def stock_of(self, province: str, item: str) -> int:
        return sum(d.has(item) for d in self.depots_of(province))


def _in_order(stock: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple((item, stock[item]) for item in ITEMS if item in stock)


def load_stockpiles(
    depots: Path = DATA_DIR / "stockpiles.yaml", shelters: Path = DATA_DIR / "shelters.yaml"
) -> Stockpiles:
    raw_depots = load_yaml_model(_DepotFile, depots)
    raw_shelters = load_yaml_model(_ShelterFile, shelters)
    return Stockpiles(
        depots=tuple(
            Depot(
                d.id,
                d.name,
                d.owner,
                d.owner[:2] + "0000",
                d.lon,
                d.lat,
                _in_order({str(k): n for k, n in d.stock.items()}),
                d.synthetic,
            )
            for d in raw_depots.depots
        ),
        shelters=tuple(
            Shelter(s.id, s.name, s.owner, s.owner[:2] + "0000", s.lon, s.lat, s.type, s.capacity, s.synthetic)
            for s in raw_shelters.shelters
        ),
        consumable=frozenset(raw_depots.consumable),
    )
