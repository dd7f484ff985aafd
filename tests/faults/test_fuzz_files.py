"""Bad input in the files people write: every shipped scenario and playbook, mutated line by line (deleted,
duplicated, swapped, re-indented, characters flipped, values of other types) and as a parsed tree (fields
deleted, added, retyped), then loaded.

A mutant either loads, or fails with a `LoadError` that names the file and a line inside it; any other
exception is a crash. Each test prints how many mutants it tried (run with -s).
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from ebrain.compose import Core
from ebrain.settings import PACKAGE_ROOT
from geo.datafiles import LoadError
from geo.fleet import load_capabilities
from playbooks.model import parse_playbook
from playbooks.places import PlaybookPlaces
from scenarios.model import load_scenario
from tests.faults.mutation import mutate_lines, mutate_tree

PLAYBOOKS = sorted((PACKAGE_ROOT / "playbooks" / "files").glob("*.yaml"))
SCENARIOS = sorted((PACKAGE_ROOT / "scenarios" / "files").glob("*.yaml"))
MUTANTS = 40
LARGE_FILE_LINES = 300  # a longer scenario gets fewer mutants: fewer the longer it is (a 30,000-line one loads in 3 s)
_YAML: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@pytest.fixture(scope="module")
def places(core: Core) -> PlaybookPlaces:
    return PlaybookPlaces.load(core.regions)


def mutants(text: str, rng: random.Random, count: int) -> list[str]:
    out = []
    tree = yaml.load(text, Loader=_YAML)
    for n in range(count):
        if n % 3 == 2:
            doc = mutate_tree(yaml.load(yaml.safe_dump(tree, allow_unicode=True), Loader=_YAML), rng)
            out.append(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
        else:
            out.append(mutate_lines(text, rng))
    return out


def check_error(exc: LoadError, file: str, text: str) -> None:
    assert exc.file == file, f"the error names {exc.file}, not the file loaded ({file})"
    assert str(exc).startswith(f"{file}:{exc.line}: "), str(exc)
    assert 1 <= exc.line <= text.count("\n") + 2, f"line {exc.line} is outside the file: {exc}"
    assert len(exc.message) >= 8, f"no reason: {exc}"


@pytest.mark.parametrize("source", PLAYBOOKS, ids=lambda p: p.name)
def test_mutated_playbooks_load_or_fail_with_file_and_line(source: Path, places: PlaybookPlaces) -> None:
    capabilities = frozenset(load_capabilities().capabilities)
    rng = random.Random(source.name)
    text = source.read_text(encoding="utf-8")
    loaded = failed = 0
    for n, mutant in enumerate(mutants(text, rng, MUTANTS)):
        file = f"mutant-{n}-{source.name}"
        try:
            parse_playbook(file, mutant, capabilities=capabilities, places=places)
            loaded += 1
        except LoadError as exc:
            check_error(exc, file, mutant)
            failed += 1
        except Exception as exc:
            pytest.fail(f"{source.name} mutant {n} crashed the loader: {exc!r}\n--- mutant ---\n{mutant}")
    print(f"\nplaybook fuzz {source.name}: {loaded + failed} mutants, {loaded} loaded, {failed} refused with file:line")
    assert failed > 0


@pytest.mark.parametrize("source", SCENARIOS, ids=lambda p: p.name)
def test_mutated_scenarios_load_or_fail_with_file_and_line(source: Path, tmp_path: Path) -> None:
    for sibling in source.parent.iterdir():  # files a scenario refers to (a JSON-lines timeline) come along
        if sibling.is_file() and sibling.suffix != ".yaml":
            shutil.copy(sibling, tmp_path / sibling.name)
    rng = random.Random(source.name)
    text = source.read_text(encoding="utf-8")
    lines = text.count("\n")
    count = MUTANTS if lines < LARGE_FILE_LINES else max(4, MUTANTS * LARGE_FILE_LINES // lines)
    target = tmp_path / source.name
    loaded = failed = 0
    for n, mutant in enumerate(mutants(text, rng, count)):
        target.write_text(mutant, encoding="utf-8")
        try:
            load_scenario(target)
            loaded += 1
        except LoadError as exc:
            check_error(exc, str(target), mutant)
            failed += 1
        except Exception as exc:
            pytest.fail(f"{source.name} mutant {n} crashed the loader: {exc!r}\n--- mutant ---\n{mutant}")
    print(f"\nscenario fuzz {source.name}: {loaded + failed} mutants, {loaded} loaded, {failed} refused with file:line")
    assert failed > 0
