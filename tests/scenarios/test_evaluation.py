"""The evaluation model from replayed scenarios (the Zhangjiakou explosion, the rainstorm warned a day ahead), its
figures checked — the segments, regions, reports, losses, and the whole cycle: readiness before, supplies lent and
returned, recovery work, work orders closed back — and its HTML."""

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
from tests.scenarios.report_kit import Checker

SCENARIO = PACKAGE_ROOT / "scenarios" / "files" / "explosion_zhangjiakou_2018.yaml"
RAINSTORM = PACKAGE_ROOT / "scenarios" / "files" / "rainstorm_forecast_beijing_2023.yaml"
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


@pytest.fixture(scope="module")
def rainstorm(core: Core) -> Seen:
    outcome = asyncio.run(replay_embedded(load_scenario(RAINSTORM), embedded_runtime(core)))
    return Seen.from_deltas(outcome.deltas)


def _page_is_clean(page: str) -> None:
    checker = Checker()
    checker.feed(page)
    assert checker.doctype and not checker.problems and not checker.stack
    assert "JINGJINJI-" not in page and not re.search(r"\b1[5-9]\d{11}\b", page) and '"stage"' not in page
    assert "BJ-RAINSTORM" not in page and "ZJK-HAZCHEM" not in page and "-S1" not in page and "12345-20" not in page
    assert "operator:" not in page and "@1" not in page


def test_the_explosion_s_readiness_supplies_and_work_orders(core: Core, replayed: tuple[Evaluation, int]) -> None:
    ev, _ = replayed
    (ready,) = ev.readiness  # the hazardous-chemical warning over 张家口, two hours before
    assert ready.warning["capability"] == "hazmat"
    assert (ready.warning["before"]["hazards_15"], ready.warning["after"]["hazards_15"]) == (0.0, 1.0)
    # 张家口's population counts: the local 桥东 team stays to cover its own district, and a team within reach
    # (赤城, 85.7 minutes; 密云's, 159.5, would arrive after the two hours) moves up to the plant
    assert [(m["responder_name"], m["status"], m["decided_by"]) for m in ready.moves] == [
        ("赤城县危化品处置队1", "accepted", "operator:河北值班员@130000"),
        ("宣化区危化品处置队1", "proposed", ""),
        ("张北县危化品处置队1", "proposed", ""),
    ]  # fmt: skip
    assert all(m["travel_min"] <= 90 for m in ready.moves)
    assert ready.warning["before"]["population"] == 3_838_070  # 张家口's 16 counties, 7th census
    (foam,) = ev.supplies
    assert (foam["item"], foam["lender"], foam["stage"], foam["moved"], foam["written_off"]) == (
        "foam", "130000", "returned", 10, 10,
    )  # fmt: skip
    (order,) = ev.work_orders
    assert order["status"] == "done" and len(order["orders"]) == 2
    page = render_evaluation(ev, core.words)
    _page_is_clean(page)
    assert "张家口市危化品预警下的危化品处置覆盖" in page and "warning over Zhangjiakou" in page  # the city, not Hebei
    assert "（无人口数据）" not in page and "(no population figures)" not in page
    assert "赤城县危化品处置队1" in page and "泡沫" in page and "12345工单办结" in page


def test_the_rainstorm_s_whole_cycle(core: Core, rainstorm: Seen) -> None:
    underpass = rainstorm.evaluate("JINGJINJI-000002")
    assert underpass.incident["type"] == "waterlogging"
    (ready,) = underpass.readiness  # the red warning of the evening before
    before, after = ready.warning["before"], ready.warning["after"]
    assert (before["hazards_15"], after["hazards_15"], before["hazards_30"], after["hazards_30"]) == (
        0.75, 0.875, 0.875, 1.0,
    )  # fmt: skip
    assert [m["status"] for m in ready.moves] == ["accepted", "rejected", "proposed"]
    (beijing,) = underpass.regions
    assert {(work, owner) for work, owner, _ in beijing.agency_work} == {
        ("road_clearance", "transport@110106"), ("damage_assessment", "county_government@110106"),
    }  # fmt: skip
    (order,) = underpass.work_orders
    assert (order["agency"], order["status"]) == ("beijing-drainage", "done")
    _page_is_clean(render_evaluation(underpass, core.words))

    zhuozhou = rainstorm.evaluate("JINGJINJI-000005")  # 兰沟洼 opened: 涿州's flood rescue
    assert zhuozhou.readiness == ()  # Beijing's warning did not cover 涿州
    lent = {(x["item"], x["lender"]): (x["moved"], x["stage"]) for x in zhuozhou.supplies}
    assert lent == {
        ("shelter_places", "130000"): (2000, "returned"), ("shelter_places", "110000"): (1000, "returned"),
        ("pumps", "130000"): (6, "returned"), ("pumps", "110000"): (14, "returned"),
    }  # fmt: skip
    page = render_evaluation(zhuozhou, core.words)
    _page_is_clean(page)
    assert "北京市→河北省" in page and "Beijing to Hebei" in page and "已归库" in page
