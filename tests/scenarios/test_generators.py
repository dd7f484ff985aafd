"""The scenario generators (scenarios/generators, scenarios/heldout/generators) and the held-out hotline build
reproduce, byte for byte, the files shipped beside them: a change to a generator's code that is not meant to change
a scenario changes none."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

from scenarios import generators
from scenarios.generators import timeline
from scenarios.heldout import build_corpus
from scenarios.heldout import generators as heldout_generators
from scenarios.heldout.generators import paths as heldout_paths


def _generators(package: ModuleType) -> list[str]:
    """The modules of a generators package that build a scenario (the others are what they are written with)."""
    names = [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]
    return [n for n in names if hasattr(importlib.import_module(n), "build")]


CASES = [(n, timeline.FILES, timeline.TRUTH) for n in _generators(generators)] + [
    (n, heldout_paths.FILES, heldout_paths.TRUTH) for n in _generators(heldout_generators)
]


def test_every_shipped_generator_is_checked() -> None:
    assert len(CASES) == 12


@pytest.mark.parametrize(("module", "files", "truth"), CASES, ids=[c[0].rsplit(".", 1)[1] for c in CASES])
def test_generator_writes_the_shipped_bytes(module: str, files: Path, truth: Path, tmp_path: Path) -> None:
    generator = importlib.import_module(module)
    scenario, scenario_truth = generator.build().write(generator.NAME, tmp_path / "files", tmp_path / "truth")
    assert scenario.read_bytes() == (files / scenario.name).read_bytes(), scenario.name
    assert scenario_truth.read_bytes() == (truth / scenario_truth.name).read_bytes(), scenario_truth.name


def test_heldout_hotline_build_writes_the_shipped_bytes() -> None:
    assert build_corpus.jsonl(build_corpus.build()).encode("utf-8") == build_corpus.OUT.read_bytes()
