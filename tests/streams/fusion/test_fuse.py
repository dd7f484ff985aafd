"""Fusion of signals into incidents: compatibility, reach by location precision, keys, borders, identity."""

from __future__ import annotations

import pytest

from playbooks.evidence import Signal
from streams.fusion import fuse
from streams.fusion.merge import distance_km
from streams.fusion.rules import FusionRules
from tests.streams.fusion.fuse_kit import MIN, T0, YANJIAO, at, sig

THEATER = "jingjinji"


@pytest.fixture(scope="module")
def rules() -> FusionRules:
    return FusionRules.load()


def run(rules: FusionRules, *signals: Signal) -> tuple[fuse.FusionState, list[fuse.Fused]]:
    state = fuse.FusionState()
    return state, [fuse.step(state, rules, s, THEATER)[1] for s in signals]


def open_ids(state: fuse.FusionState) -> list[str]:
    return sorted(i for i, inc in state.incidents.items() if inc.status == "open")


def test_a_gas_alarm_a_smell_call_and_a_fire_report_nearby_are_one_incident(rules: FusionRules) -> None:
    state, fused = run(
        rules,
        sig("call:gas_smell", at(0.3, 0.2), precision="place", place_key="小张各庄"),
        sig("sensor:gas_lel", at(0.1, 0.0), minutes=4),
        sig("report:fire", at(-0.4, 0.3), minutes=14),
    )
    assert open_ids(state) == ["JINGJINJI-000001"]
    assert fused[0].opened and not fused[1].opened
    incident = state.incidents["JINGJINJI-000001"]
    assert incident.type == "gas_leak" and incident.evidence_count == 3
    # a sensor confirming a call raises the confidence, and says so in the audit trail
    confirmed = [d for d in incident.decisions if d.what.startswith("confirmed by")]
    assert [d.what for d in confirmed] == ["confirmed by sensor", "confirmed by agency"]
    assert fused[0].incident is not None and fused[1].incident is not None
    assert fused[1].incident.confidence > fused[0].incident.confidence


def test_an_explosion_upgrades_the_leak_and_keeps_its_id(rules: FusionRules) -> None:
    state, fused = run(rules, sig("sensor:gas_lel"), sig("call:explosion", at(0.5, 0), minutes=10))
    assert [f.incident.id for f in fused if f.incident] == ["JINGJINJI-000001"] * 2
    incident = state.incidents["JINGJINJI-000001"]
    assert incident.type == "gas_explosion"
    assert "type gas_leak→gas_explosion" in [d.what for d in incident.decisions]


def test_a_gas_alarm_at_a_reported_collapse_makes_it_a_gas_incident(rules: FusionRules) -> None:
    state, _ = run(rules, sig("report:building_collapse"), sig("sensor:gas_lel", at(1.2, 0), minutes=5))
    assert open_ids(state) == ["JINGJINJI-000001"]
    incident = state.incidents["JINGJINJI-000001"]
    assert (incident.family, incident.type) == ("gas", "gas_leak")


def test_a_roof_leak_call_is_not_part_of_a_flood_rescue(rules: FusionRules) -> None:
    state, _ = run(rules, sig("report:village_flooded"), sig("call:roof_leak", at(0.2, 0), minutes=5))
    assert len(open_ids(state)) == 2
    assert {state.incidents[i].type for i in open_ids(state)} == {"flood_rescue", "roof_leak_cluster"}


def test_water_in_the_home_from_the_street_or_the_roof_is_that_matter_not_a_flood(rules: FusionRules) -> None:
    def call(minutes: float, topics: str) -> Signal:
        unit = "110101/天坛街道"
        return sig("call:flooding", YANJIAO, minutes, "county", "110000", "110101", unit=unit, topics=topics)

    cellar, lane, roof = call(0, "flooding"), call(5, "flooding,waterlogging"), call(9, "flooding,roof_leak")
    state, fused = run(rules, cellar, lane, roof)
    assert [rules.home_of(s) for s in (cellar, lane, roof)] == ["flood", "waterlogging", "roof_leak"]
    assert [state.incidents[f.incident.id].type for f in fused if f.incident] == [
        "flood_rescue",
        "waterlogging",
        "roof_leak_cluster",
    ]


def test_a_fire_far_from_the_leak_is_its_own_incident(rules: FusionRules) -> None:
    state, _ = run(rules, sig("sensor:gas_lel"), sig("call:fire", at(3.0, 0), minutes=5))
    assert [state.incidents[i].type for i in open_ids(state)] == ["gas_leak", "fire"]


