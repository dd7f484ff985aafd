"""`ebrain drill FILE`: run a scenario, score its expectations, write the after-action report.

Exit code 0 when every expectation is met, 1 when one is not, 2 when the file cannot be loaded.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ebrain.compose import normalize_context
from ebrain.replay_cmd import core_for, outcome_of, scenario_to_run, write_deltas
from ebrain.settings import Settings
from geo.datafiles import LoadError
from scenarios.drill import refusals, region_resolver, score_outcome, unanswered
from scenarios.expectations import check_regions
from scenarios.offsets import offset_text
from scenarios.report import render_report

REPORT_DIR = Path("reports")
MAX_REFUSALS_SHOWN = 20
MAP_TOLERANCE_DEG = 0.01  # simplification of the report's county outlines: ~1 km, a few hundred kB


async def run_drill_cmd(
    settings: Settings,
    file: Path,
    speed: float | None,
    report: Path | None,
    broker: str | None = None,
    out: Path | None = None,
    prefix: str = "",
) -> int:
    normalize = normalize_context(settings)
    scenario = scenario_to_run(settings, file, normalize)
    if scenario is None:
        return 2
    speed = None if speed is not None and speed < 0 else speed
    n_in, n_exp = len(scenario.timeline), len(scenario.expectations)
    print(f"演练 drill: {scenario.title}（{n_in} 条输入，{n_exp} 项预期 / {n_in} inputs, {n_exp} expectations）")
    core = core_for(settings, scenario, normalize)
    try:  # a typo in a region name is reported before the run, not after it
        check_regions(scenario.file, scenario.expectations, region_resolver(core.regions))
    except LoadError as exc:
        print(exc, file=sys.stderr)
        return 2
    outcome = await outcome_of(core, scenario, speed, broker, prefix)
    result = score_outcome(scenario, outcome, region_resolver(core.regions))
    for n, r in enumerate(result.results, start=1):
        met = f"（{offset_text(r.at_ms, scenario.t0_ms)}）" if r.at_ms is not None else ""
        verdict = "✓ 达成 met    " if r.passed else "✗ 未达成 not met"
        print(f"  {n:>2}. {verdict}  {r.expectation.text}{met}")
        if not r.passed:
            print(f"        {scenario.file}:{r.expectation.line}: {r.detail}")
    counts = outcome.counts
    refused = refusals(scenario, outcome)
    received, accepted, rejected = counts.get("received", 0), counts.get("accepted", 0), counts.get("rejected", 0)
    print(
        f"  输入：收到 {received}，受理 {accepted}，拒收 {rejected}；未使用共 {len(refused)} 条 / "
        f"inputs: {received} received, {accepted} accepted, {rejected} rejected at ingest; "
        f"{len(refused)} not used in all"
    )
    for refusal in refused[:MAX_REFUSALS_SHOWN]:
        where = f"{scenario.file}:{refusal.line}" if refusal.line is not None else scenario.file
        print(f"        {where}: {refusal.reason}")
    if len(refused) > MAX_REFUSALS_SHOWN:
        more = len(refused) - MAX_REFUSALS_SHOWN
        print(f"        …… 另有 {more} 条（均见报告）/ ... and {more} more (all are in the report)")
    words = core.words
    for u in unanswered(outcome):
        at = offset_text(u.at_ms, scenario.t0_ms)
        zh, en = u.said(words)
        print(f"  {at} 无人答复 no answer: {zh} / {en}")
    bases = {rid: (r.base_lon, r.base_lat) for rid, r in core.initial_fleet.responders.items()}
    html = render_report(result, core.regions.geojson("county", MAP_TOLERANCE_DEG), bases, core.words)
    path = report or REPORT_DIR / f"{scenario.id}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    if out is not None:
        write_deltas(outcome, out)
    passed = sum(1 for r in result.results if r.passed)
    total = len(result.results)
    print(f"{total} 项预期达成 {passed} 项 / {passed} of {total} expectations met；报告 report: {path}")
    return 0 if result.passed else 1
