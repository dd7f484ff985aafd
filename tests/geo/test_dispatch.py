import pytest

from geo.agreements import Agreements
from geo.closures import Closure
from geo.dispatch import DispatchPolicy, DispatchRequest, decide
from geo.fleet import FleetState, Responder, generate_fleet, load_capabilities
from geo.geodesy import haversine_km

YANJIAO = (116.81, 39.96)


@pytest.fixture(scope="module")
def policy():
    return DispatchPolicy.load()


def unit(rid, province, adcode, lon, lat, caps=("fire_suppression",)):
    return Responder(rid, rid, "fire_station", frozenset(caps), 20, province, adcode, lon, lat)


def fleet_of(*responders):
    return FleetState.initial(responders, load_capabilities().capabilities)


def test_nearest_by_road_is_not_nearest_by_straight_line(regions, roads, policy):
    # 涿鹿's southern mountains are closer to 天安门 as the crow flies than 天津 is, but far from any county
    # seat: by road 天津 (expressway between seats) wins.
    tianjin = unit("a-tianjin", "120000", "120101", 117.20, 39.12)
    zhuolu = unit("b-zhuolu", "130000", "130731", 115.348, 39.854)
    assert haversine_km(115.348, 39.854, 116.397, 39.909) < haversine_km(117.20, 39.12, 116.397, 39.909) - 15
    req = DispatchRequest("t1", "fire_suppression", 1, 116.397, 39.909, "110101")
    d = decide(req, fleet_of(tianjin, zhuolu), roads, regions, policy)
    assert [c.responder_id for c in d.chosen] == ["a-tianjin"]
    assert d.chosen[0].cross_border
    assert d.mutual_aid_needed == ("120000",)
    assert d.shortfall == 0


def test_yanjiao_tongzhou_beats_langfang_city(regions, roads, policy):
    tongzhou = unit("fs-tongzhou", "110000", "110112", 116.73, 39.88)
    langfang = unit("fs-langfang", "130000", "131003", 116.70, 39.52)
    req = DispatchRequest("gas-1", "fire_suppression", 1, *YANJIAO, "131082")
    d = decide(req, fleet_of(tongzhou, langfang), roads, regions, policy)
    assert [c.responder_id for c in d.chosen] == ["fs-tongzhou"]
    assert d.mutual_aid_needed == ("110000",)
    assert "北京市" in d.reason
    assert "faster" in d.reason


def test_yanjiao_with_the_generated_fleet(regions, roads, policy):
    fleet = fleet_of(*generate_fleet(regions))
    req = DispatchRequest("gas-1", "fire_suppression", 40, *YANJIAO, "131082")
    d = decide(req, fleet, roads, regions, policy)
    by_unit: dict[str, float] = {}
    for c in d.chosen:
        by_unit[c.adcode] = min(c.travel_s, by_unit.get(c.adcode, float("inf")))
    assert by_unit["110112"] < min(by_unit.get("131003", float("inf")), by_unit.get("131002", float("inf")))


def test_local_unit_kept_when_neighbour_is_not_materially_faster(regions, roads, policy):
    # A 三河 station 8 km out vs a 通州 one 4 km out: the neighbour is faster, but by less than 10 min.
    local = unit("fs-sanhe", "130000", "131082", 116.88, 39.99)
    near = unit("fs-tongzhou", "110000", "110112", 116.77, 39.94)
    req = DispatchRequest("t", "fire_suppression", 1, *YANJIAO, "131082")
    fleet = fleet_of(local, near)
    times = {c.responder_id: c.travel_s for c in decide(req, fleet, roads, regions, policy).chosen}
    assert list(times) == ["fs-sanhe"]
    both = decide(DispatchRequest("t", "fire_suppression", 2, *YANJIAO, "131082"), fleet, roads, regions, policy)
    assert both.chosen[1].responder_id == "fs-tongzhou"
    assert 0 < both.chosen[0].travel_s - both.chosen[1].travel_s < 600


def test_local_exhausted_asks_the_right_neighbour(regions, roads, policy):
    boat = ("water_rescue", "boat")
    local = unit("boat-zhuozhou", "130000", "130681", 115.97, 39.49, boat)
    fangshan = unit("boat-fangshan", "110000", "110111", 116.14, 39.73, boat)
    tianjin = unit("boat-tianjin", "120000", "120101", 117.20, 39.12, boat)
    fleet = fleet_of(local, fangshan, tianjin).with_status("boat-zhuozhou", "on_scene")
    req = DispatchRequest("flood-1", "boat", 1, 116.04, 39.56, "130681")
    d = decide(req, fleet, roads, regions, policy)
    assert [c.responder_id for c in d.chosen] == ["boat-fangshan"]
    assert d.mutual_aid_needed == ("110000",)
    assert "no more available boat" in d.reason


