"""How well hotline calls are understood, against a labelled corpus: per-topic precision and recall, macro-F1.

The corpus (`scenarios/corpus/hotline_labelled.jsonl`, see its README) holds work orders written in the registers
real ones come in, each labelled with every topic it reports (`other` alone when none). Half of it is a test split
that no rule may be tuned on; scores are reported on a split, by default the test split.

A classifier is any function from a work order's content, category, urgency and address to the set of topics it
reports. Besides per-topic scores, the share of calls given a life-safety topic (trapped, injured) they do not have
is reported: that mistake sends rescue crews where none are needed.

Run: .venv/bin/ebrain fusion-quality (prints this beside the clustering scores)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus" / "hotline_labelled.jsonl"
LIFE_SAFETY = frozenset({"trapped", "injured"})
OTHER = "other"

Classifier = Callable[[str, str, str, str], frozenset[str]]


@dataclass(frozen=True)
class LabelledCall:
    id: str
    content: str
    category: str
    urgency: str
    address: str
    topics: frozenset[str]
    register: str
    split: str


@dataclass(frozen=True)
class TopicScore:
    topic: str
    support: int  # calls that have it
    predicted: int  # calls given it
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else (1.0 if not self.support else 0.0)

    @property
    def recall(self) -> float:
        return self.correct / self.support if self.support else (1.0 if not self.predicted else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class CallQuality:
    split: str
    calls: int
    topics: tuple[TopicScore, ...]
    exact: int  # calls whose whole topic set is right
    wrong_life_safety: int  # calls given a life-safety topic they do not have

    @property
    def macro_f1(self) -> float:
        """Over the topics the split has (a topic only ever given wrongly lowers the others' precision)."""
        labelled = [t for t in self.topics if t.support]
        return sum(t.f1 for t in labelled) / len(labelled) if labelled else 0.0


def load_corpus(path: Path = CORPUS) -> list[LabelledCall]:
    calls = []
    with path.open(encoding="utf-8") as lines:
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                calls.append(
                    LabelledCall(
                        id=str(doc["id"]),
                        content=str(doc["content"]),
                        category=str(doc.get("category", "")),
                        urgency=str(doc.get("urgency", "")),
                        address=str(doc.get("address", "")),
                        topics=frozenset(doc["topics"]),
                        register=str(doc.get("register", "")),
                        split=str(doc["split"]),
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{n}: not a labelled call: {exc}") from None
    return calls


def score(calls: Iterable[LabelledCall], classify: Classifier, split: str = "test") -> CallQuality:
    chosen = [c for c in calls if c.split == split]
    topics = sorted({t for c in chosen for t in c.topics})
    support = dict.fromkeys(topics, 0)
    given = dict.fromkeys(topics, 0)
    correct = dict.fromkeys(topics, 0)
    exact = wrong_life = 0
    for call in chosen:
        got = classify(call.content, call.category, call.urgency, call.address) or frozenset({OTHER})
        exact += got == call.topics
        wrong_life += bool((got - call.topics) & LIFE_SAFETY)
        for topic in call.topics:
            support[topic] += 1
        for topic in got:
            given[topic] = given.get(topic, 0) + 1
            support.setdefault(topic, 0)
            correct.setdefault(topic, 0)
            if topic in call.topics:
                correct[topic] += 1
    scores = tuple(TopicScore(t, support[t], given.get(t, 0), correct[t]) for t in sorted(support))
    return CallQuality(split, len(chosen), scores, exact, wrong_life)


def report_lines(q: CallQuality, name: str) -> list[str]:
    calls = max(q.calls, 1)
    lines = [
        f"calls ({name}, {q.split} split, {q.calls} calls): macro-F1 {q.macro_f1:.3f}, exact {q.exact / calls:.1%}, "
        f"wrong life-safety topic {q.wrong_life_safety} ({q.wrong_life_safety / calls:.1%})"
    ]
    for t in q.topics:
        lines.append(
            f"    {t.topic:14s} support {t.support:4}  given {t.predicted:4}  "
            f"P {t.precision:.3f}  R {t.recall:.3f}  F1 {t.f1:.3f}"
        )
    return lines


# The first-keyword matcher the brain used before it read whole texts (first topic whose keyword appears wins), kept
# as the baseline the scores and the benchmark compare against. It named a person trapped by water with one topic
# of its own; in the corpus's topics that is a trapped person and a flood.
FIRST_KEYWORD = (
    ("explosion", ("爆炸", "炸了", "巨响", "爆燃")),
    (
        "gas_smell",
        ("燃气味", "煤气味", "天然气味", "液化气", "闻到燃气", "闻到煤气", "燃气泄漏", "煤气泄漏", "漏气", "燃气"),
    ),
    ("collapse", ("坍塌", "倒塌", "塌了", "垮塌")),
    ("fire", ("着火", "火灾", "起火", "冒烟")),
    ("chemical", ("化学品", "刺鼻", "危化品", "氯气", "氨气")),
    ("trapped_by_water", ("被困", "困在", "房顶上", "屋顶上", "爬上房顶", "救命", "冲走")),
    ("flooding", ("进水", "淹了", "水漫", "洪水", "漫堤", "决口")),
    ("waterlogging", ("积水", "内涝", "水深", "下凹桥", "涵洞")),
    ("roof_leak", ("漏雨", "屋顶漏", "房顶漏", "渗水")),
    ("water_outage", ("停水", "没水", "水压低", "自来水")),
    ("power_outage", ("停电", "没电")),
)
_LEGACY_TOPICS = {"trapped_by_water": frozenset({"trapped", "flooding"})}


def first_keyword(text: str) -> str:
    for topic, words in FIRST_KEYWORD:
        if any(word in text for word in words):
            return topic
    return OTHER


def single_topic_classifier(classify: Callable[[str], str] = first_keyword) -> Classifier:
    """A classifier that gives one topic for content and address (the keyword matcher), as a set of topics."""

    def topics(content: str, category: str, urgency: str, address: str) -> frozenset[str]:
        topic = classify(content + " " + address)
        return _LEGACY_TOPICS.get(topic, frozenset({topic}))

    return topics
