"""Responders (synthetic, seeded) and their statuses as an immutable state.

No list of real fire stations, rescue teams or hospitals ships for the area, so :func:`generate_fleet`
makes a plausible one from ``geo/data/fleet.yaml``; every record says ``synthetic=True``.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Literal, get_args

import numpy as np
import pydantic

from geo.datafiles import DATA_DIR, StrictModel, load_yaml_model
from geo.names import did_you_mean
from geo.regions import RegionIndex

ResponderStatus = Literal["available", "assigned", "en_route", "on_scene", "returning", "out_of_service"]
STATUSES: tuple[str, ...] = get_args(ResponderStatus)


class CapabilityCatalog(StrictModel):
    capabilities: dict[str, str]
    kinds: dict[str, list[str]]

    def check(self, where: Path) -> CapabilityCatalog:
        for kind, caps in self.kinds.items():
            for cap in caps:
                if cap not in self.capabilities:
                    raise ValueError(
                        f"{where}: kinds.{kind}: capability {cap!r} is not listed under capabilities"
                        f"{did_you_mean(cap, self.capabilities)}"
                    )
        return self


def load_capabilities(path: Path = DATA_DIR / "capabilities.yaml") -> CapabilityCatalog:
    return load_yaml_model(CapabilityCatalog, path).check(path)


class _Extra(StrictModel):
    share: float
    capabilities: list[str]


class _KindSpec(StrictModel):
    name: str
    base: float
    per_1000_km2: float
    seat_bonus: float
    min: int
    capacity: tuple[int, int]
    beds: tuple[int, int] | None = None
    specialities: dict[str, float] = pydantic.Field(default_factory=dict)
    extra: _Extra | None = None


class _Placement(StrictModel):
    spread: float


class FleetSpec(StrictModel):
    kinds: dict[str, _KindSpec]
    placement: _Placement


def load_fleet_spec(path: Path = DATA_DIR / "fleet.yaml") -> FleetSpec:
    return load_yaml_model(FleetSpec, path)


@dataclass(frozen=True)
class Responder:
    id: str
    name: str
    kind: str
    capabilities: frozenset[str]
    capacity: int
    home_province: str
    home_adcode: str
    base_lon: float
    base_lat: float
    beds: int = 0
    specialities: frozenset[str] = frozenset()
    synthetic: bool = True


_KM_PER_DEG_LAT = 111.2


def generate_fleet(
    regions: RegionIndex,
    seed: int = 7,
    scale: float = 1.0,
    spec: FleetSpec | None = None,
    catalog: CapabilityCatalog | None = None,
) -> tuple[Responder, ...]:
    """A seeded synthetic fleet: more units where a county is larger or is a city district.

    ``scale`` multiplies every count except the minimums (each county keeps at least one fire station).
    """
    spec = spec or load_fleet_spec()
    catalog = catalog or load_capabilities()
    unknown = set(spec.kinds) - set(catalog.kinds)
    if unknown:
        kind = sorted(unknown)[0]
        raise ValueError(f"fleet kind {kind!r} is not in capabilities.yaml{did_you_mean(kind, catalog.kinds)}")
    if scale <= 0:
        raise ValueError(f"scale={scale} must be positive")
    rng = np.random.default_rng(seed)
    out: list[Responder] = []
    for unit_index, unit in enumerate(regions.units):
        area = regions.area_km2(unit.adcode)
        city_district = unit.name.endswith("区")
        short = unit.name if len(unit.name) <= 3 else unit.short_name
        for kind, ks in spec.kinds.items():
            expected = scale * (ks.base + ks.per_1000_km2 * area / 1000 + (ks.seat_bonus if city_district else 0))
            count = max(ks.min, int(expected) + int(rng.random() < expected - int(expected)))
            if count == 0:
                continue
            lon, lat = _scatter(regions, unit_index, count, area, spec.placement.spread, rng)
            for n in range(count):
                caps = set(catalog.kinds[kind])
                if ks.extra is not None and rng.random() < ks.extra.share:
                    caps |= set(ks.extra.capabilities)
                specialities = frozenset(
                    s for s, share in ks.specialities.items() if rng.random() < share * (2 if city_district else 1)
                )
                beds = int(rng.integers(ks.beds[0], ks.beds[1] + 1)) if ks.beds else 0
                out.append(
                    Responder(
                        id=f"{kind}-{unit.adcode}-{n + 1:02d}",
                        name=ks.name.format(county=short, n=n + 1),
                        kind=kind,
                        capabilities=frozenset(caps),
                        capacity=int(rng.integers(ks.capacity[0], ks.capacity[1] + 1)),
                        home_province=unit.province_adcode,
                        home_adcode=unit.adcode,
                        base_lon=round(float(lon[n]), 5),
                        base_lat=round(float(lat[n]), 5),
                        beds=beds,
                        specialities=specialities,
                    )
                )
    return tuple(out)


def _scatter(
    regions: RegionIndex,
    unit_index: int,
    count: int,
    area_km2: float,
    spread: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Points around the unit's label point, redrawn until they fall inside the unit."""
    unit = regions.units[unit_index]
    sigma_km = spread * np.sqrt(area_km2 / np.pi)
    sigma_lat = sigma_km / _KM_PER_DEG_LAT
    sigma_lon = sigma_lat / np.cos(np.radians(unit.label_lat))
    lon = np.full(count, unit.label_lon)
    lat = np.full(count, unit.label_lat)
    todo = np.arange(count)
    for _ in range(30):
        x = unit.label_lon + rng.normal(0, sigma_lon, todo.size)
        y = unit.label_lat + rng.normal(0, sigma_lat, todo.size)
        ok = regions.locate_many(x, y) == unit_index
        lon[todo[ok]], lat[todo[ok]] = x[ok], y[ok]
        todo = todo[~ok]
        if todo.size == 0:
            break
    return lon, lat


