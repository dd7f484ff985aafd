"""Fit the call reader's learned part on the corpus's train split and write streams/data/hotline_model.json.

What is fitted (scikit-learn, a development dependency; the reader needs only the JSON at run time):

- the text read is the reader's marked text (`CallReader.marked`: repaired, objects blanked, each denied, feared or
  expected cue replaced by a mark), so the model sees the negation handling of the cues;
- features: character 1-2-grams, tf-idf with sublinear tf and l2 norm, grams seen in at least two train texts;
- one logistic regression per topic (one-vs-rest, so a call may have several topics; class weights balanced);
- each topic's thresholds, from 5-fold cross-validation on the train split (folds keep the corpus's generated
  records of one clause together, `groups.json`), on the model's out-of-fold probabilities only:
  `add`, the lowest probability at which the model alone is right on >= 95 % of the calls it gives the topic to
  (>= 98 % for a life-safety topic: a wrong one sends rescue crews); `keep`, for a life-safety topic only, below
  which a topic the cues report is dropped: the highest probability under which the model missed at most 5 % of the
  topic's calls, so the cues and the model must agree before rescue crews are sent. Other topics the cues report are
  kept whatever the model says: on the train split the cues are near perfect (they were written against it), so
  cross-validation there cannot show that a veto helps, only what it costs.

The cue table was written against the train split, so scores of the combined reader on the train split flatter it;
the thresholds are therefore chosen from the model's out-of-fold figures alone. The test split is never read here.

Deterministic: the same corpus gives the same file. Run: .venv/bin/python scenarios/corpus/fit_reader.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from scenarios import call_quality
from streams.ingest.understand import MODEL_FILE, OTHER, CallReader

HERE = Path(__file__).resolve().parent
OUT = HERE.parent.parent / "streams" / "data" / MODEL_FILE
NGRAM = (1, 2)
C = 10.0  # inverse regularisation; 3, 10 and 30 scored alike in cross-validation (char 1-2 grams: macro-F1 ~0.88)
FOLDS = 5
SCALE = 1000  # weights are stored as integers in thousandths: the file stays small, the probabilities move < 0.01
PRECISION_ADD = 0.95
PRECISION_ADD_LIFE = 0.98
MISSED_KEEP_LIFE = 0.05
GRID = tuple(round(0.3 + 0.05 * k, 2) for k in range(14))  # 0.30 … 0.95
KEEP_GRID = (0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3)


def vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char", ngram_range=NGRAM, sublinear_tf=True, min_df=2, dtype=np.float64)


def fit_topics(texts: list[str], labels: np.ndarray) -> tuple[TfidfVectorizer, list[LogisticRegression]]:
    vec = vectorizer()
    x = vec.fit_transform(texts)
    models = []
    for j in range(labels.shape[1]):
        model = LogisticRegression(C=C, solver="liblinear", class_weight="balanced", random_state=0)
        model.fit(x, labels[:, j])
        models.append(model)
    return vec, models


def predict(vec: TfidfVectorizer, models: list[LogisticRegression], texts: list[str]) -> np.ndarray:
    x = vec.transform(texts)
    return np.column_stack([m.predict_proba(x)[:, 1] for m in models])


def out_of_fold(texts: list[str], labels: np.ndarray, groups: list[str]) -> np.ndarray:
    chances = np.zeros(labels.shape, dtype=np.float64)
    for fit_rows, held_rows in GroupKFold(n_splits=FOLDS).split(texts, groups=groups):
        vec, models = fit_topics([texts[i] for i in fit_rows], labels[fit_rows])
        chances[held_rows] = predict(vec, models, [texts[i] for i in held_rows])
    return chances


def thresholds(chances: np.ndarray, truth: np.ndarray, life: bool) -> tuple[float, float]:
    """(keep, add) for one topic from its out-of-fold probabilities."""
    need = PRECISION_ADD_LIFE if life else PRECISION_ADD
    add = 1.01  # never added by the model alone when no threshold is precise enough
    for t in GRID:
        given = chances >= t
        if given.any() and (given & truth).sum() / given.sum() >= need:
            add = t
            break
    keep = 0.0
    if not life:
        return keep, add
    allowed = int(MISSED_KEEP_LIFE * truth.sum())
    for t in KEEP_GRID:
        if ((chances < t) & truth).sum() > allowed:
            break
        keep = t
    return keep, add


def build(corpus: list[call_quality.LabelledCall], groups: dict[str, str]) -> tuple[dict, dict[str, float]]:
    reader = CallReader.load(learned=False)
    topics = [t for t in reader.order if t != OTHER]
    train = [c for c in corpus if c.split == "train"]
    texts = [reader.marked(c.content) for c in train]
    labels = np.array([[t in c.topics for t in topics] for c in train], dtype=int)
    chances = out_of_fold(texts, labels, [groups.get(c.id, c.id) for c in train])
    keep, add = {}, {}
    for j, topic in enumerate(topics):
        keep[topic], add[topic] = thresholds(chances[:, j], labels[:, j] == 1, topic in call_quality.LIFE_SAFETY)
    vec, models = fit_topics(texts, labels)
    weights = np.column_stack([m.coef_[0] for m in models])
    grams = {
        gram: [round(float(vec.idf_[col]), 4), [round(float(w) * SCALE) for w in weights[col]]]
        for gram, col in sorted(vec.vocabulary_.items())
    }
    doc = {
        "about": "The call reader's learned part (streams/ingest/understand.py), written by "
        "scenarios/corpus/fit_reader.py from the corpus's train split; do not edit by hand.",
        "fitted_on": f"train split, {len(train)} calls",
        "topics": topics,
        "ngram": list(NGRAM),
        "scale": SCALE,
        "intercept": [round(float(m.intercept_[0]), 4) for m in models],
        "keep": keep,
        "add": add,
        "grams": grams,
    }
    return doc, cv_scores(chances, labels, topics)


def cv_scores(chances: np.ndarray, labels: np.ndarray, topics: list[str]) -> dict[str, float]:
    """The model alone at 0.5, out of fold: an honest figure (the cues, written against the train split, are not in
    it)."""
    f1s = []
    for j in range(len(topics)):
        given = chances[:, j] >= 0.5
        truth = labels[:, j] == 1
        tp = (given & truth).sum()
        f1s.append(2 * tp / (given.sum() + truth.sum()) if given.sum() + truth.sum() else 1.0)
    return {"model alone, out of fold, macro-F1 over hazard topics at 0.5": float(np.mean(f1s))}


def main() -> None:
    corpus = call_quality.load_corpus()
    groups = json.loads((HERE / "groups.json").read_text(encoding="utf-8"))
    doc, scores = build(corpus, groups)
    OUT.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    for name, value in scores.items():
        print(f"{name}: {value:.3f}")
    for topic in doc["topics"]:
        print(f"    {topic:14s} keep {doc['keep'][topic]:.2f}  add {doc['add'][topic]:.2f}")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes, {len(doc['grams']):,} grams)", file=sys.stderr)


if __name__ == "__main__":
    main()
