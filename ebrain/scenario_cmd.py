"""`ebrain scenario check FILE`: every problem of a scenario file at once (scenarios/check.py).

Exit code 0 when the file has no error (warnings are printed but do not fail it), 1 when it has errors, 2 when
it cannot be read. `ebrain replay` and `ebrain drill` run the same check first and stop with exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ebrain.compose import normalize_context
from ebrain.settings import Settings
from geo.fleet import load_capabilities
from playbooks.model import check_playbooks
from playbooks.places import PlaybookPlaces
from scenarios.check import Answerable, Problem, checked_scenario
from scenarios.model import Scenario
from streams import ingest
from streams.ingest import detect
from streams.ingest.normalize import NormalizeContext


def problems_of(settings: Settings, file: Path, normalize: NormalizeContext | None = None) -> list[Problem]:
    return checked(settings, file, normalize)[0]


def checked(
    settings: Settings, file: Path, normalize: NormalizeContext | None = None
) -> tuple[list[Problem], Scenario | None]:
    """The file's problems and, without errors, its scenario as the check read it (scenarios.check)."""
    normalize = normalize if normalize is not None else normalize_context(settings)
    regions = normalize.regions
    ctx = ingest.IngestContext(normalize=normalize, thresholds=detect.Thresholds.load())
    capabilities = frozenset(load_capabilities().capabilities)
    playbooks, _ = check_playbooks(settings.playbook_dir, capabilities, PlaybookPlaces.load(regions))
    return checked_scenario(file, ctx, regions, Answerable.of(playbooks.values(), capabilities))


def report(problems: list[Problem]) -> int:
    """Print every problem (errors on stderr); the number of errors."""
    errors = [p for p in problems if not p.warning]
    for p in problems:
        print(p, file=sys.stdout if p.warning else sys.stderr)
    return len(errors)


def check(settings: Settings, file: Path) -> int:
    problems = problems_of(settings, file)
    errors = report(problems)
    if problems and problems[0].message.startswith("cannot read the file"):
        return 2
    print(f"{file}: {errors} error(s), {len(problems) - errors} warning(s)")
    return 1 if errors else 0


def check_before_run(settings: Settings, file: Path, normalize: NormalizeContext | None = None) -> Scenario | None:
    """For replay and drill: the scenario when the file may run (read once, by the check, whose gazetteer memo
    `normalize` keeps for the run); otherwise None, its problems printed."""
    problems, scenario = checked(settings, file, normalize)
    errors = report([p for p in problems if not p.warning])
    if errors > 1:  # one error is its own line (file:line: what), as every broken-file message of the CLI
        print(f"{file}: {errors} errors; nothing was run (ebrain scenario check {file})", file=sys.stderr)
    return scenario if errors == 0 else None
