"""The hazard register (风险隐患登记): what each registered site holds that can hurt people, who watches it and who
answers for it, read from `playbooks/data/hazards.yaml` onto the sites of `facilities.csv`.

Per facility class: the hazard class and the reach (how near an incident must lie to carry the site); a class
the register does not list is no hazard. Per site: its hazardous substances (name, CAS and UN numbers, toxic or
flammable, substance class, amount class), the sensors that watch it, the operator and the supervising agency.
Per substance class: how far downwind people are told to shelter. A site the register names that
`facilities.csv` does not has a did-you-mean; every error names the file and line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pydantic

from geo.datafiles import LoadError, StrictModel, line_of, load_yaml, load_yaml_model
from geo.names import did_you_mean

if TYPE_CHECKING:
    from playbooks.places import Facility

AMOUNT_CLASSES = ("major_hazard_1", "major_hazard_2", "major_hazard_3", "major_hazard_4")  # GB 18218 一级 … 四级


@dataclass(frozen=True)
class Substance:
    name: str  # Chinese
    en: str
    cas: str
    un: str
    cls: str  # substance class: toxic_gas, flammable_gas, …
    toxic: bool
    flammable: bool
    amount: str  # a major-hazard grade (AMOUNT_CLASSES)


@dataclass(frozen=True)
class Register:
    facilities: dict[str, tuple[Facility, ...]]  # by class, each site with its register entry
    downwind_km: dict[str, float]  # substance class → shelter-in-place reach downwind


class _ClassSpec(StrictModel):
    hazard: Annotated[str, pydantic.Field(min_length=1)]
    reach_km: Annotated[float, pydantic.Field(gt=0, le=50)]


class _SubstanceClass(StrictModel):
    downwind_km: Annotated[float, pydantic.Field(gt=0, le=100)]


class _Substance(StrictModel):
    name: str
    en: str
    cas: Annotated[str, pydantic.Field(pattern=r"^[0-9]{2,7}-[0-9]{2}-[0-9]$")]
    un: Annotated[str, pydantic.Field(pattern=r"^[0-9]{4}$")]
    class_: str = pydantic.Field(alias="class")
    toxic: bool
    flammable: bool
    amount: str


class _Sensor(StrictModel):
    id: Annotated[str, pydantic.Field(pattern=r"^LL-[1-9][0-9]{5}-[A-Z]{2,6}-[0-9A-Za-z]{1,16}$")]
    basis: Annotated[str, pydantic.Field(min_length=1)]  # "synthetic", or the scenario that uses the device


class _Site(StrictModel):
    substances: list[_Substance] = pydantic.Field(default_factory=list)
    sensors: list[_Sensor] = pydantic.Field(default_factory=list)
    operator: Annotated[str, pydantic.Field(min_length=1)]
    supervisor: Annotated[str, pydantic.Field(min_length=1)]


class _Register(StrictModel):
    classes: dict[str, _ClassSpec]
    substance_classes: dict[str, _SubstanceClass]
    sites: dict[str, _Site]


def load_register(path: Path, facilities: Mapping[str, tuple[Facility, ...]]) -> Register:
    """The facilities with their hazard class, reach, substances, sensors and who is responsible."""
    file = str(path)
    model = load_yaml_model(_Register, path)
    doc = load_yaml(path)
    names = {f.name: f for items in facilities.values() for f in items}
    for name, site in model.sites.items():
        line = line_of(doc["sites"], name)
        if name not in names:
            raise LoadError(file, line, f"sites: {name!r} is not a site of facilities.csv{did_you_mean(name, names)}")
        if names[name].cls not in model.classes:
            raise LoadError(file, line, f"sites.{name}: its class {names[name].cls!r} is not under classes")
        for s in site.substances:
            if s.class_ not in model.substance_classes:
                hint = did_you_mean(s.class_, model.substance_classes)
                raise LoadError(file, line, f"sites.{name}: substance {s.name}: class {s.class_!r} is unknown{hint}")
            if s.amount not in AMOUNT_CLASSES:
                hint = did_you_mean(s.amount, AMOUNT_CLASSES)
                raise LoadError(file, line, f"sites.{name}: substance {s.name}: amount {s.amount!r} is unknown{hint}")
    enriched: dict[str, tuple[Facility, ...]] = {}
    for cls, items in facilities.items():
        spec = model.classes.get(cls)
        enriched[cls] = tuple(_enriched(f, spec, model.sites.get(f.name)) for f in items)
    return Register(enriched, {name: c.downwind_km for name, c in model.substance_classes.items()})


def _enriched(facility: Facility, spec: _ClassSpec | None, site: _Site | None) -> Facility:
    if spec is None:
        return facility
    if site is None:
        return replace(facility, hazard=spec.hazard, reach_km=spec.reach_km)
    substances = tuple(
        Substance(s.name, s.en, s.cas, s.un, s.class_, s.toxic, s.flammable, s.amount) for s in site.substances
    )
    return replace(
        facility,
        hazard=spec.hazard,
        reach_km=spec.reach_km,
        substances=substances,
        sensors=tuple(s.id for s in site.sensors),
        operator=site.operator,
        supervisor=site.supervisor,
    )
