"""Coverage: shares of hazards and population a team reaches in time, from a team × target time matrix."""

import csv

import numpy as np

from geo.coverage import Site, Target, coverage, load_population, load_readiness_rules, targets
from geo.datafiles import DATA_DIR
from geo.gazetteer import ADMIN_UNITS_CSV
from geo.regions import RegionIndex

HAZ = (Target("hazard", "a", "110106", 116.3, 39.88, 1.0), Target("hazard", "b", "110118", 116.98, 40.5, 1.0))
POP = (
    Target("population", "丰台区", "110106", 116.28, 39.86, 3.0),
    Target("population", "x", "110118", 116.8, 40.3, 1.0),
)


def test_a_target_is_covered_when_its_nearest_team_is_in_time() -> None:
    to = HAZ + POP
    times = np.array([[600.0, 4000.0, 700.0, 1500.0], [3000.0, 1700.0, 3000.0, 5000.0]])
    got = coverage(times, to, (15, 30))
    assert (got.hazards, got.population) == (2, 4)
    assert got.share("hazards_15") == 0.5 and got.share("hazards_30") == 1.0
    assert got.share("population_15") == 0.75 and got.share("population_30") == 1.0


def test_no_team_covers_nothing() -> None:
    got = coverage(np.zeros((0, 4)), HAZ + POP, (15, 30))
    assert got.share("hazards_30") == 0.0 and got.share("population_30") == 0.0


def test_targets_are_the_threatened_classes_inside_the_area_and_the_counties_with_figures(regions: RegionIndex) -> None:
    sites = (
        Site("underpass", "u", "110106", 116.3, 39.88),
        Site("chemical_plant", "c", "110106", 116.3, 39.88),
        Site("underpass", "far", "120101", 117.2, 39.1),
    )
    got = targets(("110106", "120101"), ("underpass",), sites, {"110106": 2019764}, regions)
    assert [(t.kind, t.name) for t in got] == [("hazard", "u"), ("hazard", "far"), ("population", "丰台区")]


def test_the_shipped_data_loads() -> None:
    rules = load_readiness_rules()
    assert rules.hazards["rainstorm"].capability == "water_rescue"
    population = load_population()
    assert sum(v for k, v in population.items() if k.startswith("11")) == 21_893_095  # Beijing, 7th census
    # 张家口's bulletin: 4,118,908 in all, of whom 257,331 + 16,915 + 6,592 in its development zone and two
    # management areas, which the bulletin lists apart from the 16 counties (so they count nowhere here)
    assert sum(v for k, v in population.items() if k.startswith("1307")) == 4_118_908 - 257_331 - 16_915 - 6_592
    # 石家庄's: 11,235,086, of whom 304,675 + 56,147 in its high-tech zone and chemical park, listed apart
    assert sum(v for k, v in population.items() if k.startswith("1301")) == 11_235_086 - 304_675 - 56_147


def test_every_population_row_names_a_theater_county_by_its_own_name(regions: RegionIndex) -> None:
    """A figure filed under the wrong adcode would be counted for another county: the name must match the code."""
    with ADMIN_UNITS_CSV.open(encoding="utf-8") as f:
        theater = {row["county"] for row in csv.DictReader(f)}
    with (DATA_DIR / "county_population.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    codes = [row["adcode"] for row in rows]
    assert len(codes) == len(set(codes)), "an adcode is listed twice"
    for row in rows:
        assert row["adcode"] in theater, f"{row['adcode']} {row['name']}: not a county of the theater"
        assert regions.unit(row["adcode"]).name == row["name"], f"{row['adcode']} is not {row['name']}"
        assert int(row["population"]) > 0 and row["source"].strip(), f"{row['adcode']}: no figure or no source"
