"""Clustering quality against the shipped ground truth: precision and recall of fusion stay above 0.95."""

from __future__ import annotations

from pathlib import Path

import pytest

from ebrain.compose import Core
from playbooks.yaml_lines import LoadError
from scenarios import cluster_quality

TRUTH = cluster_quality.truth_files()


def test_there_is_ground_truth_for_several_scenarios() -> None:
    assert len(TRUTH) >= 3


@pytest.mark.parametrize("path", TRUTH, ids=[p.stem for p in TRUTH])
def test_fusion_matches_the_ground_truth(core: Core, path: Path) -> None:
    scenario = cluster_quality.scenario_of(path)
    truth = cluster_quality.load_truth(path, scenario)
    quality = cluster_quality.measure(scenario, truth, core.ingest, core.theater, core.initial_fleet)
    assert not quality.unmapped, f"signals the truth file does not place: {quality.unmapped[:5]}"
    assert quality.signals > 0
    assert quality.precision >= 0.95 and quality.recall >= 0.95, quality


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
