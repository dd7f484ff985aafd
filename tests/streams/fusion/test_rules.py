"""The fusion rules file: a family, an event or an effect that names something unknown fails with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.datafiles import LoadError
from streams.fusion.rules import FusionRules

SHIPPED = Path(__file__).resolve().parents[3] / "streams" / "data" / "fusion.yaml"


def edited(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "fusion.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_shipped_rules_name_their_events_sites_and_effects() -> None:
    rules = FusionRules.load()
    assert rules.families["rain"].scale == "event" and "roof_leak" in rules.families["rain"].sites
    assert rules.families["chemical"].event == "release"
    assert {e.opens for e in rules.families["chemical"].effects} == {"hazmat_plume", "blast_damage"}


def test_a_site_family_that_does_not_exist_fails_with_did_you_mean(tmp_path: Path) -> None:
    path = edited(tmp_path, "sites: [flood, waterlogging, roof_leak,", "sites: [flood, waterlogging, roofleak,")
    with pytest.raises(LoadError, match=r"families.rain.sites: no family 'roofleak'; did you mean 'roof_leak'"):
        FusionRules.load(path)


def test_an_effect_topic_that_does_not_exist_fails(tmp_path: Path) -> None:
    path = edited(tmp_path, "topics: [chemical, gas_smell,", "topics: [chemicals, gas_smell,")
    with pytest.raises(LoadError, match=r"effects.topics: 'chemicals' is no hotline topic; did you mean 'chemical'"):
        FusionRules.load(path)


def test_a_family_yielding_to_one_that_does_not_exist_fails(tmp_path: Path) -> None:
    path = edited(tmp_path, "yields_to: [waterlogging, roof_leak]", "yields_to: [waterlogging, roofleak]")
    with pytest.raises(LoadError, match=r"families.flood.yields_to: no family 'roofleak'; did you mean 'roof_leak'"):
        FusionRules.load(path)
