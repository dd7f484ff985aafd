"""Call understanding: what a 12345 work order reports, read from its whole text.

Each topic has weighted cues (streams/data/hotline_topics.yaml); a topic is reported when the weights of its cues
found in the text reach the threshold. A cue does not count where the text denies it (`没闻到燃气味`), fears it
(`担心会爆炸`), expects it (`明天要停水`), or where the words name an object or a figure of speech rather than an
event (`燃气灶`, `被困扰`, `爆满`): those phrases are masked before cues are looked for. A call may report several
topics (a person trapped by flood water is `trapped` and `flooding`); when nothing is clear it is `other`.

The reading also says how the caller knows: `remote` when the call only perceives an event from afar (heard a
blast, saw smoke over there) and reports nothing at the caller's own place; `felt` when every topic is one that
only says a regional event is felt (shaking, heavy rain). Fusion uses that to tell effects from perceptions.

Scores are kept (`Reading.scores`) so an operator can see why a call was read as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

OTHER = "other"
_CLAUSE = re.compile(r"[，,。.！!？?；;、\s：:~～…]+|但是|但|不过|可是")


@dataclass(frozen=True)
class Reading:
    """What a call reports: its topics (most specific first), the score of every topic that had a cue, and how the
    caller knows (`here`, `remote` or `felt`)."""

    topics: tuple[str, ...]
    scores: tuple[tuple[str, float], ...]
    role: str
    at_caller: bool = False  # the text names damage or people at the caller's own place (broken windows, hurt)

    @property
    def primary(self) -> str:
        return self.topics[0]

    def scores_text(self) -> str:
        return " ".join(f"{topic} {score:g}" for topic, score in self.scores)


@dataclass(frozen=True)
class _Cue:
    topic: str
    weight: float


class CallReader:
    """The scored classifier over a cue table; build it with `load` (the shipped table) or `from_doc`."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.threshold = float(doc["threshold"])
        self.order: tuple[str, ...] = tuple(doc["kind_order"])
        self.felt_topics = frozenset(doc["felt_topics"])
        self.alone_topics = frozenset(doc.get("alone_topics", ()))
        self.topics = tuple(doc["topics"])
        unknown = sorted(set(self.order) ^ {*self.topics, OTHER})
        if unknown:
            raise ValueError(f"hotline_topics.yaml: kind_order and topics differ on {unknown}")
        self.typos = tuple(
            sorted(((str(k), str(v)) for k, v in doc.get("typos", {}).items()), key=lambda kv: -len(kv[0]))
        )
        self.negators = tuple(doc["negators"])
        self.not_negators = tuple(doc["not_negators"])
        self.fear = tuple(doc["fear"])
        self.not_fear = tuple(doc.get("not_fear", ()))
        self.future = tuple(doc["future"])
        self.not_future = tuple(doc.get("not_future", ()))
        self.future_reach = int(doc.get("future_reach", 3))
        self.negation_reach = int(doc.get("negation_reach", 6))
        self.category_weight = {str(k): float(v) for k, v in (doc.get("category_weight") or {}).items()}
        cues: dict[str, list[_Cue]] = {}
        not_for: dict[str, set[str]] = {}
        for topic, row in doc["topics"].items():
            for word, weight in (row.get("cues") or {}).items():
                cues.setdefault(str(word), []).append(_Cue(topic, float(weight)))
            for phrase in row.get("not", ()) or ():
                not_for.setdefault(str(phrase), set()).add(topic)
        self.cues = {word: tuple(found) for word, found in cues.items()}
        self.not_for = {phrase: frozenset(topics) for phrase, topics in not_for.items()}
        self._cues = _Lexicon(self.cues)
        self._masks = _Lexicon(str(m) for m in doc.get("masks", ()))
        self._nots = _Lexicon(self.not_for)
        self._perceive = _Lexicon(doc["remote"]["perceive"])
        self._here = _Lexicon(doc["remote"]["here"])
        self.remote_topics = frozenset(doc["remote"]["topics"])

    @classmethod
    def load(cls) -> CallReader:
        text = resources.files("streams").joinpath("data/hotline_topics.yaml").read_text(encoding="utf-8")
        return cls(yaml.safe_load(text))

    @property
    def all_topics(self) -> frozenset[str]:
        return frozenset((*self.topics, OTHER))

    def read(self, content: str, category: str = "", urgency: str = "", address: str = "") -> Reading:
        text = self.repair(content)
        masked = _blank(text, self._masks.find_all(text))
        scores: dict[str, float] = {}
        for clause in _clauses(masked):
            spans = [(a, b, self.not_for[w]) for a, b, w in self._nots.find_all(clause)]
            for start, end, word in self._cues.find_all(clause):
                if self._discounted(clause, start):
                    continue
                for cue in self.cues[word]:
                    if any(a < end and start < b and cue.topic in topics for a, b, topics in spans):
                        continue  # an object or a figure of speech for this topic (摔倒 is no collapse)
                    scores[cue.topic] = scores.get(cue.topic, 0.0) + cue.weight
        factor = self.category_weight.get(category, 1.0)
        given = [t for t in self.order if scores.get(t, 0.0) * factor >= self.threshold]
        if len(given) > 1:
            given = [t for t in given if t not in self.alone_topics]  # e.g. weather only when nothing else
        if self.category_weight.get(category, 1.0) <= 0:
            given = []  # praise for a response that is over reports nothing now
        topics = tuple(given) or (OTHER,)
        shown = tuple((t, round(s, 2)) for t in self.order if (s := scores.get(t, 0.0)) > 0)
        return Reading(topics, shown, self._role(topics, masked), self._here.search(masked))

    def classify(self, content: str, category: str = "", urgency: str = "", address: str = "") -> frozenset[str]:
        """The set of topics (the corpus scorer's classifier signature)."""
        return frozenset(self.read(content, category, urgency, address).topics)

    def repair(self, text: str) -> str:
        """Common slips fixed (homophones, pinyin), full-width letters folded, lower case."""
        text = text.lower()
        for wrong, right in self.typos:
            if wrong in text:
                text = text.replace(wrong, right)
        return text

    def _discounted(self, clause: str, start: int) -> bool:
        """Whether the cue at `start` is denied, feared or expected rather than reported."""
        before = clause[:start]
        near = before[-self.negation_reach :]
        for word in self.negators:
            at = near.rfind(word)
            if at >= 0 and not _covered(near, at, self.not_negators):
                return True
        for word in self.fear:
            at = before.rfind(word)
            if at >= 0 and not _covered(before, at, self.not_fear):
                return True
        tail = before[-self.future_reach :]
        return any(word in tail and not _covered(tail, tail.rfind(word), self.not_future) for word in self.future)

    def _role(self, topics: tuple[str, ...], text: str) -> str:
        if all(t in self.felt_topics for t in topics):
            return "felt"
        if set(topics) <= self.remote_topics and self._perceive.search(text) and not self._here.search(text):
            return "remote"
        return "here"


