"""Events and sites, and an event's footprint: reports felt of a regional event are counted on it, sites link to it,
a far-reaching site's effects are sites of its event, and a blast heard far away opens nothing."""

from __future__ import annotations

import pytest

from playbooks.evidence import Signal
from streams.fusion import fuse
from streams.fusion.rules import FusionRules
from tests.streams.fusion.fuse_kit import at, sig

THEATER = "jingjinji"
NANGANG = (117.546, 38.764)  # a chemical plant's gate in 南港 (120116)


@pytest.fixture(scope="module")
def rules() -> FusionRules:
    return FusionRules.load()


def fused(rules: FusionRules, *signals: Signal) -> tuple[fuse.FusionState, list[fuse.Fused]]:
    state = fuse.FusionState()
    out = []
    for s in signals:
        state, f = fuse.step(state, rules, s, THEATER)
        out.append(f)
    return state, out


def call(kind: str, where: tuple[float, float], minutes: float, **attrs: str) -> Signal:
    topics = attrs.pop("topics", kind.split(":")[1])
    return sig(kind, where, minutes, province="120000", adcode="120116", topics=topics, **attrs)


def test_it_is_raining_hard_is_counted_on_the_rainstorm_and_a_flooded_place_is_its_site(rules: FusionRules) -> None:
    _, out = fused(
        rules,
        call("call:weather", at(0, 0), 0, precision="county", unit="120116", role="felt"),
        call("call:roof_leak", at(0, 0), 5, precision="county", unit="120116/海滨街道"),
    )
    event, site = out[0].incident, out[1].incident
    assert event is not None and site is not None
    assert (event.scale, event.type, site.scale) == ("event", "rainstorm", "site")
    assert site.event_id == event.id
    assert any(d.what == f"part of event {event.id}" for d in site.decisions)


def test_a_blast_heard_far_away_is_counted_on_the_release_event_and_opens_nothing(rules: FusionRules) -> None:
    far = at(0, -30, NANGANG)
    state, out = fused(
        rules,
        call("report:chemical_leak", NANGANG, 0),
        call("call:explosion", NANGANG, 1, topics="explosion", at_caller="yes"),
        call("call:explosion", far, 2, topics="explosion", role="remote", precision="county", unit="130983"),
        call("call:explosion", at(0, -200, NANGANG), 3, topics="explosion", role="remote"),  # out of reach
    )
    site, heard, too_far = out[1].incident, out[2].incident, out[3]
    assert site is not None and heard is not None and state.incidents[site.id].event_id == heard.id
    assert heard.scale == "event" and heard.type == "hazmat_release"
    assert too_far.incident is None
    assert sum(1 for i in state.incidents.values() if i.scale == "site") == 1


def test_effects_of_a_release_are_sites_of_its_event(rules: FusionRules) -> None:
    windows = at(-5, 20, NANGANG)
    smell = at(-20, -20, NANGANG)
    state, out = fused(
        rules,
        call("report:chemical_leak", NANGANG, 0),
        call("call:explosion", NANGANG, 1, topics="explosion", at_caller="yes"),
        call("call:explosion", windows, 3, precision="county", unit="120116/海滨街道", at_caller="yes"),
        call("call:explosion", windows, 4, precision="county", unit="120116/海滨街道", at_caller="yes"),
        call("call:chemical", smell, 30, precision="county", unit="130983/南排河镇"),
        call("call:chemical", smell, 31, precision="county", unit="120116/太平镇"),
    )
    damage, again, plume, plume_again = (f.incident for f in out[2:])
    assert damage is not None and again is not None and plume is not None and plume_again is not None
    assert (damage.type, again.id) == ("blast_damage", damage.id)  # one per street
    assert (plume.type, plume_again.id) == ("hazmat_plume", plume.id)  # one hazard area across units
    site = state.incidents[out[1].incident.id if out[1].incident else ""]
    assert damage.event_id == plume.event_id == site.event_id is not None