def test_reach_widens_with_how_inexactly_a_call_was_located(rules: FusionRules) -> None:
    # 3 km away: beyond the gas radius for a GPS fix, within it for a call located at a town centre
    gps_state, _ = run(rules, sig("sensor:gas_lel"), sig("call:gas_smell", at(3.0, 0), minutes=1))
    town_state, _ = run(rules, sig("sensor:gas_lel"), sig("call:gas_smell", at(3.0, 0), minutes=1, precision="town"))
    assert len(open_ids(gps_state)) == 2
    assert len(open_ids(town_state)) == 1


def test_address_only_calls_aggregate_by_their_administrative_unit(rules: FusionRules) -> None:
    # located only to a county (its label point), a call is matched by the unit its address names, never by distance
    first = sig("call:gas_smell", at(0, 0), precision="county", unit="131082/燕郊镇/小张各庄村", topics="gas_smell")
    again = sig(
        "call:gas_smell", at(0, 0), minutes=30, precision="county", unit="131082/燕郊镇/小张各庄村", topics="gas_smell"
    )
    other = sig(
        "call:gas_smell", at(0, 0), minutes=30, precision="county", unit="131082/燕郊镇/另一村", topics="gas_smell"
    )
    state, fused = run(rules, first, again, other)
    assert [f.incident.id for f in fused if f.incident] == ["JINGJINJI-000001", "JINGJINJI-000001", "JINGJINJI-000002"]
    assert state.incidents["JINGJINJI-000001"].evidence_count == 2


def test_a_call_located_only_to_its_county_never_joins_a_point_incident_by_distance(rules: FusionRules) -> None:
    # the county's label point is 0.2 km from the leak: still no proof that the call is about it
    _, fused = run(
        rules,
        sig("sensor:gas_lel"),
        sig("call:gas_smell", at(0.2, 0), minutes=5, precision="county", unit="131082", topics="gas_smell"),
    )
    assert [f.incident.id for f in fused if f.incident] == ["JINGJINJI-000001", "JINGJINJI-000002"]


def test_a_call_naming_the_community_of_a_site_joins_it(rules: FusionRules) -> None:
    unit = "131082/燕郊镇/小张各庄社区"
    _, fused = run(
        rules,
        sig("report:explosion", unit=unit),  # the fire brigade's position, its address naming the community
        sig("call:gas_smell", at(0, 20), minutes=5, precision="county", unit=unit, topics="gas_smell"),
        sig("call:other", at(0, 20), minutes=9, precision="county", unit=unit, topics="other", role="felt"),
    )
    assert [f.incident.id for f in fused if f.incident] == ["JINGJINJI-000001"] * 3


def test_evidence_after_the_window_opens_a_new_incident(rules: FusionRules) -> None:
    window_min = rules.families["gas"].window_ms // MIN
    state, _ = run(rules, sig("sensor:gas_lel"), sig("sensor:gas_lel", minutes=window_min + 1))
    assert len(open_ids(state)) == 2


def test_roof_leak_calls_cluster_by_unit_not_by_distance(rules: FusionRules) -> None:
    calls = [
        sig("call:roof_leak", at(i % 7 * 2.0, i % 5 * 2.0), minutes=i, adcode="110111", unit="110111/良乡镇/某村")
        for i in range(40)
    ]
    calls.append(sig("call:roof_leak", at(30, 0), minutes=41, adcode="110109", unit="110109"))
    state, _ = run(rules, *calls)
    by_unit = {state.incidents[i].adcode: state.incidents[i].evidence_count for i in open_ids(state)}
    assert by_unit == {"110111": 40, "110109": 1}  # a street's queue takes its villages' calls


def test_an_incident_across_the_border_is_one_and_lists_every_region(rules: FusionRules) -> None:
    tongzhou = at(-1.0, 0.2)  # across the 潮白河 in Beijing's 通州
    state, _ = run(
        rules,
        sig("call:explosion", precision="place", hotline="130000"),
        sig("call:explosion", at(0.2, 0), minutes=1, precision="place", hotline="110000"),
        sig("sensor:gas_lel", tongzhou, minutes=2, province="110000", adcode="110112"),
    )
    assert open_ids(state) == ["JINGJINJI-000001"]
    incident = state.incidents["JINGJINJI-000001"]
    assert incident.province == "130000"  # owned where the first evidence was
    assert incident.provinces == ("130000", "110000")
    assert set(incident.adcodes) == {"131082", "110112"}
    assert [d.what for d in incident.decisions if d.what.startswith("crosses")] == ["crosses into 110000"]


