"""`ebrain evaluate`: the evaluation of each incident of a replay's output, and a clear error for a wrong id."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ebrain.compose import Core, embedded_runtime
from ebrain.evaluate_cmd import evaluate_file
from ebrain.replay_cmd import write_deltas
from ebrain.serve import UserError
from ebrain.settings import PACKAGE_ROOT, Settings
from scenarios.model import load_scenario
from scenarios.run import replay_embedded

SCENARIO = PACKAGE_ROOT / "scenarios" / "files" / "explosion_zhangjiakou_2018.yaml"


def test_a_replays_output_gives_one_page_per_incident(
    core: Core, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    outcome = asyncio.run(replay_embedded(load_scenario(SCENARIO), embedded_runtime(core)))
    deltas = tmp_path / "deltas.jsonl"
    write_deltas(outcome, deltas)
    assert evaluate_file(Settings(), deltas, None, tmp_path / "out") == 0
    # the hazardous-chemical warning before the explosion is an incident of its own, with its own page
    pages = sorted((tmp_path / "out").glob("evaluation-*.html"))
    assert len(pages) == 2
    page = pages[-1]
    html = page.read_text(encoding="utf-8")
    assert "调查评估" in html and "损失评估" in html and "JINGJINJI-" not in html
    assert "燃气爆炸 · 桥东区" in capsys.readouterr().out
    with pytest.raises(UserError, match="did you mean 'JINGJINJI-000001'"):
        evaluate_file(Settings(), deltas, "JINGJINJI-00001", tmp_path / "out")
