"""Scoring hotline understanding against a labelled corpus: per-topic precision/recall, macro-F1, life safety."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scenarios import call_quality


def corpus(tmp_path: Path, rows: list[tuple[str, list[str], str]]) -> Path:
    path = tmp_path / "corpus.jsonl"
    lines = [
        json.dumps({"id": f"c{n}", "content": text, "topics": topics, "split": split}, ensure_ascii=False)
        for n, (text, topics, split) in enumerate(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def by_words(content: str, category: str, urgency: str, address: str) -> frozenset[str]:
    found = {topic for word, topic in (("燃气", "gas_smell"), ("困", "trapped"), ("水", "flooding")) if word in content}
    return frozenset(found)


def test_scores_count_every_topic_of_every_call(tmp_path: Path) -> None:
    calls = call_quality.load_corpus(
        corpus(
            tmp_path,
            [
                ("闻到燃气味", ["gas_smell"], "test"),
                ("家里进水了，老人被困", ["flooding", "trapped"], "test"),
                ("被困扰很久了，噪音", ["other"], "test"),  # "困" misleads the matcher: a wrong life-safety topic
                ("楼道里有燃气灶", ["other"], "train"),  # not in the test split
            ],
        )
    )
    q = call_quality.score(calls, by_words)
    assert q.calls == 3 and q.exact == 2 and q.wrong_life_safety == 1
    scores = {t.topic: t for t in q.topics}
    assert (scores["trapped"].predicted, scores["trapped"].correct, scores["trapped"].support) == (2, 1, 1)
    assert scores["trapped"].precision == 0.5 and scores["trapped"].recall == 1.0
    assert scores["other"].recall == 0.0  # the noise call was never left as other
    assert q.macro_f1 == pytest.approx((1.0 + 1.0 + 2 / 3 + 0.0) / 4)


def test_a_broken_line_names_its_place(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(
        '{"id": "a", "content": "x", "topics": ["other"], "split": "test"}\n{"id": "b"}\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"c.jsonl:2: not a labelled call"):
        call_quality.load_corpus(path)


def test_the_keyword_matcher_reads_as_a_set_of_topics() -> None:
    classify = call_quality.single_topic_classifier(lambda text: "trapped_by_water" if "困" in text else "other")
    assert classify("被困在房顶", "", "", "") == {"trapped", "flooding"}
    assert classify("你好", "", "", "") == {"other"}
