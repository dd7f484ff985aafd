"""The hazard register: sites with their substances, sensors and who answers for them; errors name file:line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ebrain.compose import Core
from geo.datafiles import LoadError
from playbooks.places import DATA_DIR, PlaybookPlaces


def test_a_chemical_park_has_its_substances_sensors_and_responsible(places: PlaybookPlaces) -> None:
    (nangang,) = [f for f in places.facilities["chemical_plant"] if f.name.startswith("天津南港")]
    assert nangang.hazard == "hazardous_chemicals" and nangang.reach_km == 3
    vcm = next(s for s in nangang.substances if s.en == "vinyl chloride")
    assert (vcm.cas, vcm.un, vcm.toxic, vcm.flammable) == ("75-01-4", "1086", True, True)
    assert vcm.cls == "flammable_toxic_gas"
    assert "LL-120116-GAS-000811" in nangang.sensors
    assert nangang.supervisor == "天津市滨海新区应急管理局" and nangang.operator
    assert places.downwind_km["toxic_gas"] > places.downwind_km["flammable_gas"]


def test_every_class_a_playbook_or_the_page_names_is_registered_with_a_hazard(places: PlaybookPlaces) -> None:
    for cls in ("chemical_plant", "gas_station", "underpass", "low_lying_community", "reservoir", "bridge", "school"):
        assert places.facilities[cls], cls
        assert all(f.hazard and f.reach_km > 0 for f in places.facilities[cls]), cls
    # every site says its basis: approximate public knowledge or synthetic
    for items in places.facilities.values():
        for f in items:
            assert "approximate" in f.source or "synthetic" in f.source or "public" in f.source, f.name


def _copy_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    return data


def test_a_site_missing_from_facilities_is_named_with_its_line_and_a_did_you_mean(core: Core, tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    text = (data / "hazards.yaml").read_text(encoding="utf-8")
    (data / "hazards.yaml").write_text(text.replace("  三河化工仓储 (synthetic):", "  三河化工仓 (synthetic):"))
    line = text.splitlines().index("  三河化工仓储 (synthetic):") + 1
    with pytest.raises(LoadError) as err:
        PlaybookPlaces.load(core.regions, data)
    assert err.value.line == line and err.value.file.endswith("hazards.yaml")
    assert "is not a site of facilities.csv; did you mean '三河化工仓储 (synthetic)'?" in str(err.value)


def test_a_bad_substance_field_is_named_with_its_line(core: Core, tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    text = (data / "hazards.yaml").read_text(encoding="utf-8")
    (data / "hazards.yaml").write_text(text.replace('un: "1086"', 'un: "10866"'))
    line = next(i for i, t in enumerate(text.splitlines(), 1) if 'un: "1086"' in t)
    with pytest.raises(LoadError) as err:
        PlaybookPlaces.load(core.regions, data)
    assert f"hazards.yaml:{line}:" in str(err.value) and "un" in str(err.value)