def test_shortfall_when_nobody_is_left(regions, roads, policy):
    fleet = fleet_of(unit("a", "130000", "130681", 115.97, 39.49), unit("b", "130000", "130681", 115.98, 39.48))
    d = decide(DispatchRequest("t", "fire_suppression", 3, 115.97, 39.49, "130681"), fleet, roads, regions, policy)
    assert len(d.chosen) == 2
    assert d.shortfall == 1
    assert "short by 1" in d.reason
    none = decide(DispatchRequest("t", "boat", 1, 115.97, 39.49, "130681"), fleet, roads, regions, policy)
    assert none.chosen == ()
    assert none.shortfall == 1


def test_only_lending_provinces_are_used(regions, roads, policy):
    only_tianjin = Agreements({("120000", "130000"): frozenset({"boat"})}, {}, 900_000, 600_000)
    strict = DispatchPolicy(policy.min_saving_s, policy.min_saving_share, only_tianjin)
    fangshan = unit("boat-fangshan", "110000", "110111", 116.14, 39.73, ("boat",))
    req = DispatchRequest("t", "boat", 1, 116.04, 39.56, "130681")
    d = decide(req, fleet_of(fangshan), roads, regions, strict)
    assert d.chosen == ()
    assert "天津市" in d.reason


def test_ties_break_by_id(regions, roads, policy):
    fleet = fleet_of(unit("b", "110000", "110101", 116.40, 39.90), unit("a", "110000", "110101", 116.40, 39.90))
    d = decide(DispatchRequest("t", "fire_suppression", 2, 116.41, 39.91, "110101"), fleet, roads, regions, policy)
    assert [c.responder_id for c in d.chosen] == ["a", "b"]


def test_a_closure_changes_the_route_and_the_choice(regions, roads, policy):
    tongzhou = unit("fs-tongzhou", "110000", "110112", 116.73, 39.88)
    sanhe = unit("fs-sanhe", "130000", "131082", 117.10, 39.95)
    fleet = fleet_of(tongzhou, sanhe)
    req = DispatchRequest("t", "fire_suppression", 1, *YANJIAO, "131082")
    assert decide(req, fleet, roads, regions, policy).chosen[0].responder_id == "fs-tongzhou"
    border = regions.shared_border("110112", "131082")
    closed = roads.with_closures([Closure("潮白河", "bridge_collapse", geometry=border)])
    after = decide(req, fleet, closed, regions, policy)
    assert after.chosen[0].responder_id == "fs-sanhe"
    assert closed.travel_time_s(116.73, 39.88, *YANJIAO) > roads.travel_time_s(116.73, 39.88, *YANJIAO)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"capability": "fire_supression"}, r"request.capability: .*did you mean 'fire_suppression'"),
        ({"lon": 121.47, "lat": 31.23}, r"request.lon/lat=\(121.47, 31.23\) is outside the theater"),
        ({"lon": float("nan")}, r"request.lon/lat=\(nan"),
        ({"count": 0}, r"request.count=0"),
        ({"adcode": "13068"}, r"request.adcode: .*'13068'.*did you mean"),
    ],
)
def test_bad_requests_fail_clearly_and_change_nothing(regions, roads, policy, change, message):
    fleet = fleet_of(unit("a", "130000", "130681", 115.97, 39.49))
    before = dict(fleet.status)
    fields = {"task_id": "t", "capability": "fire_suppression", "count": 1, "lon": 115.97, "lat": 39.49}
    req = DispatchRequest(**{**fields, "adcode": "130681", **change})
    with pytest.raises(ValueError, match=message):
        decide(req, fleet, roads, regions, policy)
    assert dict(fleet.status) == before
    good = DispatchRequest(**fields, adcode="130681")
    assert decide(good, fleet, roads, regions, policy).chosen[0].responder_id == "a"


def test_policy_thresholds_come_from_the_data_file(policy):
    assert policy.min_saving_s == 600
    assert policy.min_saving_share == pytest.approx(0.30)
    assert policy.materially_faster(2400, 1500)
    assert not policy.materially_faster(2400, 1900)  # 500 s saving
    assert not policy.materially_faster(4000, 3300)  # 700 s but only 17 %
