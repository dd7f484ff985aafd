"""The labelled hotline corpus (scenarios/corpus): the file keeps its rules; the build and the split reproduce it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from scenarios.corpus import build, split

CORPUS = Path(split.__file__).resolve().parent
TOPICS = set(split.TOPICS)
REGISTERS = set(split.REGISTERS)
FIELDS = ["id", "content", "category", "urgency", "address", "topics", "register", "split"]


@pytest.fixture(scope="module")
def records() -> list[dict]:
    with (CORPUS / "hotline_labelled.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="module")
def groups() -> dict[str, str]:
    return json.loads((CORPUS / "groups.json").read_text(encoding="utf-8"))


def test_every_record_keeps_the_rules(records: list[dict]) -> None:
    assert len(records) >= 1200
    assert [r["id"] for r in records] == [f"hl-{i:04d}" for i in range(1, len(records) + 1)]
    assert len({r["content"] for r in records}) == len(records)
    for r in records:
        assert list(r) == FIELDS, r["id"]
        assert 5 <= len(r["content"]) <= 150, r["id"]
        assert r["topics"] == sorted(set(r["topics"])) and set(r["topics"]) <= TOPICS, r["id"]
        assert r["topics"] == ["other"] or "other" not in r["topics"], r["id"]
        assert r["category"] in {"咨询", "求助", "投诉", "举报", "建议", "表扬"}, r["id"]
        assert r["urgency"] in {"一般", "紧急", "特急"}, r["id"]
        assert r["register"] in REGISTERS and r["split"] in {"train", "test"} and r["address"], r["id"]


def test_coverage(records: list[dict], groups: dict[str, str]) -> None:
    topics = Counter(t for r in records for t in r["topics"])
    assert all(topics[t] >= 60 for t in TOPICS), topics
    registers = Counter(r["register"] for r in records)
    assert all(registers[g] >= 30 for g in ("negation", "fear", "object", "hearsay", "near_miss")), registers
    assert 0.30 <= registers["formal"] / len(records) <= 0.40
    hand = sum(groups[r["id"]].startswith("hand:") for r in records)
    assert hand / len(records) >= 0.6


def test_halves_are_balanced_and_keep_clauses_apart(records: list[dict], groups: dict[str, str]) -> None:
    assert split.check(records) == []
    for t in TOPICS:
        tr = sum(1 for r in records if t in r["topics"] and r["split"] == "train")
        te = sum(1 for r in records if t in r["topics"] and r["split"] == "test")
        assert abs(tr - te) <= max(10, (tr + te) // 5), (t, tr, te)
    side: dict[str, str] = {}
    for r in records:
        assert side.setdefault(groups[r["id"]], r["split"]) == r["split"], groups[r["id"]]


def test_build_and_split_reproduce_the_file(records: list[dict], groups: dict[str, str]) -> None:
    rebuilt, rebuilt_groups = build.build()
    assert rebuilt_groups == groups
    assert [{k: v for k, v in r.items() if k != "split"} for r in rebuilt] == [
        {k: v for k, v in r.items() if k != "split"} for r in records
    ]
    split.assign(rebuilt, rebuilt_groups)
    assert [r["split"] for r in rebuilt] == [r["split"] for r in records]


def test_readme_tables_are_current(records: list[dict], groups: dict[str, str]) -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert split.tables(records, groups) in readme
