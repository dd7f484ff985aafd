from pathlib import Path

import pytest

from geo.datafiles import LoadError
from geo.regions import RegionIndex
from geo.stockpiles import ITEMS, load_stockpiles

BJ, TJ, HB = "110000", "120000", "130000"


def test_every_province_holds_depots_and_shelters_and_every_item():
    s = load_stockpiles()
    for province in (BJ, TJ, HB):
        assert s.depots_of(province) and s.shelters_of(province)
    for item in ITEMS:
        assert sum(s.stock_of(p, item) for p in (BJ, TJ, HB)) > 0, item
    assert s.consumable == {"sandbags", "medical_kits", "foam"}


def test_every_depot_and_shelter_lies_in_the_county_that_owns_it(regions: RegionIndex):
    s = load_stockpiles()
    for place in (*s.depots, *s.shelters):
        unit = regions.locate(place.lon, place.lat)
        assert unit is not None and unit.adcode == place.owner, (place.id, unit and unit.adcode)


def test_synthetic_places_say_so_and_beijing_parks_are_the_published_ones():
    s = load_stockpiles()
    assert all(d.synthetic for d in s.depots)
    assert {x.id for x in s.shelters if not x.synthetic} == {"BJ-S-YUANDADU", "BJ-S-CHAOYANG", "BJ-S-HAIDIAN"}


SHELTERS = "shelters:\n  - {id: S1, name: a, owner: '110105', lon: 116.4, lat: 39.9, type: long, capacity: 10}\n"


def write(tmp_path: Path, depots: str, shelters: str = SHELTERS) -> tuple[Path, Path]:
    (tmp_path / "d.yaml").write_text(depots, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(shelters, encoding="utf-8")
    return tmp_path / "d.yaml", tmp_path / "s.yaml"


@pytest.mark.parametrize(
    ("depots", "line", "message"),
    [
        ("depots:\n  - id: D1\n    name: a\n    owner: '110105'\n    lon: 116.4\n    lat: 39.9\n"
         "    stock: {tent: 3}\n", 7, "tent"),
        ("depots:\n  - id: D1\n    name: a\n    owner: '990105'\n    lon: 116.4\n    lat: 39.9\n"
         "    stock: {tents: 3}\n", 4, "not a county adcode"),
        ("depots:\n  - id: D1\n    name: a\n    owner: '110105'\n    lon: 16.4\n    lat: 39.9\n"
         "    stock: {tents: 3}\n", 5, "lon"),
        ("depots:\n  - id: D1\n    name: a\n    owner: '110105'\n    lon: 116.4\n    lat: 39.9\n"
         "    stock: {tents: -3}\n", 7, "must not be negative: tents=-3"),
    ],
)  # fmt: skip
def test_a_bad_depot_is_named_by_file_and_line(tmp_path: Path, depots: str, line: int, message: str):
    with pytest.raises(LoadError) as err:
        load_stockpiles(*write(tmp_path, depots))
    assert err.value.file.endswith("d.yaml") and err.value.line == line
    assert message in str(err.value)


def test_a_shelter_without_capacity_is_named_by_file_and_line(tmp_path: Path):
    depots = "depots: []\n"
    shelters = "shelters:\n  - id: S1\n    name: a\n    owner: '110105'\n    lon: 116.4\n    lat: 39.9\n"
    with pytest.raises(LoadError) as err:
        load_stockpiles(*write(tmp_path, depots, shelters))
    assert err.value.file.endswith("s.yaml") and err.value.line == 2 and "capacity" in str(err.value)