class Roster:
    """Column arrays over a fixed set of responders (sorted by id), shared by every FleetState derived
    from one another, so that dispatch works on arrays instead of looping over records."""

    def __init__(self, responders: Mapping[str, Responder]):
        self.ids: tuple[str, ...] = tuple(sorted(responders))
        self.position = {rid: i for i, rid in enumerate(self.ids)}
        recs = [responders[rid] for rid in self.ids]
        self.responders = tuple(recs)
        self.lon = np.array([r.base_lon for r in recs], dtype=np.float64)
        self.lat = np.array([r.base_lat for r in recs], dtype=np.float64)
        self.province = np.array([r.home_province for r in recs])
        self.adcode = np.array([r.home_adcode for r in recs])
        self.capabilities = frozenset(c for r in recs for c in r.capabilities)
        self._masks = {cap: np.array([cap in r.capabilities for r in recs], dtype=bool) for cap in self.capabilities}
        # Derived per-road-graph arrays (access legs) live here, keyed weakly by the graph.
        self.cache: weakref.WeakKeyDictionary[object, object] = weakref.WeakKeyDictionary()

    def has(self, capability: str) -> np.ndarray:
        return self._masks[capability]


@dataclass(frozen=True)
class FleetState:
    """Statuses of a fixed set of responders. Immutable: changes return a new state.

    A responder without an entry in ``status`` is available.
    """

    responders: Mapping[str, Responder]
    status: Mapping[str, ResponderStatus]
    catalog: frozenset[str] = frozenset()  # capabilities that may be asked for even if no one holds them
    _roster: Roster = field(default=None, repr=False, compare=False)  # type: ignore[assignment]
    _available: np.ndarray = field(default=None, repr=False, compare=False)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        if self._roster is not None and self._available is not None:
            return  # derived by with_statuses, which checked its changes
        for rid, st in self.status.items():
            if rid not in self.responders:
                raise KeyError(f"status for unknown responder id {rid!r}{did_you_mean(rid, self.responders)}")
            if st not in STATUSES:
                raise ValueError(f"status of {rid}: {st!r} is not one of {STATUSES}{did_you_mean(st, STATUSES)}")
        object.__setattr__(self, "responders", MappingProxyType(dict(self.responders)))
        object.__setattr__(self, "status", MappingProxyType(dict(self.status)))
        if self._roster is None:
            object.__setattr__(self, "_roster", Roster(self.responders))
        if self._available is None:
            avail = np.ones(len(self._roster.ids), dtype=bool)
            for rid, st in self.status.items():
                avail[self._roster.position[rid]] = st == "available"
            avail.flags.writeable = False
            object.__setattr__(self, "_available", avail)

    @classmethod
    def initial(cls, responders: Iterable[Responder], catalog: Iterable[str] = ()) -> FleetState:
        """Everyone available. Duplicate ids are an error."""
        by_id: dict[str, Responder] = {}
        for r in responders:
            if r.id in by_id:
                raise ValueError(f"duplicate responder id {r.id!r}")
            by_id[r.id] = r
        return cls(by_id, {rid: "available" for rid in by_id}, frozenset(catalog))

    @property
    def roster(self) -> Roster:
        return self._roster

    @property
    def available_mask(self) -> np.ndarray:
        """Read-only bool array aligned with ``roster.ids``."""
        return self._available

    def in_service_mask(self) -> np.ndarray:
        """Bool array aligned with ``roster.ids``: False for responders out of service."""
        mask = np.ones(len(self._roster.ids), dtype=bool)
        for rid, st in self.status.items():
            if st == "out_of_service":
                mask[self._roster.position[rid]] = False
        return mask

    def status_of(self, responder_id: str) -> ResponderStatus:
        self._position(responder_id)
        return self.status.get(responder_id, "available")

    def _position(self, responder_id: str) -> int:
        try:
            return self._roster.position[responder_id]
        except KeyError:
            hint = did_you_mean(responder_id, self._roster.ids)
            raise KeyError(f"responder id {responder_id!r} is not in the fleet{hint}") from None

    def with_status(self, responder_id: str, status: ResponderStatus) -> FleetState:
        return self.with_statuses({responder_id: status})

    def with_statuses(self, changes: Mapping[str, ResponderStatus]) -> FleetState:
        """Apply several changes at once; all are checked before any is applied."""
        avail = self._available.copy()
        for rid, st in changes.items():
            pos = self._position(rid)
            if st not in STATUSES:
                raise ValueError(f"status of {rid}: {st!r} is not one of {STATUSES}{did_you_mean(st, STATUSES)}")
            avail[pos] = st == "available"
        avail.flags.writeable = False
        status = MappingProxyType({**self.status, **changes})
        return FleetState(self.responders, status, self.catalog, self._roster, avail)

    def with_positions(self, moves: Mapping[str, tuple[float, float]]) -> FleetState:
        """Units standing somewhere else (a move-up): their base becomes (lon, lat), so dispatch ranks them from
        there and they return there. A new roster, statuses kept: dispatch's arrays are derived again."""
        for rid in moves:
            self._position(rid)
        responders = {
            rid: replace(r, base_lon=moves[rid][0], base_lat=moves[rid][1]) if rid in moves else r
            for rid, r in self.responders.items()
        }
        return FleetState(responders, self.status, self.catalog)

    def check_capability(self, capability: str) -> None:
        known = self._roster.capabilities | self.catalog
        if capability not in known:
            raise ValueError(f"capability {capability!r} is unknown{did_you_mean(capability, known)}")

    def available(self, capability: str) -> tuple[Responder, ...]:
        """Available responders with the capability, by id."""
        self.check_capability(capability)
        if capability not in self._roster.capabilities:
            return ()
        idx = np.flatnonzero(self._roster.has(capability) & self._available)
        return tuple(self._roster.responders[i] for i in idx)