def test_a_call_speaking_only_of_the_weather_is_counted_on_the_rainstorm_not_on_a_site_of_its_village(
    rules: FusionRules,
) -> None:
    village = "120116/海滨街道/某村"
    state, out = fused(
        rules,
        call("call:weather", at(0, 0), 0, precision="county", unit="120116", role="felt"),
        call("call:flooding", at(0, 0), 5, precision="county", unit=village),
        call("call:other", at(0, 0), 10, precision="county", unit=village, role="felt", of_event="weather"),
        call("call:other", at(0, 0), 12, precision="county", unit=village, role="felt"),
    )
    event, site = out[0].incident, out[1].incident
    assert event is not None and site is not None
    assert out[2].incident is not None and out[2].incident.id == event.id  # 雷声太大了: the event's
    assert out[3].incident is not None and out[3].incident.id == site.id  # a neighbour asking: the site's
    assert state.incidents[site.id].count(("call:other",)) == 1


def test_a_fear_with_no_event_open_joins_nothing(rules: FusionRules) -> None:
    village = "120116/海滨街道/某村"
    _, out = fused(
        rules,
        call("call:flooding", at(0, 0), 0, precision="county", unit=village),
        call("call:other", at(0, 0), 5, precision="county", unit=village, role="felt", of_event="feared"),
    )
    assert out[1].incident is None


def test_a_person_stuck_in_a_lift_is_not_attached_to_a_site_nearby(rules: FusionRules) -> None:
    _, out = fused(
        rules,
        call("call:flooding", at(0, 0), 0, precision="gps"),
        call("call:trapped", at(0.3, 0), 5, precision="gps", everyday="yes"),
        call("call:trapped", at(0.3, 0), 6, precision="gps"),
    )
    assert out[1].incident is None
    assert out[2].incident is not None and out[0].incident is not None and out[2].incident.id == out[0].incident.id


def test_someone_trapped_at_the_landmark_of_a_site_joins_it_however_far_the_points_lie(rules: FusionRules) -> None:
    """The agency's fix of a hospital and the landmark table's point for it may lie kilometres apart."""
    _, out = fused(
        rules,
        call("call:fire", at(0, 0), 0, precision="gps", unit="place:某医院"),
        call("call:trapped", at(0, -3), 5, precision="place", unit="place:某医院"),
    )
    assert out[0].incident is not None and out[1].incident is not None
    assert out[1].incident.id == out[0].incident.id


def test_a_fire_seen_from_afar_by_a_caller_located_only_to_the_county_is_the_larger_one(rules: FusionRules) -> None:
    small = [call("call:fire", at(-2, 0), 0, precision="gps")]
    large = [call("call:fire", at(3, 0), m, precision="gps") for m in (1, 2, 3)]
    seen = call("call:fire", at(0, 0), 10, precision="county", unit="120116", role="remote", spread_km="20")
    _, out = fused(rules, *small, *large, seen)
    assert out[-1].incident is not None and out[1].incident is not None
    assert out[-1].incident.id == out[1].incident.id  # not the nearer, smaller one


def test_a_street_s_leak_queue_stays_one_while_its_storm_goes_on(rules: FusionRules) -> None:
    """A day without a leak call in the street does not end its queue while the rainstorm it is part of goes on;
    a county's queue of calls naming no street does end (a day's work list)."""
    street = "120116/海滨街道"
    rain = [
        call("call:weather", at(0, 0), m * 60, precision="county", unit="120116", role="felt") for m in range(0, 60, 6)
    ]
    first = call("call:roof_leak", at(0, 0), 1, precision="county", unit=street)
    later = call("call:roof_leak", at(0, 0), 50 * 60, precision="county", unit=street)
    county_first = call("call:roof_leak", at(0, 0), 2, precision="county", unit="120116")
    county_later = call("call:roof_leak", at(0, 0), 50 * 60, precision="county", unit="120116")
    signals = sorted([*rain, first, later, county_first, county_later], key=lambda s: s.at_ms)
    state, _ = fused(rules, *signals)
    assert state.ledger is None
    queues = [i for i in state.incidents.values() if i.type == "roof_leak_cluster"]
    in_street = [i for i in queues if f"unit:{street}" in i.place_keys]
    in_county = [i for i in queues if "unit:120116" in i.place_keys]
    assert len(in_street) == 1 and in_street[0].count(("call:roof_leak",)) == 2
    assert len(in_county) == 2


