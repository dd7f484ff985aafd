"""The scenario generators (scenarios/generators, scenarios/heldout/generators) and the held-out hotline build
reproduce, byte for byte, the files shipped beside them: a change to a generator's code that is not meant to change
a scenario changes none."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from scenarios.generators import common
from scenarios.heldout import build_corpus
from scenarios.heldout.generators import paths as heldout_paths

GENERATORS = [
    "chemical_explosion_nangang_2018",
    "earthquake_guye_2020",
    "fire_changfeng_hospital_2023",
    "fire_xihongmen_2017",
    "flashflood_xingtai_2016",
    "gas_explosion_beichen_2022",
    "rainstorm_beijing_2012",
    "rainstorm_tianjin_langfang_2023",
]
HELDOUT = ["coldwave_jan_2021", "earthquake_wenan_2006", "fire_tvcc_2009", "typhoon_ampil_2018"]
CASES = [(f"scenarios.generators.{n}", common.FILES, common.TRUTH) for n in GENERATORS] + [
    (f"scenarios.heldout.generators.{n}", heldout_paths.FILES, heldout_paths.TRUTH) for n in HELDOUT
]


@pytest.mark.parametrize(("module", "files", "truth"), CASES, ids=[c[0].rsplit(".", 1)[1] for c in CASES])
def test_generator_writes_the_shipped_bytes(module: str, files: Path, truth: Path, tmp_path: Path) -> None:
    generator = importlib.import_module(module)
    scenario, scenario_truth = generator.build().write(generator.NAME, tmp_path / "files", tmp_path / "truth")
    assert scenario.read_bytes() == (files / scenario.name).read_bytes(), scenario.name
    assert scenario_truth.read_bytes() == (truth / scenario_truth.name).read_bytes(), scenario_truth.name


def test_heldout_hotline_build_writes_the_shipped_bytes() -> None:
    assert build_corpus.jsonl(build_corpus.build()).encode("utf-8") == build_corpus.OUT.read_bytes()
