from collections import Counter
from pathlib import Path

import pytest

from geo.fleet import FleetState, Responder, generate_fleet, load_capabilities, load_fleet_spec


@pytest.fixture(scope="module")
def fleet(regions):
    return generate_fleet(regions)


def test_every_county_has_a_fire_station_and_records_are_synthetic(regions, fleet):
    stations = {r.home_adcode for r in fleet if r.kind == "fire_station"}
    assert stations == {u.adcode for u in regions.units}
    assert all(r.synthetic for r in fleet)
    assert 1_500 < len(fleet) < 6_000


def test_fleet_is_seeded_and_inside_home_units(regions, fleet):
    assert generate_fleet(regions, seed=7) == fleet
    assert generate_fleet(regions, seed=8) != fleet
    for r in fleet[::37]:
        unit = regions.locate(r.base_lon, r.base_lat)
        assert unit is not None
        assert unit.adcode == r.home_adcode
        assert r.home_province == unit.province_adcode


def test_kinds_capabilities_and_hospitals(fleet):
    catalog = load_capabilities()
    kinds = Counter(r.kind for r in fleet)
    assert set(kinds) == set(catalog.kinds)
    assert all(set(catalog.kinds[r.kind]) <= r.capabilities for r in fleet)
    assert all(r.capabilities <= set(catalog.capabilities) for r in fleet)
    boats = [r for r in fleet if "boat" in r.capabilities]
    assert boats and all(r.kind == "rescue_team" and "water_rescue" in r.capabilities for r in boats)
    hospitals = [r for r in fleet if r.kind == "hospital"]
    assert all(r.beds > 0 for r in hospitals)
    assert any("burns" in r.specialities for r in hospitals)
    assert all(r.beds == 0 for r in fleet if r.kind != "hospital")


def test_larger_and_city_units_get_more(regions, fleet):
    per_unit = Counter(r.home_adcode for r in fleet if r.kind == "fire_station")
    # 围场 is one of the largest counties (≈ 9,000 km²); 东城区 is a small city district
    assert per_unit["130828"] > per_unit["130181"]  # 围场 vs 辛集 (a small plains county)
    assert per_unit["110101"] >= 2


def test_scale_reaches_bench_size(regions, fleet):
    big = generate_fleet(regions, scale=2.0)
    assert len(big) >= 5_000
    assert len(big) > 1.6 * len(fleet)
    with pytest.raises(ValueError, match="scale=0"):
        generate_fleet(regions, scale=0)


def test_bad_fleet_file_names_file_and_line(tmp_path: Path):
    path = tmp_path / "fleet.yaml"
    path.write_text("kinds:\n  fire_station:\n    name: x\n    base: lots\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"fleet.yaml:4: kinds.fire_station.base"):
        load_fleet_spec(path)


def _r(rid: str, caps: set[str]) -> Responder:
    return Responder(rid, rid, "fire_station", frozenset(caps), 20, "110000", "110101", 116.4, 39.9)


def test_fleet_state_is_immutable_and_checks_ids_and_statuses():
    state = FleetState.initial([_r("a", {"fire_suppression"}), _r("b", {"fire_suppression"})])
    after = state.with_status("a", "en_route")
    assert state.status_of("a") == "available"
    assert after.status_of("a") == "en_route"
    assert [r.id for r in after.available("fire_suppression")] == ["b"]
    assert [r.id for r in state.available("fire_suppression")] == ["a", "b"]
    with pytest.raises(KeyError, match=r"'c'"):
        state.with_status("c", "assigned")
    with pytest.raises(ValueError, match=r"'enroute'.*did you mean 'en_route'"):
        state.with_status("a", "enroute")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        state.status["a"] = "assigned"  # type: ignore[index]
    with pytest.raises(ValueError, match="duplicate responder id 'a'"):
        FleetState.initial([_r("a", set()), _r("a", set())])


def test_available_rejects_unknown_capability_but_allows_catalogued_ones():
    state = FleetState.initial([_r("a", {"fire_suppression"})], catalog={"boat"})
    assert state.available("boat") == ()
    with pytest.raises(ValueError, match=r"'fire_supression'.*did you mean 'fire_suppression'"):
        state.available("fire_supression")


def test_with_statuses_is_all_or_nothing():
    state = FleetState.initial([_r("a", {"fire_suppression"}), _r("b", {"fire_suppression"})])
    with pytest.raises(KeyError):
        state.with_statuses({"a": "assigned", "zz": "assigned"})
    assert state.status_of("a") == "available"