def test_an_address_called_in_again_keeps_its_county_queue_while_the_storm_goes_on(rules: FusionRules) -> None:
    """An address placed only at its county (a road the gazetteer does not know) called in again a day later, while
    the storm goes on, is the same place: it joins the queue it first went to; another address does not."""
    rain = [
        call("call:weather", at(0, 0), m * 60, precision="county", unit="120116", role="felt") for m in range(0, 60, 6)
    ]
    leak = "roof_leak"
    first = call(f"call:{leak}", at(0, 0), 2, precision="county", unit="120116", place_key="滨海新区某某路3号")
    again = call(f"call:{leak}", at(0, 0), 50 * 60, precision="county", unit="120116", place_key="滨海新区某某路3号")
    other = call(f"call:{leak}", at(0, 0), 50 * 60 - 1, precision="county", unit="120116", place_key="滨海新区别的路")
    signals = sorted([*rain, first, again, other], key=lambda s: s.at_ms)
    _, out = fused(rules, *signals)
    joined = {s.signal_id: f.incident.id for s, f in zip(signals, out, strict=True) if f.incident is not None}
    assert joined[again.signal_id] == joined[first.signal_id]
    assert joined[other.signal_id] != joined[first.signal_id]  # a day's work list of other addresses is new


def quake_call(kind: str, minutes: float, unit: str, **attrs: str) -> Signal:
    topics = attrs.pop("topics", kind.split(":")[1])
    where = at(0, 0)
    return sig(kind, where, minutes, "county", "130000", "130204", unit=unit, topics=topics, **attrs)


def test_people_hurt_in_a_township_in_an_earthquake_are_its_casualty_queue_not_a_collapse(rules: FusionRules) -> None:
    _, out = fused(
        rules,
        sig("report:earthquake", at(0, 0), 0, province="130000", adcode="130204"),
        quake_call("call:collapse", 2, "130204/卑家店镇/卑家店村"),
        quake_call("call:injured", 3, "130204/卑家店镇"),  # hurt running out: nothing says where in the township
        quake_call("call:injured", 4, "130204/卑家店镇"),
        quake_call("call:injured", 5, "130204/卑家店镇/卑家店村"),  # hurt in the village of the collapse: its
    )
    event, collapse, queue = (out[i].incident for i in range(3))
    assert event is not None and collapse is not None and queue is not None
    assert (queue.type, queue.event_id) == ("casualty_queue", event.id)
    assert out[3].incident is not None and out[3].incident.id == queue.id
    assert out[4].incident is not None and out[4].incident.id == collapse.id


def test_without_an_event_a_hurt_caller_still_joins_the_site_of_the_township(rules: FusionRules) -> None:
    _, out = fused(
        rules,
        quake_call("call:collapse", 2, "130204/卑家店镇/卑家店村"),
        quake_call("call:injured", 3, "130204/卑家店镇"),
    )
    assert [f.incident.type for f in out if f.incident] == ["building_collapse", "building_collapse"]


def test_a_collapse_named_first_by_its_township_then_by_its_village_is_one_site(rules: FusionRules) -> None:
    _, out = fused(
        rules,
        quake_call("call:collapse", 0, "130284/榛子镇"),
        quake_call("call:collapse", 1, "130284/榛子镇/第一镇村"),
        quake_call("call:collapse", 2, "130284/榛子镇/第一镇村"),
        quake_call("call:collapse", 3, "130284/榛子镇/另一村"),  # another village: another site
    )
    ids = [f.incident.id if f.incident else "" for f in out]
    assert ids[0] == ids[1] == ids[2] != ids[3]


def test_an_agency_fix_naming_a_village_joins_the_address_only_site_of_that_village(rules: FusionRules) -> None:
    village = "130284/榛子镇/第一镇村"
    fix = sig("report:building_collapse", at(3, 4), 5, "gps", "130000", "130204", unit=village)
    _, out = fused(rules, quake_call("call:collapse", 0, village), quake_call("call:collapse", 1, village), fix)
    assert len({f.incident.id for f in out if f.incident}) == 1