def test_a_precise_signal_moves_a_coarse_incident_and_splits_off_what_no_longer_fits(rules: FusionRules) -> None:
    town_call = sig("call:gas_smell", (116.80, 39.95), precision="town", place_key="燕郊镇")
    place_call = sig("call:gas_smell", at(-4.0, 0, (116.80, 39.95)), minutes=1, precision="place", place_key="某村")
    sensor = sig("sensor:gas_lel", at(-4.2, 0, (116.80, 39.95)), minutes=2)
    state, fused = run(rules, town_call, place_call, sensor)
    located = fused[2]
    assert located.incident is not None and located.incident.id == "JINGJINJI-000001"
    assert (located.incident.lon, located.incident.lat) == (sensor.lon, sensor.lat)
    assert located.split == ("JINGJINJI-000002",)
    new = state.incidents["JINGJINJI-000002"]
    assert [e.signal_id for e in new.evidence] == [town_call.signal_id]
    assert new.decisions[0].what == "split from JINGJINJI-000001"
    original = state.incidents["JINGJINJI-000001"]
    assert "split JINGJINJI-000002 off" in [d.what for d in original.decisions]
    assert original.evidence_count == 2


def test_a_keyed_call_that_moves_an_incident_next_to_another_merges_them(rules: FusionRules) -> None:
    town = (116.80, 39.95)
    coarse = sig("call:gas_smell", town, precision="town", place_key="K")
    sensor = sig("sensor:gas_lel", at(5.0, 0, town), minutes=1)
    keyed = sig("call:gas_smell", at(4.2, 0, town), minutes=2, precision="place", place_key="K")
    state, fused = run(rules, coarse, sensor, keyed)
    assert fused[1].opened  # 5 km is beyond the reach of a town-located call
    result = fused[2]
    assert result.incident is not None and result.incident.id == "JINGJINJI-000001"
    assert result.merged == ("JINGJINJI-000002",)
    merged = state.incidents["JINGJINJI-000002"]
    assert (merged.status, merged.merged_into) == ("merged", "JINGJINJI-000001")
    assert sensor.signal_id in [e.signal_id for e in state.incidents["JINGJINJI-000001"].evidence]
    # the town call still fits the new location (4.2 km from a town centre located within 2.5 km)
    assert open_ids(state) == ["JINGJINJI-000001"]
    assert state.incidents["JINGJINJI-000001"].evidence_count == 3


def test_operator_merge_and_split_keep_ids_and_audit(rules: FusionRules) -> None:
    state, _ = run(rules, sig("sensor:gas_lel"), sig("call:gas_smell", at(5, 0), minutes=3))
    survivor, gone = fuse.merge(
        state, rules, "JINGJINJI-000001", "JINGJINJI-000002", T0 + 5 * MIN, "operator:x", "same leak"
    )
    assert (gone.status, gone.merged_into) == ("merged", survivor.id)
    assert survivor.evidence_count == 2 and survivor.decisions[-1].reason == "same leak"
    call_id = [e.signal_id for e in survivor.evidence if e.kind == "call:gas_smell"]
    remaining, new = fuse.split(
        state, rules, survivor.id, tuple(call_id), T0 + 9 * MIN, "operator:x", "two leaks", THEATER
    )
    assert new.id == "JINGJINJI-000003"  # ids are never reused
    assert remaining.counts == (("sensor:gas_lel", 1),) and new.counts == (("call:gas_smell", 1),)
    assert fuse.kept_apart(new, remaining)
    with pytest.raises(ValueError, match="some but not all"):
        fuse.split(state, rules, new.id, (call_id[0],), T0, "operator:x", "", THEATER)


def test_the_index_is_rebuilt_from_the_incidents(rules: FusionRules) -> None:
    signals = [sig("sensor:gas_lel", at(i * 2.0, (i % 3) * 2.0), minutes=i) for i in range(30)]
    state, _ = run(rules, *signals)
    rebuilt = fuse.FusionState.rebuild(list(state.incidents.values()), state.next_number)
    assert rebuilt.index(rules).grids == state.index(rules).grids
    assert rebuilt.index(rules).rank == state.index(rules).rank
    probe = sig("call:gas_smell", at(20.3, 0.1), minutes=31, precision="place")
    assert fuse.find_match(rebuilt, rules, probe, "gas") == fuse.find_match(state, rules, probe, "gas")


def test_the_grid_finds_exactly_what_a_scan_finds(rules: FusionRules) -> None:
    # many incidents across the theater; every probe must match what a linear scan over them would choose
    state = fuse.FusionState()
    for i in range(400):
        fuse.step(
            state, rules, sig("sensor:gas_lel", (115.0 + (i * 37 % 400) / 100, 38.5 + (i * 91 % 300) / 100)), THEATER
        )
    for j in range(200):
        probe = sig("call:gas_smell", (115.0 + (j * 53 % 400) / 100, 38.5 + (j * 29 % 300) / 100), precision="town")
        reach = 1.5 + rules.precision_km["town"]
        near = [
            (distance_km(probe.lon or 0, probe.lat or 0, inc.lon, inc.lat), inc.id) for inc in state.incidents.values()
        ]
        expected = min((n for n in near if n[0] <= reach), default=None)
        found = fuse.find_match(state, rules, probe, "gas")
        assert (found.id if found else None) == (expected[1] if expected else None)
