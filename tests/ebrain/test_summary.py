"""The replay summary: a long run gets one screen, the full listing on request."""

from __future__ import annotations

import asyncio

import pytest

from ebrain.compose import Core, embedded_runtime
from ebrain.summary import SCREEN_LINES, render_summary
from scenarios.model import load_scenario
from scenarios.run import Outcome, replay_embedded
from streams.words import Words


@pytest.fixture(scope="module")
def load_sample(core: Core) -> tuple[object, Outcome]:
    from ebrain.settings import PACKAGE_ROOT

    scenario = load_scenario(PACKAGE_ROOT / "scenarios" / "files" / "load_sample.yaml")
    return scenario, asyncio.run(replay_embedded(scenario, embedded_runtime(core)))


def test_a_long_run_fits_a_screen_and_names_its_most_serious_incidents(
    load_sample: tuple[object, Outcome], core: Core
) -> None:
    scenario, outcome = load_sample
    words: Words = core.words
    brief = render_summary(scenario, outcome, words).splitlines()  # type: ignore[arg-type]
    full = render_summary(scenario, outcome, words, full=True).splitlines()  # type: ignore[arg-type]
    assert len(full) > SCREEN_LINES >= len(brief)
    assert brief[:2] == full[:2]  # the totals
    assert brief[-1] == full[-1]  # the input counts
    assert any("--full" in line for line in brief)
    assert any(line.startswith("   按类型 / by type: ") for line in brief)
    first = next(i for i, line in enumerate(brief) if line.startswith("-- "))
    assert "Ⅱ级响应" in brief[first]  # the highest response level of the run comes first
    assert not any("--full" in line for line in full)
    assert all("JINGJINJI-" not in line for line in brief)  # names, never ids


def test_a_short_run_gets_its_full_listing(core: Core) -> None:
    from ebrain.settings import PACKAGE_ROOT

    scenario = load_scenario(PACKAGE_ROOT / "tests" / "faults" / "data" / "restart_sensors.yaml")
    outcome = asyncio.run(replay_embedded(scenario, embedded_runtime(core)))
    assert len(render_summary(scenario, outcome, core.words).splitlines()) <= SCREEN_LINES
    assert render_summary(scenario, outcome, core.words) == render_summary(scenario, outcome, core.words, full=True)


def test_a_run_of_few_incidents_with_a_long_listing_names_them_all(core: Core) -> None:
    # The demo's scenario: one incident whose decisions do not fit a screen; the brief listing names it and
    # claims neither a larger number of incidents nor a negative remainder.
    from ebrain.settings import PACKAGE_ROOT

    scenario = load_scenario(PACKAGE_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml")
    outcome = asyncio.run(replay_embedded(scenario, embedded_runtime(core)))
    brief = render_summary(scenario, outcome, core.words).splitlines()
    assert len(brief) <= SCREEN_LINES
    assert "== 全部 1 起，按严重程度 / all 1, most serious first (response level, then reports)" in brief
    assert not any("另有" in line for line in brief)
    assert any("--full" in line for line in brief)


def test_incidents_too_long_for_a_screen_are_counted_as_what_they_are(core: Core) -> None:
    from ebrain.settings import PACKAGE_ROOT

    scenario = load_scenario(PACKAGE_ROOT / "scenarios" / "files" / "explosion_zhangjiakou_2018.yaml")
    outcome = asyncio.run(replay_embedded(scenario, embedded_runtime(core)))
    brief = render_summary(scenario, outcome, core.words).splitlines()
    assert "== 全部 2 起，按严重程度 / all 2, most serious first (response level, then reports)" in brief
    assert not any("-1" in line and "more" in line for line in brief)
    assert any("--full" in line for line in brief)
