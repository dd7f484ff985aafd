"""Call understanding: what a 12345 work order reports, read from its whole text.

Each topic has weighted cues (streams/data/hotline_topics.yaml); a topic is reported when the weights of its cues
found in the text reach the threshold. A cue does not count where the text denies it (`没闻到燃气味`), fears it
(`担心会爆炸`), expects it (`明天要停水`), or where the words name an object or a figure of speech rather than an
event (`燃气灶`, `被困扰`, `爆满`): those phrases are masked before cues are looked for. A call may report several
topics (a person trapped by flood water is `trapped` and `flooding`); when nothing is clear it is `other`.

The reading also says how the caller knows: `remote` when the call only perceives an event from afar (heard a
blast, saw smoke over there) and reports nothing at the caller's own place; `felt` when every topic is one that
only says a regional event is felt (shaking, heavy rain). Fusion uses that to tell effects from perceptions.

A learned part (`streams/data/hotline_model.json`, fitted on the labelled corpus's train split by
`scenarios/corpus/fit_reader.py`) reads the same text with the denied, feared and expected cues marked: a linear
model over its character n-grams gives each topic a probability. A life-safety topic the cues report is dropped
when the model finds it unlikely (the two must agree before rescue crews are sent); a topic whose cues fell short
of the threshold is given when the model is sure of it. Both thresholds per topic were chosen by cross-validation
on the train split. The topics the cues report come first, so the model adds topics to a call the cues can name
without changing its kind.

Scores are kept (`Reading.scores`, `Reading.learned`) so an operator can see why a call was read as it was.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from geo.datafiles import load_yaml

OTHER = "other"
MODEL_FILE = "hotline_model.json"
MARKED_JOIN = "，"
EFFECT = "effect"  # the role of a call that names damage at its place and no event (`墙裂了`)
DENIED, FEARED = "denied", "feared"  # why a cue found in the text is not reported
DISCOUNTED = "否"  # what a denied, feared or expected cue becomes in the text the learned part reads
_CLAUSE = re.compile(r"[，,。.！!？?；;、\s：:~～…]+|但是|但|不过|可是")


@dataclass(frozen=True)
class Reading:
    """What a call reports: its topics (most specific first), the score of every topic that had a cue, and how the
    caller knows (`here`, `remote` or `felt`)."""

    topics: tuple[str, ...]
    scores: tuple[tuple[str, float], ...]
    role: str
    at_caller: bool = False  # the text names damage or people at the caller's own place (broken windows, hurt)
    learned: tuple[tuple[str, float], ...] = ()  # the learned part's probability of each topic it finds likely
    # a call that reports no topic but speaks of the regional event (a cue of the weather or of shaking below the
    # threshold: `雷声太大了`) or of a fear (`担心地下室进水`) is about the event, not about any one site: the felt
    # topic it speaks of (`weather`, `quake_felt`), or `feared`
    of_event: str = ""
    # a person trapped or hurt by an everyday cause the text names (a lift) and no hazard: not the event's
    everyday: bool = False

    @property
    def primary(self) -> str:
        return self.topics[0]

    def scores_text(self) -> str:
        """`cues trapped 2.4 flooding 1; model trapped 0.93 flooding 0.88`: the cue weights found and the model's
        probabilities (0.1 and above)."""
        cues = " ".join(f"{topic} {score:g}" for topic, score in self.scores)
        if not self.learned:
            return cues
        model = " ".join(f"{topic} {p:.2f}" for topic, p in self.learned)
        return f"cues {cues or '-'}; model {model or '-'}"


@dataclass(frozen=True)
class _Cue:
    topic: str
    weight: float


class CallReader:
    """The scored classifier over a cue table and, when given, a learned model; `load` builds the shipped one."""

    def __init__(self, doc: Mapping[str, Any], model: Mapping[str, Any] | None = None) -> None:
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
        self.risk_after = tuple(doc.get("risk_after", ()))
        self.future = tuple(doc["future"])
        self.not_future = tuple(doc.get("not_future", ()))
        self.future_reach = int(doc.get("future_reach", 3))
        self.negation_reach = int(doc.get("negation_reach", 6))
        self.category_weight = {str(k): float(v) for k, v in (doc.get("category_weight") or {}).items()}
        cues: dict[str, list[_Cue]] = {}
        not_for: dict[str, set[str]] = {}
        effects: dict[str, set[str]] = {}
        for topic, row in doc["topics"].items():
            for word, weight in (row.get("cues") or {}).items():
                cues.setdefault(str(word), []).append(_Cue(topic, float(weight)))
            for word in row.get("effects", ()) or ():
                if str(word) not in (row.get("cues") or {}):
                    raise ValueError(f"hotline_topics.yaml: {topic}.effects names {word!r}, which is not a cue of it")
                effects.setdefault(str(word), set()).add(topic)
            for phrase in row.get("not", ()) or ():
                not_for.setdefault(str(phrase), set()).add(topic)
        self.cues = {word: tuple(found) for word, found in cues.items()}
        self.effects = {word: frozenset(topics) for word, topics in effects.items()}
        self.with_effects = frozenset(t for topics in self.effects.values() for t in topics)
        cancels: dict[str, set[str]] = {}
        for topic, row in doc["topics"].items():
            for phrase in row.get("cancelled_by", ()) or ():
                cancels.setdefault(str(phrase), set()).add(topic)
        self._cancels = _Lexicon(cancels)
        self._everyday = _Lexicon(doc.get("everyday", {}).get("causes", ()))
        self.life_safety = frozenset(doc.get("everyday", {}).get("topics", ()))
        self.cancels = {phrase: frozenset(topics) for phrase, topics in cancels.items()}
        self.not_for = {phrase: frozenset(topics) for phrase, topics in not_for.items()}
        self._cues = _Lexicon(self.cues)
        self._masks = _Lexicon(str(m) for m in doc.get("masks", ()))
        self._nots = _Lexicon(self.not_for)
        self._perceive = _Lexicon(doc["remote"]["perceive"])
        self._here = _Lexicon(doc["remote"]["here"])
        self.remote_topics = frozenset(doc["remote"]["topics"])
        self.model = LearnedTopics(model, self.all_topics) if model is not None else None

    @classmethod
    def load(cls, learned: bool = True) -> CallReader:
        """The shipped cue table, with the shipped learned model unless `learned` is false (the cues alone, which the
        model is fitted beside)."""
        data = resources.files("streams").joinpath("data")
        topics_file = data.joinpath("hotline_topics.yaml")
        doc = load_yaml(str(topics_file), topics_file.read_text(encoding="utf-8"))
        model = json.loads(data.joinpath(MODEL_FILE).read_text(encoding="utf-8")) if learned else None
        return cls(doc, model)

    @property
    def all_topics(self) -> frozenset[str]:
        return frozenset((*self.topics, OTHER))

    def read(self, content: str, category: str = "", urgency: str = "", address: str = "") -> Reading:
        text = self.repair(content)
        masked = _blank(text, self._masks.find_all(text))
        scores: dict[str, float] = {}
        named: set[str] = set()  # topics with a cue that names the event itself, not only damage it may have done
        damage = False  # some cue names damage at the caller's place (a crack, a broken window)
        cancelled: set[str] = set()  # topics the text says are over or not the case (`已经救出来了`, `车抛锚了`)
        feared = False  # some cue is feared, expected or named as a risk (`担心会进水`)
        marked: list[str] = []  # the clauses with each discounted cue replaced by a mark, for the learned part
        for clause in _clauses(masked):
            spans = [(a, b, self.not_for[w]) for a, b, w in self._nots.find_all(clause)]
            discounted: list[tuple[int, int]] = []
            for start, end, word in self._cues.find_all(clause):
                why = self._discounted(clause, start, end)
                if why:
                    discounted.append((start, end))
                    feared = feared or why == FEARED
                    continue
                effect_of = self.effects.get(word, frozenset())
                for cue in self.cues[word]:
                    if any(a < end and start < b and cue.topic in topics for a, b, topics in spans):
                        continue  # an object or a figure of speech for this topic (摔倒 is no collapse)
                    scores[cue.topic] = scores.get(cue.topic, 0.0) + cue.weight
                    if cue.topic in effect_of:
                        damage = True
                    else:
                        named.add(cue.topic)
            for start, end, phrase in self._cancels.find_all(clause):
                if not self._discounted(clause, start, end):
                    cancelled |= self.cancels[phrase]
            marked.append(_mark(clause, discounted))
        factor = self.category_weight.get(category, 1.0)
        # damage alone does not say which event did it (`墙裂了` is no collapse, `玻璃震碎了` no explosion in a quake):
        # a topic whose cues found are all damage cues is not reported, by the cues or by the model
        found = scores
        scores = {t: s for t, s in scores.items() if (t in named or t not in self.with_effects) and t not in cancelled}
        given = [t for t in self.order if scores.get(t, 0.0) * factor >= self.threshold]
        learned: tuple[tuple[str, float], ...] = ()
        if self.model is not None:
            chances = self.model.chances(MARKED_JOIN.join(marked))
            kept = [t for t in given if self.model.gives(t, True, chances[t])]
            # the model completes what the cues half saw (a cue below the threshold); it does not name a topic from
            # character statistics alone, which on texts unlike the corpus's read 窗户碎了 as an explosion
            added = [
                t for t in self.order if t not in given and scores.get(t) and self.model.gives(t, False, chances[t])
            ]
            # The call's kind (its first topic, which routes it to a family) comes from the cues when they report a
            # topic: the model's additions are evidence beside them, fitted on 850 short texts, and do not reroute a
            # call the cues can name. A call the cues cannot name takes its kind from the model.
            given = kept + added if kept else added
            learned = tuple((t, round(p, 2)) for t in self.order if (p := chances.get(t, 0.0)) >= 0.1)
        if len(given) > 1:
            given = [t for t in given if t not in self.alone_topics]  # e.g. weather only when nothing else
        if self.category_weight.get(category, 1.0) <= 0:
            given = []  # praise for a response that is over reports nothing now
        topics = tuple(given) or (OTHER,)
        shown = tuple((t, round(s, 2)) for t in self.order if (s := found.get(t, 0.0)) > 0)
        of_event = ""
        if topics == (OTHER,):
            felt = max((t for t in self.felt_topics if scores.get(t)), key=lambda t: scores[t], default="")
            of_event = felt or (FEARED if feared else "")
        role = EFFECT if topics == (OTHER,) and damage else self._role(topics, masked)
        of_event = "" if role == EFFECT else of_event
        everyday = set(topics) <= self.life_safety and self._everyday.search(masked)
        return Reading(topics, shown, role, self._here.search(masked), learned, of_event, everyday)

    def marked(self, content: str) -> str:
        """The text the learned part reads: repaired, objects and figures of speech blanked, every denied, feared or
        expected cue replaced by a mark (`没闻到燃气味` → `没闻到否`), clauses joined by a comma."""
        text = self.repair(content)
        masked = _blank(text, self._masks.find_all(text))
        marked = []
        for clause in _clauses(masked):
            found = [(a, b) for a, b, _ in self._cues.find_all(clause) if self._discounted(clause, a, b)]
            marked.append(_mark(clause, found))
        return MARKED_JOIN.join(marked)

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

    def _discounted(self, clause: str, start: int, end: int) -> str:
        """Why the cue at `start:end` is not reported: `DENIED`, or `FEARED` (feared, expected or named as a risk);
        empty when it is reported."""
        after = clause[end:]
        if any(word in after for word in self.risk_after):
            return FEARED
        before = clause[:start]
        near = before[-self.negation_reach :]
        for word in self.negators:
            at = near.rfind(word)
            if at >= 0 and not _covered(near, at, self.not_negators):
                return DENIED
        for word in self.fear:
            at = before.rfind(word)
            if at >= 0 and not _covered(before, at, self.not_fear):
                return FEARED
        tail = before[-self.future_reach :]
        expected = any(word in tail and not _covered(tail, tail.rfind(word), self.not_future) for word in self.future)
        return FEARED if expected else ""

    def _role(self, topics: tuple[str, ...], text: str) -> str:
        if all(t in self.felt_topics for t in topics):
            return "felt"
        if set(topics) <= self.remote_topics and self._perceive.search(text) and not self._here.search(text):
            return "remote"
        return "here"


class LearnedTopics:
    """A linear model over character n-grams (tf-idf, one-vs-rest logistic regression) fitted by
    scenarios/corpus/fit_reader.py, and each topic's two thresholds: `keep` (a topic the cues report stays unless its
    probability is below it) and `add` (a topic the cues miss is given at or above it)."""

    def __init__(self, doc: Mapping[str, Any], known: frozenset[str]) -> None:
        self.topics: tuple[str, ...] = tuple(doc["topics"])
        unknown = sorted(set(self.topics) - known)
        if unknown:
            raise ValueError(f"{MODEL_FILE}: topics={unknown} are not in hotline_topics.yaml")
        self.ngram = (int(doc["ngram"][0]), int(doc["ngram"][1]))
        self.scale = float(doc["scale"])
        self.intercept = tuple(float(b) for b in doc["intercept"])
        self.keep = {t: float(doc["keep"][t]) for t in self.topics}
        self.add = {t: float(doc["add"][t]) for t in self.topics}
        width = len(self.topics)
        self.index: dict[str, tuple[int, float]] = {}  # gram -> (row of the weights, idf)
        rows = []
        for row, (gram, (idf, weights)) in enumerate(doc["grams"].items()):
            if len(weights) != width:
                raise ValueError(f"{MODEL_FILE}: gram={gram!r} has {len(weights)} weights for {width} topics")
            self.index[gram] = (row, float(idf))
            rows.append(weights)
        self.weights = np.asarray(rows, dtype=np.float64).reshape(len(rows), width) / self.scale
        self.bias = np.asarray(self.intercept, dtype=np.float64)

    def chances(self, text: str) -> dict[str, float]:
        """Each topic's probability for a marked text (tf-idf with sublinear tf and l2 norm over the known grams, as
        it was fitted)."""
        low, high = self.ngram
        counts: dict[str, int] = {}
        index = self.index
        for n in range(low, high + 1):
            for at in range(len(text) - n + 1):
                gram = text[at : at + n]
                if gram in index:
                    counts[gram] = counts.get(gram, 0) + 1
        sums = self.bias
        if counts:
            rows = [index[g][0] for g in counts]
            values = np.fromiter(((1.0 + math.log(c)) * index[g][1] for g, c in counts.items()), np.float64, len(rows))
            sums = sums + (values / np.sqrt(values @ values)) @ self.weights[rows]
        chances = 1.0 / (1.0 + np.exp(-sums))
        return dict(zip(self.topics, chances.tolist(), strict=True))

    def gives(self, topic: str, by_cues: bool, chance: float) -> bool:
        return chance >= (self.keep[topic] if by_cues else self.add[topic])


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


def _mark(clause: str, spans: list[tuple[int, int]]) -> str:
    for start, end in reversed(spans):
        clause = clause[:start] + DISCOUNTED + clause[end:]
    return clause


def _clauses(text: str) -> list[str]:
    return [c for c in _CLAUSE.split(text) if c]
