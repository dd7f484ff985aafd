"""The learned part of the call reader is what the fit script makes from the train split, and only from it."""

from __future__ import annotations

import json

from scenarios import call_quality
from scenarios.corpus import fit_reader


def test_the_shipped_model_is_what_the_script_fits_from_the_train_split() -> None:
    corpus = call_quality.load_corpus()
    groups = json.loads((fit_reader.HERE / "groups.json").read_text(encoding="utf-8"))
    doc, _ = fit_reader.build(corpus, groups)
    assert doc == json.loads(fit_reader.OUT.read_text(encoding="utf-8"))
    # the test split does not move it: its texts changed, the fitted model stays the same
    blind = [c if c.split == "train" else c.__class__(**{**c.__dict__, "content": "着火了"}) for c in corpus]
    assert fit_reader.build(blind, groups)[0] == doc


def test_only_life_safety_topics_need_the_model_to_agree_and_they_need_a_more_precise_one() -> None:
    import numpy as np

    chances = np.array([0.35, 0.45, 0.55, 0.65, 0.75, 0.05])
    truth = np.array([False, True, True, True, True, True])
    assert fit_reader.thresholds(chances, truth, life=False) == (0.0, 0.4)  # from 0.40 up right on 4 of 4
    assert fit_reader.thresholds(chances, truth, life=True) == (0.05, 0.4)  # under 0.10 it would miss one
    assert fit_reader.thresholds(np.array([0.9, 0.9]), np.array([True, False]), life=True)[1] == 1.01  # never
