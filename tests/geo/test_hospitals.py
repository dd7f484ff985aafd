import pytest

from geo.fleet import FleetState, Responder
from geo.hospitals import load_surge_policy, route_casualties

YANJIAO = (116.81, 39.96)


def hospital(rid, province, adcode, lon, lat, beds, specialities=()):
    return Responder(
        rid, rid, "hospital", frozenset({"hospital_beds", "medical"}), 100, province, adcode, lon, lat,
        beds=beds, specialities=frozenset(specialities),
    )  # fmt: skip


@pytest.fixture(scope="module")
def fleet():
    return FleetState.initial(
        [
            hospital("h-sanhe", "130000", "131082", 116.85, 39.97, 400),  # near, no burns unit
            hospital("h-tongzhou", "110000", "110112", 116.70, 39.90, 1000, {"burns"}),  # across the border
            hospital("h-langfang", "130000", "131003", 116.70, 39.52, 800, {"burns"}),
        ]
    )


def test_nearest_first_then_overflow(fleet, roads):
    plan = route_casualties(fleet, roads, *YANJIAO, 27)
    assert [(h, n) for h, n, _ in plan] == [("h-sanhe", 20), ("h-tongzhou", 7)]  # 5 % of 400 beds, then Beijing
    plan = route_casualties(fleet, roads, *YANJIAO, 80)
    assert [(h, n) for h, n, _ in plan] == [("h-sanhe", 20), ("h-tongzhou", 50), ("h-langfang", 10)]
    times = [t for _, _, t in plan]
    assert times == sorted(times)


def test_burns_go_across_the_border_when_needed(fleet, roads):
    plan = route_casualties(fleet, roads, *YANJIAO, 15, speciality="burns")
    assert [p[0] for p in plan] == ["h-tongzhou", "h-langfang"]
    assert [p[1] for p in plan] == [10, 5]  # 1 % of 1000 burns beds, the rest to 廊坊


def test_occupied_beds_and_shortage(fleet, roads):
    plan = route_casualties(fleet, roads, *YANJIAO, 100, speciality="burns", occupied={"h-tongzhou": 10})
    assert [p[0] for p in plan] == ["h-langfang"]
    assert sum(n for _, n, _ in plan) == 8  # everyone is full after that: the caller sees the shortage


def test_bad_inputs(fleet, roads):
    with pytest.raises(ValueError, match=r"speciality='burn'.*did you mean 'burns'"):
        route_casualties(fleet, roads, *YANJIAO, 3, speciality="burn")
    with pytest.raises(ValueError, match="count=-1"):
        route_casualties(fleet, roads, *YANJIAO, -1)
    assert route_casualties(fleet, roads, *YANJIAO, 0) == ()


def test_surge_policy_from_data():
    policy = load_surge_policy()
    assert policy.room(400, None) == 20
    assert policy.room(10, None) == policy.min_surge


def test_route_injured_splits_burns_cases_by_the_incident_types_mix(fleet, roads):
    from geo.hospitals import route_injured

    policy = load_surge_policy()
    assert policy.casualty_mix["gas_explosion"] == {"burns": 0.3}
    plan, unplaced = route_injured(fleet, roads, *YANJIAO, 27, "gas_explosion", {}, policy)
    assert [(p.hospital_id, p.speciality, p.casualties) for p in plan] == [
        ("h-tongzhou", "burns", 8),
        ("h-sanhe", "", 19),
    ]
    assert unplaced == 0
    # occupied beds are keyed per speciality: burns beds taken do not fill general beds
    plan, _ = route_injured(
        fleet, roads, *YANJIAO, 10, "gas_explosion", {"h-tongzhou/burns": 10, "h-sanhe": 20}, policy
    )
    assert [(p.hospital_id, p.speciality, p.casualties) for p in plan] == [
        ("h-langfang", "burns", 3),
        ("h-tongzhou", "", 7),
    ]
    # an incident type without a mix: everyone to general beds
    plan, _ = route_injured(fleet, roads, *YANJIAO, 5, "building_collapse", {}, policy)
    assert [(p.hospital_id, p.speciality) for p in plan] == [("h-sanhe", "")]
    with pytest.raises(ValueError, match="injured=-1"):
        route_injured(fleet, roads, *YANJIAO, -1, "gas_explosion", {}, policy)


def test_only_out_of_service_hospitals_are_skipped(fleet, roads):
    busy = fleet.with_statuses({"h-sanhe": "assigned"})  # its medical team is out; its beds are not
    assert [h for h, _, _ in route_casualties(busy, roads, *YANJIAO, 5)] == ["h-sanhe"]
    closed = fleet.with_statuses({"h-sanhe": "out_of_service"})
    assert [h for h, _, _ in route_casualties(closed, roads, *YANJIAO, 5)] == ["h-tongzhou"]
