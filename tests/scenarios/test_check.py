"""`ebrain scenario check`: every problem of a file at once, each with its line, the valid values and a
did-you-mean; every shipped scenario passes; replay and drill refuse a broken file before running it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ebrain.compose import Core
from ebrain.drill_cmd import run_drill_cmd
from ebrain.replay_cmd import run_replay
from ebrain.scenario_cmd import check
from ebrain.settings import PACKAGE_ROOT, Settings
from scenarios.check import Answerable, check_scenario, checked_scenario
from scenarios.model import load_scenario

SHIPPED = sorted((PACKAGE_ROOT / "scenarios" / "files").glob("*.yaml"))
BROKEN = Path(__file__).parent / "data" / "broken_scenario.yaml"


def line_of(path: Path, marker: str) -> int:
    return next(i for i, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if marker in row)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_scenario_has_no_error(core: Core, path: Path) -> None:
    errors = [p for p in check_scenario(path, core.ingest, core.regions) if not p.warning]
    assert errors == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_check_hands_a_run_the_scenario_the_loader_reads(core: Core, path: Path) -> None:
    """A replay runs the scenario the check read (one parse of the file): it must be the loader's, field for field."""
    _, scenario = checked_scenario(path, core.ingest, core.regions)
    assert scenario == load_scenario(path)


def test_a_file_with_errors_gives_no_scenario_to_run(core: Core, tmp_path: Path) -> None:
    problems, scenario = checked_scenario(BROKEN, core.ingest, core.regions)
    assert scenario is None and any(not p.warning for p in problems)
    far = tmp_path / "far.yaml"  # a warning only: the file runs
    far.write_text(
        'scenario: far\nt0: "2025-03-04T06:40:00+08:00"\ntimeline:\n  - at: "0m"\n    payload:\n'
        "      type: sensor.reading\n      device_id: LL-1\n      kind: gas_lel\n      value: 1\n"
        '      unit: "%LEL"\n      position: {lon: 100.0, lat: 30.0, crs: WGS84}\n      interval_s: 60\n',
        encoding="utf-8",
    )
    problems, scenario = checked_scenario(far, core.ingest, core.regions)
    assert [p.warning for p in problems] == [True] and scenario == load_scenario(far)


def test_a_broken_file_reports_all_its_errors_at_once(core: Core) -> None:
    said = [str(p) for p in check_scenario(BROKEN, core.ingest, core.regions)]
    f = str(BROKEN)
    assert said == [
        f"{f}:{line_of(BROKEN, 'type: sensor.reading')}: timeline[0].payload: sensor.reading: $.kind: "
        "'gas_lell' is not one of gas_lel, water_depth, river_flow, pipe_pressure, "
        "bridge_deflection, building_tilt, manhole_cover, rain_gauge; did you mean 'gas_lel'?",
        f"{f}:{line_of(BROKEN, 'type: agency.response_level')}: timeline[2].payload: agency.response_level: "
        "$.action: 'rise' is not one of raise, lower, end; did you mean 'raise'?",
        f"{f}:{line_of(BROKEN, '+2mins')}: timeline[3].at: '+2mins' is not an offset like +1h30m, -14m or +90s",
        f"{f}:{line_of(BROKEN, 'devices: [LL-131082-GAS-0002]')}: sensors_silent: no reading in the timeline "
        "comes from device 'LL-131082-GAS-0002'; did you mean 'LL-131082-GAS-0003'?",
        f"{f}:{line_of(BROKEN, 'the explosion is in')}: incident-1: '三和市' names no region of the theater; "
        "did you mean '三河市'?",
        f"{f}:{line_of(BROKEN, 'same_incident: [gas-sensr')}: expect[1].same_incident: no timeline entry with id "
        "'gas-sensr'; did you mean 'gas-sensor'?",
    ]


def test_a_colon_in_a_note_is_explained(core: Core, tmp_path: Path) -> None:
    path = tmp_path / "colon.yaml"
    path.write_text(
        'scenario: colon\nt0: "2025-03-04T06:40:00+08:00"\ntimeline:\n  - at: "0m"\n    note: 河北区: 积水严重\n',
        encoding="utf-8",
    )
    (problem,) = check_scenario(path, core.ingest, core.regions)
    assert problem.line == 5 and "not valid YAML" in problem.message and "quote the text" in problem.message


def test_a_payload_ingest_refuses_is_a_warning(core: Core, tmp_path: Path) -> None:
    path = tmp_path / "far.yaml"
    path.write_text(
        'scenario: far\nt0: "2025-03-04T06:40:00+08:00"\ntimeline:\n  - at: "0m"\n    payload:\n'
        "      type: sensor.reading\n      device_id: LL-1\n      kind: gas_lel\n      value: 1\n"
        '      unit: "%LEL"\n      position: {lon: 100.0, lat: 30.0, crs: WGS84}\n      interval_s: 60\n',
        encoding="utf-8",
    )
    (problem,) = check_scenario(path, core.ingest, core.regions)
    assert problem.warning and problem.line == 4 and "outside the Beijing-Tianjin-Hebei theater" in problem.message
    assert str(problem).startswith(f"{path}:4: warning: ingest will refuse it: ")


def test_the_commands_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(Settings(), BROKEN) == 1
    assert "6 error(s), 0 warning(s)" in capsys.readouterr().out
    assert check(Settings(), PACKAGE_ROOT / "scenarios" / "files" / "collapse_tianjin_old_block.yaml") == 0
    # replay and drill check first and run nothing
    assert asyncio.run(run_replay(Settings(), BROKEN, None, tmp_path / "out.jsonl")) == 2
    assert asyncio.run(run_drill_cmd(Settings(), BROKEN, None, tmp_path / "aar.html")) == 2
    assert not (tmp_path / "out.jsonl").exists() and not (tmp_path / "aar.html").exists()
    assert "nothing was run" in capsys.readouterr().err


def test_a_scripted_answer_must_name_a_rule_that_asks_and_a_known_capability(core: Core, tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(
        'scenario: a\nt0: "2025-06-18T14:20:00+08:00"\ntimeline:\n'
        "  - at: +5m\n    approve: {rule: plume-over-home}\n"
        "  - at: +6m\n    offer: {capability: hazmatt, lender: 河北}\n",
        encoding="utf-8",
    )
    answerable = Answerable.of(core.theater.playbooks.values(), frozenset(core.initial_fleet.roster.capabilities))
    said = [str(p) for p in check_scenario(path, core.ingest, core.regions, answerable)]
    assert said == [
        f"{path}:5: approve.rule: 'plume-over-home': no rule of the playbooks asks for approval; "
        "did you mean 'plume-over-homes'?",
        f"{path}:7: offer.capability: 'hazmatt': no such capability; did you mean 'hazmat'?",
    ]
