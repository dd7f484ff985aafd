"""Clustering quality against the shipped ground truth: precision and recall of fusion stay above 0.95."""

from __future__ import annotations

from pathlib import Path

import pytest

from ebrain.compose import Core
from geo.datafiles import LoadError
from scenarios import cluster_quality

TRUTH = cluster_quality.truth_files()
# Truth of scenarios written blind (from other real events, before any rule was changed for them) whose targets are
# not met yet; their first scores are in docs/fusion.md. Strict: a file that starts meeting them must leave the list.
NOT_YET_MET = {
    "chemical_explosion_nangang_2018",
    "earthquake_guye_2020",
    "fire_changfeng_hospital_2023",
    "fire_xihongmen_2017",
    "flashflood_xingtai_2016",
    "rainstorm_beijing_7_21_2012",
    "rainstorm_tianjin_langfang_2023",
}


def _truth_case(path: Path) -> object:
    if path.stem in NOT_YET_MET:
        return pytest.param(path, marks=pytest.mark.xfail(strict=True, reason="blind scenario: targets not met yet"))
    return path


def test_there_is_ground_truth_for_several_scenarios() -> None:
    assert len(TRUTH) >= 3


@pytest.mark.parametrize("path", [_truth_case(p) for p in TRUTH], ids=[p.stem for p in TRUTH])
def test_fusion_matches_the_ground_truth(core: Core, path: Path) -> None:
    scenario = cluster_quality.scenario_of(path)
    truth = cluster_quality.load_truth(path, scenario)
    quality = cluster_quality.measure(scenario, truth, core.ingest, core.theater, core.initial_fleet)
    assert not quality.unmapped, f"signals the truth file does not place: {quality.unmapped[:5]}"
    assert quality.signals > 0
    assert quality.ok, cluster_quality.report_line(quality)


def test_pairwise_scores_count_pairs() -> None:
    # truth: a a a b; fusion: x x y y → true pairs (a,a)x1 of 3 truth pairs; 1 of 2 predicted pairs
    assert cluster_quality.pairwise(["a", "a", "a", "b"], ["x", "x", "y", "y"]) == (0.5, 1 / 3)
    assert cluster_quality.pairwise(["a", "b"], ["x", "y"]) == (1.0, 1.0)


def test_a_truth_file_naming_an_unknown_entry_says_where(tmp_path: Path) -> None:
    path = TRUTH[0]
    scenario = cluster_quality.scenario_of(path)
    bad = tmp_path / path.name
    bad.write_text(f"scenario: {scenario.id}\nevents:\n  - event: x\n    entries: [no-such-entry]\n", encoding="utf-8")
    with pytest.raises(LoadError, match=r":4: events.x.entries: 'no-such-entry' names no entry id"):
        cluster_quality.load_truth(bad, scenario)


def test_a_truth_file_places_sites_and_felt_reports(tmp_path: Path) -> None:
    path = TRUTH[0]
    scenario = cluster_quality.scenario_of(path)
    ids = [f"#{n}" for n in range(3)]
    doc = tmp_path / path.name
    doc.write_text(
        f"scenario: {scenario.id}\nevents:\n  - event: storm\n    felt: [{ids[0]!r}]\n    sites:\n"
        f"      - site: a\n        entries: [{ids[1]!r}]\n      - site: b\n        entries: [{ids[2]!r}]\n",
        encoding="utf-8",
    )
    truth = cluster_quality.load_truth(doc, scenario)
    places = sorted(p.label for p in truth.of_entry.values())
    assert places == [f"storm/{cluster_quality.FELT}", "storm/a", "storm/b"]


def test_an_entry_placed_twice_says_where(tmp_path: Path) -> None:
    path = TRUTH[0]
    scenario = cluster_quality.scenario_of(path)
    doc = tmp_path / path.name
    doc.write_text(
        f"scenario: {scenario.id}\nevents:\n  - event: a\n    entries: ['#0']\n  - event: b\n    entries: ['#0']\n",
        encoding="utf-8",
    )
    with pytest.raises(LoadError, match=r":6: events.b.entries: '#0' is already placed in a/a"):
        cluster_quality.load_truth(doc, scenario)


def test_site_scores_count_rejected_reports_outside_the_main_incident() -> None:
    place = cluster_quality.Place("storm", "underpass")
    scores = cluster_quality._site_scores(
        {(place, "r1"): {"I-1"}, (place, "r2"): {"I-1"}, (place, "r3"): {"I-2"}, (place, "rejected:x"): set()}
    )
    assert scores == (cluster_quality.SiteScore(place, reports=4, in_main=2, incidents=2),)
    assert scores[0].main_share == 0.5


def test_mixed_incidents_are_those_holding_two_sites() -> None:
    assert cluster_quality._mixed(["s/a", "s/b", "s/a", "t/t"], ["I-1", "I-1", "I-2", "alone:x"]) == ("I-1",)
