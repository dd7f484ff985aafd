"""Incidents near a registered hazard carry it, with a decision; a move away drops it."""

from __future__ import annotations

import re
from collections.abc import Callable

from ebrain.compose import Core
from playbooks.effects import DispatchEffect, MutualAidEffect, WarningEffect
from playbooks.hazards import nearby
from playbooks.places import PlaybookPlaces
from playbooks.plan import Playbook
from tests.playbooks.conftest import dry_run, effects_of, whats

CJK = re.compile(r"[\u4e00-\u9fff]")
NANGANG_GATE = {"province": "120000", "adcode": "120116", "lon": 117.546, "lat": 38.764}
FAR = {"province": "130000", "adcode": "130683", "lon": 115.95, "lat": 38.40}


def test_nearby_gives_the_sites_whose_reach_covers_the_point_nearest_first(places: PlaybookPlaces) -> None:
    found = nearby(places, *(NANGANG_GATE["lon"], NANGANG_GATE["lat"]))  # type: ignore[arg-type]
    assert [(h.cls, h.hazard) for h in found] == [("chemical_plant", "hazardous_chemicals")]
    assert found[0].name.startswith("天津南港") and found[0].km == 1.6
    assert nearby(places, 115.95, 38.40) == ()


def test_an_incident_at_a_plant_carries_it_with_a_decision(shipped: Callable[[str], Playbook]) -> None:
    at = {"at": "2024-06-01T10:00:00+08:00", "kind": "call:chemical", "source": "hotline", **NANGANG_GATE}
    dry = dry_run(shipped("hazmat_leak"), [at], "hazmat_leak")
    assert dry.incident is not None
    assert [h.cls for h in dry.incident.hazards] == ["chemical_plant"]
    assert "hazard chemical_plant: 天津南港工业区 (approximate site) 1.6 km" in whats(dry)
    far = {"at": "2024-06-01T10:00:00+08:00", "kind": "call:chemical", "source": "hotline", **FAR}
    dry = dry_run(shipped("hazmat_leak"), [far], "hazmat_leak")
    assert dry.incident is not None and dry.incident.hazards == ()
    assert not any(w.startswith("hazard") for w in whats(dry))


def test_at_facility_holds_only_for_an_incident_carrying_a_site_of_the_class(
    shipped: Callable[[str], Playbook],
) -> None:
    """A gas alarm at the registered plant, before ignition: shelter downwind; the same alarm elsewhere: none."""
    alarm = {"at": "2024-06-01T10:00:00+08:00", "kind": "sensor:gas_lel", "source": "sensor", "value": 12}
    dry = dry_run(shipped("gas_explosion"), [{**alarm, **NANGANG_GATE}], "gas_leak")
    (warning,) = effects_of(dry, WarningEffect)
    assert warning.downwind_of == (117.55, 38.75, 8.0)  # the plant, as far as chlorine reaches (toxic_gas)
    assert "就地避险" in warning.instruction and dry.incident is not None and dry.incident.stage == "before"
    assert "rule plant-alarm-shelter fired" in whats(dry)
    dry = dry_run(shipped("gas_explosion"), [{**alarm, **FAR}], "gas_leak")
    assert effects_of(dry, WarningEffect) == [] and "rule plant-alarm-shelter fired" not in whats(dry)


def test_an_explosion_at_a_plant_asks_the_other_regions_for_hazmat_teams_and_warns(
    shipped: Callable[[str], Playbook],
) -> None:
    at = {"at": "2024-06-01T10:00:00+08:00", "source": "agency", **NANGANG_GATE}
    for name, kind, signal in (
        ("gas_explosion", "gas_explosion", "report:explosion"),
        ("hazmat_leak", "hazmat_leak", "report:explosion"),
        ("fire", "fire", "report:fire"),
    ):
        blast = {**at, "kind": signal}
        dry = dry_run(shipped(name), [blast], kind)
        (aid,) = effects_of(dry, MutualAidEffect)
        assert aid.capability == "hazmat" and aid.count == 2
        assert any(d.capability == "hazmat" for d in effects_of(dry, DispatchEffect))
        assert [w.colour for w in effects_of(dry, WarningEffect)][-1] == "red"
        dry = dry_run(shipped(name), [{**blast, **FAR}], kind)
        assert effects_of(dry, MutualAidEffect) == []


def test_the_page_is_told_the_hazards_in_both_languages(core: Core) -> None:
    incident = {
        "id": "JINGJINJI-000001", "type": "hazmat_leak", "adcode": "120116", "adcodes": ["120116"],
        "provinces": ["120000"], "stage": "before", "playbook": "hazmat_leak",
        "hazards": [{"cls": "chemical_plant", "name": "天津南港工业区 (approximate site)", "hazard": "x", "km": 1.6}],
    }  # fmt: skip
    said = core.words.labels("incident", incident, brief=True)
    assert said["zh"]["hazards"] == "危化企业 天津南港工业区 (approximate site)"
    assert said["en"]["hazards"].startswith("chemical plant Tianjin")
    assert not CJK.search(said["en"]["hazards"])
    assert "hazards" not in core.words.labels("incident", {**incident, "hazards": []}, brief=True)["zh"]
