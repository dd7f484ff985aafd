"""The after-action report is one valid, self-contained HTML file showing every KPI and every expectation."""

from __future__ import annotations

import asyncio
from html import escape
from html.parser import HTMLParser

import pytest

from ebrain.compose import Core, embedded_runtime
from ebrain.settings import PACKAGE_ROOT
from scenarios.drill import DrillResult, region_resolver, run_drill
from scenarios.model import load_scenario
from scenarios.report import render_report

SCENARIO = PACKAGE_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "source", "wbr"}
SVG_LEAVES = {"path", "circle", "rect", "line"}


class Checker(HTMLParser):
    """Every element closed in order; nothing loaded from elsewhere."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.doctype = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "xmlns":
                continue  # a namespace name, never fetched
            if name in ("src", "href") or (value or "").startswith(("http:", "https:", "//")):
                self.problems.append(f"<{tag} {name}={value!r}> refers outside the file")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID and tag not in SVG_LEAVES:
            self.problems.append(f"<{tag}/> self-closed")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()


@pytest.fixture(scope="module")
def drilled(core: Core) -> DrillResult:
    return asyncio.run(run_drill(load_scenario(SCENARIO), embedded_runtime(core), region_resolver(core.regions)))


@pytest.fixture(scope="module")
def report(core: Core, drilled: DrillResult) -> str:
    bases = {rid: (r.base_lon, r.base_lat) for rid, r in core.initial_fleet.responders.items()}
    return render_report(drilled, core.regions.geojson("county", 0.01), bases)


def test_report_is_valid_self_contained_html(report: str) -> None:
    checker = Checker()
    checker.feed(report)
    checker.close()
    assert checker.doctype
    assert checker.problems == []
    assert checker.stack == []
    assert "<script src" not in report and "@import" not in report


def test_report_shows_each_kpi_and_expectation(report: str, drilled: DrillResult) -> None:
    for heading in ("time to detect", "to first task", "to arrival", "level changes"):
        assert f"<th>{heading}</th>" in report
    for kpi in drilled.kpis:
        assert f"<td>{escape(kpi.name)}</td>" in report
        for change in kpi.level_changes:
            assert escape(change.change) in report
    for result in drilled.results:
        assert escape(result.expectation.text) in report
    assert f"{len(drilled.results)} of {len(drilled.results)} expectations met" in report
    assert "<svg" in report and 'class="map"' in report and 'class="chart"' in report


def test_report_names_the_rules_and_their_evidence(report: str) -> None:
    assert "<code>explosion-response</code>" in report
    assert "小张各庄发生爆炸" in report  # the call that triggered it, quoted as evidence


def test_report_is_deterministic(core: Core, drilled: DrillResult, report: str) -> None:
    bases = {rid: (r.base_lon, r.base_lat) for rid, r in core.initial_fleet.responders.items()}
    assert render_report(drilled, core.regions.geojson("county", 0.01), bases) == report
