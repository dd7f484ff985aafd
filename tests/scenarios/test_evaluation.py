"""The evaluation model from a replayed scenario (the Zhangjiakou explosion), its figures checked, and its HTML."""

from __future__ import annotations

import asyncio
import re

import pytest

from ebrain.compose import Core, embedded_runtime
from ebrain.settings import PACKAGE_ROOT
from scenarios.evaluation import Evaluation, Seen
from scenarios.evaluation_report import render_evaluation
from scenarios.model import load_scenario
from scenarios.run import replay_embedded
from tests.scenarios.test_report import Checker

SCENARIO = PACKAGE_ROOT / "scenarios" / "files" / "explosion_zhangjiakou_2018.yaml"
HOUR, MIN = 3_600_000, 60_000


@pytest.fixture(scope="module")
def replayed(core: Core) -> tuple[Evaluation, int]:
    scenario = load_scenario(SCENARIO)
    outcome = asyncio.run(replay_embedded(scenario, embedded_runtime(core)))
    seen = Seen.from_deltas(outcome.deltas)
    incident = seen.incidents["JINGJINJI-000002"]
    return seen.evaluate(incident["id"], core.words.rule_ids(incident["playbook"])), scenario.t0_ms


def test_the_segments_follow_the_incident(replayed: tuple[Evaluation, int]) -> None:
    ev, t0 = replayed
    at = {s.name: None if s.at_ms is None else s.at_ms - t0 for s in ev.segments}
    # first call and first dispatch at T0; no unit reported on scene; rescue ended at +10 h; closed at +14 h
    assert at == {"first_call": 0, "first_dispatch": 0, "first_on_scene": None, "controlled": 10 * HOUR,
                  "closed": 14 * HOUR}  # fmt: skip


def test_regions_reports_misses_and_losses(replayed: tuple[Evaluation, int]) -> None:
    ev, t0 = replayed
    # the plant is registered: hazmat teams of Hebei, and of Beijing under the agreement
    beijing, hebei = ev.regions
    assert (beijing.province, dict(beijing.units), beijing.aid_given) == ("110000", {"hazmat": 2}, 2)
    assert hebei.province == "130000" and dict(hebei.units) == {
        "fire_suppression": 4, "search_rescue": 2, "medical": 2, "gas_isolation": 1, "hazmat": 3,
    }  # fmt: skip
    assert hebei.aid_received == 2
    assert {w for w, _, _ in hebei.agency_work} == {"damage_assessment", "gas_restoration", "road_clearance"}
    assert [(r.kind, r.channel, r.late) for r in ev.reports] == [
        ("first", "phone", False), ("first", "written", True), ("followup", "written", False),
        ("followup", "written", False), ("final", "written", False),
    ]  # fmt: skip
    (late,) = ev.misses
    assert (late.kind, late.subject, late.due_ms - t0, late.at_ms and late.at_ms - t0) == (
        "report", "first", 1 * HOUR + 30 * MIN, 2 * HOUR,
    )  # fmt: skip
    assert ev.losses is not None and (ev.losses["deaths"], ev.losses["direct_loss_cny"]) == (24, 41_488_000)


def test_what_the_playbook_did_and_did_not_do(replayed: tuple[Evaluation, int]) -> None:
    ev, _ = replayed
    fired = dict(ev.fired)
    assert {"explosion-response", "grade-larger", "grade-major", "rescue-ended"} <= set(fired)
    assert "gas-leak-first-response" in ev.not_fired and "second-explosion-reopens" in ev.not_fired
    assert not set(fired) & set(ev.not_fired)
    assert ev.timers_lapsed == () and ev.defaults == ()


def test_the_html_is_readable_in_both_languages_without_ids_or_epoch_times(
    core: Core, replayed: tuple[Evaluation, int]
) -> None:
    ev, _ = replayed
    page = render_evaluation(ev, core.words)
    checker = Checker()
    checker.feed(page)
    assert checker.doctype and not checker.problems and not checker.stack
    assert "JINGJINJI-" not in page and "explosion-response" not in page and "@1307" not in page
    assert not re.search(r"\b1[5-9]\d{11}\b", page) and '"deaths"' not in page
    assert "燃气爆炸响应" in page and "Gas explosion response" in page  # rules by their titles
    assert "损失评估" in page and "damage assessment" in page and "桥东区人民政府" in page
    assert 'id="lang-en"' in page and "<script" not in page
    assert render_evaluation(ev, core.words) == page  # the same model gives the same bytes
