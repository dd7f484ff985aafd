"""The after-action report is one valid, self-contained HTML file showing every KPI and every expectation."""

from __future__ import annotations

import asyncio
from html import escape

import pytest

from ebrain.compose import Core, embedded_runtime
from ebrain.settings import PACKAGE_ROOT
from scenarios.drill import DrillResult, region_resolver, run_drill
from scenarios.model import load_scenario
from scenarios.report import render_report
from tests.scenarios.report_kit import Checker

SCENARIO = PACKAGE_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"


@pytest.fixture(scope="module")
def drilled(core: Core) -> DrillResult:
    return asyncio.run(run_drill(load_scenario(SCENARIO), embedded_runtime(core), region_resolver(core.regions)))


@pytest.fixture(scope="module")
def report(core: Core, drilled: DrillResult) -> str:
    bases = {rid: (r.base_lon, r.base_lat) for rid, r in core.initial_fleet.responders.items()}
    return render_report(drilled, core.regions.geojson("county", 0.01), bases, core.words)


def test_report_is_valid_self_contained_html(report: str) -> None:
    checker = Checker()
    checker.feed(report)
    checker.close()
    assert checker.doctype
    assert checker.problems == []
    assert checker.stack == []
    assert "<script src" not in report and "@import" not in report


def test_report_shows_each_kpi_per_incident_and_each_expectation(report: str, drilled: DrillResult) -> None:
    headings = (("发现用时", "time to detect"), ("首次派遣", "to first task"), ("首支队伍到场", "first unit on scene"))
    for zh, en in headings:
        assert f"<span class='zh'>{zh}</span><span class='en'>{en}</span>" in report
    assert "中位数" in report and "p90" in report
    (kpi,) = drilled.kpis  # one incident: the explosion
    assert kpi.figure("first_task") == 0 and kpi.figure("detect") == 0
    assert kpi.figure("controlled") == (15 * 60 + 6) * 60_000 + 14 * 60_000  # rescue ended at T+15:06, opened T-0:14
    assert "燃气爆炸 · 三河市" in report and "Gas explosion · Sanhe" in report
    assert "Ⅲ级响应 → Ⅱ级响应" in report and "level III → level II" in report
    for result in drilled.results:
        assert escape(result.expectation.text) in report
    total = len(drilled.results)
    assert f"{total} 项预期达成 {total} 项" in report and f"{total} of {total} expectations met" in report
    assert "<svg" in report and 'class="map"' in report and 'class="chart"' in report


def test_report_names_the_rules_and_their_evidence_in_words(report: str) -> None:
    assert "燃气爆炸响应" in report and "Gas explosion response" in report  # the rule's title, not its id
    assert "explosion-response" not in report and "JINGJINJI-" not in report
    assert "小张各庄发生爆炸" in report  # the call that triggered it, quoted as evidence


def test_report_switches_language_without_a_script(report: str) -> None:
    assert "<script" not in report
    assert 'id="lang-zh"' in report and 'id="lang-en"' in report and "#lang-en:checked ~ main .zh" in report


def test_report_is_deterministic(core: Core, drilled: DrillResult, report: str) -> None:
    bases = {rid: (r.base_lon, r.base_lat) for rid, r in core.initial_fleet.responders.items()}
    assert render_report(drilled, core.regions.geojson("county", 0.01), bases, core.words) == report
