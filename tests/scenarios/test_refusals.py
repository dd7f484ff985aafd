"""Inputs a drill did not use are counted and listed with their scenario line and reason: in the drill's output
and in the after-action report."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ebrain.compose import Core, embedded_runtime
from ebrain.drill_cmd import run_drill_cmd
from ebrain.settings import Settings
from scenarios.drill import refusals, region_resolver, run_drill
from scenarios.model import load_scenario
from scenarios.report import render_report

SCENARIO = """\
scenario: refusals
title: 输入拒收与忽略 / Inputs rejected and ignored (test)
t0: "2025-03-04T06:40:00+08:00"
sources: []
real: []
synthetic: ["everything"]
fleet: {seed: 7, scale: 1.0}
timeline:
  - at: "0m"
    id: odd-report
    payload:
      type: agency.incident
      agency: tianjin-fire
      province: "120000"
      incident_kind: ufo_sighting
      description: 不明飞行物
      position: {lon: 117.196, lat: 39.168, crs: WGS84}
  - at: "+1m"
    id: far-reading
    payload:
      type: sensor.reading
      device_id: LL-120105-GAS-0001
      kind: gas_lel
      value: 3
      unit: "%LEL"
      position: {lon: 100.0, lat: 30.0, crs: WGS84}
      interval_s: 60
  - at: "+2m"
    id: fire
    payload:
      type: agency.incident
      agency: tianjin-fire
      province: "120000"
      incident_kind: building_collapse
      description: 河北区一栋楼房局部坍塌
      position: {lon: 117.196, lat: 39.168, crs: WGS84}
end: "+10m"
expect:
  - note: the collapse opens an incident
    incident: {type: building_collapse}
"""


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "refusals.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def test_rejected_and_ignored_inputs_are_listed_with_line_and_reason(core: Core, scenario_file: Path) -> None:
    scenario = load_scenario(scenario_file)
    result = asyncio.run(run_drill(scenario, embedded_runtime(core), region_resolver(core.regions)))
    refused = refusals(scenario, result.outcome)
    by_line = {r.line: r.reason for r in refused}
    assert len(refused) == 2, refused
    odd = [r for r in refused if "ufo_sighting" in r.reason]
    far = [r for r in refused if r is not odd[0]]
    assert odd and "ignored" in odd[0].reason
    assert far and far[0].reason and far[0].line in by_line
    entry_lines = {e.name: e.line for e in scenario.timeline}
    assert odd[0].line == entry_lines["odd-report"] and far[0].line == entry_lines["far-reading"]
    html = render_report(result, core.regions.geojson("county", 0.05), {}, core.words)
    assert "Inputs not used</span> (2)" in html
    assert "no incident type takes the kind" in html and "没有对应的事件类型" in html
    assert far[0].reason.replace("'", "&#x27;").replace('"', "&quot;")[:40] in html


def test_the_drill_command_prints_the_inputs_it_did_not_use(
    scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = asyncio.run(run_drill_cmd(Settings(), scenario_file, None, tmp_path / "aar.html"))
    out = capsys.readouterr().out
    assert code == 0, out
    assert "2 not used in all" in out
    lines = {e.name: e.line for e in load_scenario(scenario_file).timeline}
    assert f"{scenario_file}:{lines['odd-report']}: agency.incident" in out
    assert f"{scenario_file}:{lines['far-reading']}: " in out
