"""The hazardous-chemical warning playbook: inspection asked and teams on standby from yellow, a response level at
red, recovery when the warning is lifted (replayed through the Zhangjiakou drill, whose warning comes first)."""

from __future__ import annotations

import asyncio

from ebrain.compose import Core, embedded_runtime
from ebrain.settings import PACKAGE_ROOT
from scenarios.evaluation import Seen
from scenarios.model import load_scenario
from scenarios.run import replay_embedded

SCENARIO = PACKAGE_ROOT / "scenarios" / "files" / "explosion_zhangjiakou_2018.yaml"


def test_a_yellow_chemical_warning_asks_for_inspection_and_is_said_in_words(core: Core) -> None:
    outcome = asyncio.run(replay_embedded(load_scenario(SCENARIO), embedded_runtime(core)))
    warning = Seen.from_deltas(outcome.deltas).incidents["JINGJINJI-000001"]
    assert (warning["type"], warning["playbook"]) == ("chemical_warning", "chemical_warning")
    fired = [d["what"] for d in warning["decisions"] if str(d["what"]).startswith("rule ")]
    assert "rule chemical-warning-inspect fired" in fired and "rule chemical-warning-red fired" not in fired
    assert core.words.incident_title(warning, "zh").startswith("危化品安全风险预警")
    assert core.words.incident_title(warning, "en").startswith("Hazardous-chemical warning")