class _Lexicon:
    """Words looked up by their first character: at each position of a text, the longest word starting there."""

    def __init__(self, words: Iterable[str]) -> None:
        by_first: dict[str, list[str]] = {}
        for word in sorted({w for w in words if w}, key=lambda w: (-len(w), w)):
            by_first.setdefault(word[0], []).append(word)
        self.by_first = {k: tuple(v) for k, v in by_first.items()}

    def find_all(self, text: str) -> list[tuple[int, int, str]]:
        """The longest word at each position, without words lying inside an earlier one (so `燃气味` is not counted
        again as `气味`); words that only overlap both count (`有人掉` and `掉井里`)."""
        found: list[tuple[int, int, str]] = []
        reach = 0
        get = self.by_first.get
        for start, char in enumerate(text):
            words = get(char)
            if not words:
                continue
            for word in words:
                if text.startswith(word, start):
                    end = start + len(word)
                    if end > reach:
                        found.append((start, end, word))
                        reach = end
                    break
        return found

    def search(self, text: str) -> bool:
        return bool(self.find_all(text))


def _covered(text: str, at: int, words: tuple[str, ...]) -> bool:
    """Whether the word found at `at` is part of one of `words` there (没过 is no 没, 可怕 no 怕)."""
    return any(text.startswith(w, k) for w in words for k in range(max(0, at - len(w) + 1), at + 1))


def _blank(text: str, spans: list[tuple[int, int, str]]) -> str:
    if not spans:
        return text
    parts, at = [], 0
    for start, end, _ in spans:
        parts.append(text[at:start])
        parts.append("□" * (end - start))
        at = end
    parts.append(text[at:])
    return "".join(parts)


def _clauses(text: str) -> list[str]:
    return [c for c in _CLAUSE.split(text) if c]
