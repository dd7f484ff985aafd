"""The phrasebook file: templates compile to anchored patterns; a bad file fails at load with where."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.words.phrasebook import DATA, Phrasebook, compile_template, fill, first_match

VOC = {"stage": {"before": ("预警", "warning"), "during": ("响应", "response")}}


def test_a_template_names_its_values_and_fills_both_languages() -> None:
    template = compile_template(
        "stage {from:stage}→{to:stage}", ("阶段 {from} → {to}", "stage {from} → {to}"), VOC, "t"
    )
    assert template.match("stage before→during") == {"from": "before", "to": "during"}
    assert template.match("stage before→closedX") is None
    assert fill("响应级别 {old} → {new}[（{why}）]", {"old": "Ⅲ", "new": "Ⅱ", "why": ""}) == "响应级别 Ⅲ → Ⅱ"
    assert fill("[{title}｜]{unit}", {"title": "燃气爆炸", "unit": "通州"}) == "燃气爆炸｜通州"


def test_an_unknown_kind_or_an_unnamed_value_fails_with_where() -> None:
    with pytest.raises(ValueError, match=r"t: 'x \{a:stag\}': unknown kind 'stag'; did you mean 'stage'"):
        compile_template("x {a:stag}", ("{a}", "{a}"), VOC, "t")
    with pytest.raises(ValueError, match=r"uses \{b\}"):
        compile_template("x {a:stage}", ("{b}", "{a}"), VOC, "t")


def test_the_shipped_phrasebook_loads_and_a_broken_one_says_file_and_line(tmp_path: Path) -> None:
    book = Phrasebook.load()
    hit = first_match(book.decisions, "dispatch fire_suppression x4: 2 sent, 2 asked of 110000")
    assert hit is not None and hit[1]["borrowed"] == ", 2 asked of 110000"
    broken = tmp_path / "phrases.yaml"
    broken.write_text(DATA.read_text(encoding="utf-8").replace("  stage:\n", "  stage:\n    bad: [x]\n", 1))
    with pytest.raises(ValueError, match=r"phrases\.yaml:\d+: vocabulary\.stage\.bad"):
        Phrasebook.load(broken)


def test_every_hazard_readiness_answers_has_words_and_so_has_its_warning() -> None:
    # a warning of a hazard readiness.yaml knows is measured and said on the page: its hazard and the incident
    # type of the warning (`<hazard>_warning`) must be words, never an enum id
    from geo.coverage import load_readiness_rules

    vocabulary = Phrasebook.load().vocabulary
    for hazard in load_readiness_rules().hazards:
        assert hazard in vocabulary["hazard"], hazard
        assert f"{hazard}_warning" in vocabulary["type"], hazard
