"""Build the labelled 12345 hotline corpus (hotline_labelled.jsonl) and split it.

Two sources, both committed beside this script:

- ``src/hand_*.txt``: texts written one by one, with their labels (most of the corpus);
- a seeded generator (this file, with the word pools of ``pools.py``) that assembles call-taker summaries and
  a few other registers from clauses that each report one known topic.

Run ``python -m scenarios.corpus.build`` (or ``python scenarios/corpus/build.py``) from the repository root. The
output is the same on every run. The split is then assigned by ``split.py``, which this script calls at the end.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(HERE.parents[1]))

from scenarios.corpus import pools, split  # noqa: E402

SEED = 20240313
OUT = HERE / "hotline_labelled.jsonl"
GROUPS = HERE / "groups.json"
SRC = HERE / "src"
FIELDS = ("id", "content", "category", "urgency", "address", "topics", "register", "split")
URGENCY_ORDER = {"一般": 0, "紧急": 1, "特急": 2}


def sort_topics(topics) -> list[str]:
    topics = sorted(set(topics))
    if "other" in topics and len(topics) > 1:
        raise ValueError(f"'other' must stand alone: {topics}")
    return topics


def load_hand() -> list[dict]:
    """Read the hand-written files: register|category|urgency|topics|address|content."""
    out = []
    for path in sorted(SRC.glob("hand_*.txt")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("|")
            if len(parts) != 6:
                raise ValueError(f"{path.name}:{lineno}: expected 6 fields, got {len(parts)}")
            reg, cat, urg, topics, address, content = parts
            out.append(
                {
                    "content": content.strip(),
                    "category": pools.CATEGORY[cat],
                    "urgency": pools.URGENCY[urg],
                    "address": address.strip(),
                    "topics": sort_topics(pools.CODE[t] for t in topics.split(",")),
                    "register": pools.REGISTER[reg],
                    "_group": f"hand:{path.stem}:{lineno}",
                }
            )
    return out


RURAL = [a for a in pools.AREAS if a[0].endswith(("镇", "乡", "县")) or a[1].endswith(("县", "市", "镇", "乡"))]
MOUNTAIN = [a for a in pools.AREAS if any(k in a[0] for k in pools.MOUNTAIN_COUNTIES)]
URBAN = [a for a in pools.AREAS if a[0].endswith("街道") and a[0].startswith(("北京市", "天津市"))]


def place_for(rng: random.Random, text: str) -> tuple[str, str]:
    """An (address, short name) pair that fits the text: hills, villages and rivers, metro stations."""
    if re.search("山|水库", text):
        return rng.choice(MOUNTAIN)
    if re.search("村|河|沙洲|农田|秸秆|柴草|养殖|堤", text):
        return rng.choice(RURAL)
    if "地铁" in text:
        return rng.choice(URBAN)
    return rng.choice(pools.AREAS)


def pick_address(rng: random.Random, text: str) -> str:
    """An address, as a caller gives it, for a hand-written text that names none."""
    roll = rng.random()
    if "高速" in text:
        return rng.choice(pools.HIGHWAYS + pools.VAGUE_HIGHWAY)
    if re.search("山|水库|村|河|地铁", text):
        if "村" in text and roll < 0.3:
            return rng.choice(pools.VAGUE_VILLAGE)
        return place_for(rng, text)[0]
    if re.search("桥|路|积水|车|站", text):
        if roll < 0.2:
            return rng.choice(pools.LANDMARKS)
        if roll < 0.3:
            return rng.choice(pools.VAGUE_STREET)
        return rng.choice(pools.AREAS)[0]
    if re.search("楼|家|屋|单元|厨房|顶", text):
        return rng.choice(pools.VAGUE_HOME) if roll < 0.25 else rng.choice(pools.AREAS)[0]
    return rng.choice(pools.VAGUE_STREET) if roll < 0.15 else rng.choice(pools.AREAS)[0]


def cat_urg(rng: random.Random, topics: list[str]) -> tuple[str, str]:
    options = [rng.choice(pools.DEFAULTS[t]) for t in topics]
    cat = options[0][0]
    urg = max((u for _, u in options), key=lambda u: URGENCY_ORDER[u])
    return cat, urg


class Clauses:
    """Hands out a topic's clauses, least used first, and names the group each clause belongs to."""

    def __init__(self, rng: random.Random, table: dict[str, list[str]], prefix: str):
        self.rng = rng
        self.table = table
        self.prefix = prefix
        self.used: Counter = Counter()

    def take(self, topic: str, solo_ok: bool = True, pattern: str | None = None) -> tuple[str, str]:
        candidates = [
            i
            for i, text in enumerate(self.table[topic])
            if (solo_ok or not text.endswith("~")) and (pattern is None or re.search(pattern, text))
        ]
        if not candidates:
            raise RuntimeError(f"no clause of {topic} matches {pattern!r}")
        low = min(self.used[(topic, i)] for i in candidates)
        idx = self.rng.choice([i for i in candidates if self.used[(topic, i)] == low])
        self.used[(topic, idx)] += 1
        return self.table[topic][idx].rstrip("~"), f"{self.prefix}:{topic}:{idx:02d}"


def formal(rng: random.Random, clause: str, topics_for_closer: list[str], place: str) -> str:
    opener = rng.choice(pools.OPENERS)
    body = clause.replace("{p}", place)
    main = topics_for_closer[0]
    if main in pools.QUESTION_TOPICS:
        closer = rng.choice(pools.TOPIC_CLOSERS[main])
    else:
        choices = list(pools.CLOSERS)
        for t in topics_for_closer:
            choices += pools.TOPIC_CLOSERS.get(t, []) * 2
        closer = rng.choice(choices)
    return f"{opener}{body}，{closer}" if closer else f"{opener}{body}。"


def typo(rng: random.Random, text: str) -> str | None:
    """The text with slips (homophones, pinyin, no punctuation); None if nothing could be changed."""
    original = text
    subs = [(a, b) for a, b in pools.TYPO_SUBS if a in text]
    rng.shuffle(subs)
    changed = False
    for a, alts in subs[: rng.choice([1, 1, 2])]:
        text = text.replace(a, rng.choice(alts), 1)
        changed = True
    if not changed:
        general = [(a, b) for a, b in pools.TYPO_GENERAL if a in text]
        if general:
            a, alts = rng.choice(general)
            text = text.replace(a, rng.choice(alts), 1)
            changed = True
    if rng.random() < 0.8 or not changed:
        sep = rng.choice([" ", "", " "])
        for mark in "，。！？、":
            text = text.replace(mark, sep)
    text = " ".join(text.split())
    return text if text != original and changed else None


def generate(rng: random.Random) -> list[dict]:
    out: list[dict] = []
    clauses = Clauses(rng, pools.CLAUSES, "gen")
    snippets = Clauses(rng, pools.SNIPPETS, "snip")
    topics = [t for t in pools.TOPICS if t != "other"]

    def rec(content, topics_, register, group, address, cat=None, urg=None):
        topics_ = sort_topics(topics_)
        if cat is None:
            cat, urg = cat_urg(rng, topics_ if topics_ != ["other"] else ["other"])
        if cat == "建议" and register in ("typo", "terse", "hearsay"):
            cat = "咨询"
        out.append(
            {
                "content": content,
                "category": cat,
                "urgency": urg,
                "address": address,
                "topics": topics_,
                "register": register,
                "_group": group,
            }
        )

    # 1. call-taker summaries, one topic: every clause once
    for t in topics:
        for _ in range(len(pools.CLAUSES[t])):
            clause, group = clauses.take(t)
            address, place = place_for(rng, clause)
            rec(formal(rng, clause, [t], place), [t], "formal", group, address)

    # 2. two topics in one summary (each pair once)
    for first, second, phrases, pattern in pools.ADDON_PAIRS:
        clause, group = clauses.take(first, solo_ok=False, pattern=pattern)
        address, place = place_for(rng, clause)
        closer_topics = ["quake_felt"] if first == "quake_felt" else [second, first]
        rec(formal(rng, clause + rng.choice(phrases), closer_topics, place), [first, second], "mixed", group, address)

    # 3. negation: a reported topic, then a denied one (label: the reported topic only)
    for first, _denied, phrases, pattern in pools.NEGATION_PAIRS:
        clause, group = clauses.take(first, solo_ok=False, pattern=pattern)
        address, place = place_for(rng, clause)
        rec(formal(rng, clause + rng.choice(phrases), [first], place), [first], "negation", group, address)

    # 4. fear: a reported topic, then a feared one (label: the reported topic only) ...
    for first, phrases, pattern in pools.FEAR_PAIRS:
        clause, group = clauses.take(first, solo_ok=False, pattern=pattern)
        address, place = place_for(rng, clause)
        rec(formal(rng, clause + rng.choice(phrases), [first], place), [first], "fear", group, address)
    # ... and situations where nothing has happened yet (label: other)
    for idx, (situation, fears) in enumerate(pools.FEAR_SITUATIONS):
        address, place = place_for(rng, situation)
        body = situation.replace("{p}", place) + rng.choice(fears)
        closer = rng.choice(["请相关部门排查隐患。", "请相关部门提前处置。", "请尽快核查。", "希望有关部门重视。"])
        cat = rng.choice(["投诉", "建议", "咨询"])
        rec(
            f"{rng.choice(pools.OPENERS)}{body}，{closer}",
            ["other"],
            "fear",
            f"gen:fear_situation:{idx:02d}",
            address,
            cat,
            "一般",
        )

    # 5. hearsay: someone else said it happened (labelled), and rumours of what may come (other)
    for i in range(26):
        t = topics[(i * 5) % len(topics)]
        snippet, group = snippets.take(t)
        tails = pools.HEARSAY_TAILS + (pools.HEARSAY_TAILS_SERIOUS if t in pools.SERIOUS else [])
        tails += pools.HEARSAY_TAILS_EVACUATE if t in pools.EVACUATE else []
        tail = rng.choice(tails)
        address, place = rng.choice(pools.AREAS)
        if re.search("家里|屋|房顶|屋顶|天花板|单元|楼道|地下室", snippet):
            text = f"{rng.choice(pools.PERSONAL_RELATIONS)}{snippet}{tail}"
        else:
            where = rng.choice([f"{place}那边", f"{place}", "", "我们那儿"])
            text = f"{rng.choice(pools.RELATIONS)}{where}{snippet}{tail}"
        cat, urg = cat_urg(rng, [t])
        urg = "紧急" if urg == "特急" else urg
        cat = "咨询" if t in pools.QUESTION_TOPICS else rng.choice(["咨询", "求助"])
        rec(text, [t], "hearsay", group, address, cat, urg)
    for idx, rumour in enumerate(pools.RUMOURS):
        address, place = rng.choice(pools.AREAS)
        lead = rng.choice(["听说", "群里说", "邻居说", "网上传"])
        text = f"{lead}{rng.choice([place, '我们这', '咱们这片'])}{rumour}{rng.choice(pools.RUMOUR_TAILS)}"
        rec(text, ["other"], "hearsay", f"gen:rumour:{idx:02d}", address, "咨询", "一般")

    # 6. typo: colloquial snippets with homophone slips, pinyin and no punctuation
    for i in range(40):
        t = topics[(i * 3) % len(topics)]
        for _attempt in range(20):
            snippet, group = snippets.take(t)
            address, place = rng.choice(pools.AREAS)
            extra = rng.choice(pools.TYPO_EXTRAS.get(t, pools.TYPO_EXTRAS_DEFAULT))
            slipped = typo(rng, f"{rng.choice([place + ' ', ''])}{snippet}，{extra}" if extra else snippet)
            if slipped:
                text = slipped
                break
        else:
            raise RuntimeError(f"no typo text for {t}")
        if len(text) < 5:
            text = f"{place} {text}"
        rec(text, [t], "typo", group, address)

    # 7. terse: a place and a few characters
    for i in range(30):
        t = topics[(i * 11) % len(topics)]
        idx = rng.randrange(len(pools.TERSE[t]))
        word = pools.TERSE[t][idx]
        address, place = rng.choice(pools.AREAS)
        text = rng.choice([f"{place} {word}", f"{place}{word}", f"{word} {place}"])
        rec(text, [t], "terse", f"terse:{t}:{idx}", address)
    return out


def validate(records: list[dict]) -> None:
    """Refuse a record that breaks the corpus rules (README.md, *Files*)."""
    allowed = set(pools.TOPICS)
    seen: set[str] = set()
    for r in records:
        problems = []
        if not 5 <= len(r["content"]) <= 150:
            problems.append(f"length {len(r['content'])}")
        if not set(r["topics"]) <= allowed or r["topics"] != sorted(r["topics"]):
            problems.append(f"topics {r['topics']}")
        if "other" in r["topics"] and r["topics"] != ["other"]:
            problems.append("'other' with another topic")
        if r["category"] not in pools.CATEGORY.values() or r["urgency"] not in pools.URGENCY.values():
            problems.append(f"category/urgency {r['category']}/{r['urgency']}")
        if r["register"] not in pools.REGISTER.values():
            problems.append(f"register {r['register']}")
        if not r["address"]:
            problems.append("no address")
        if r["content"] in seen:
            problems.append("duplicate text")
        seen.add(r["content"])
        if problems:
            raise ValueError(f"{r['content']!r}: {'; '.join(problems)}")


def build() -> tuple[list[dict], dict[str, str]]:
    """All records in id order (``split`` left empty) and the group of each id."""
    rng = random.Random(SEED)
    hand = load_hand()
    for r in hand:
        if not r["address"]:
            r["address"] = pick_address(rng, r["content"])
    records = hand + generate(rng)
    validate(records)
    rng.shuffle(records)
    groups = {}
    out = []
    for i, r in enumerate(records, 1):
        r["id"] = f"hl-{i:04d}"
        r["split"] = ""
        groups[r["id"]] = r["_group"]
        out.append({k: r[k] for k in FIELDS})
    return out, groups


def main() -> None:
    records, groups = build()
    with OUT.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    GROUPS.write_text(json.dumps(groups, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    n_hand = sum(g.startswith("hand:") for g in groups.values())
    print(f"{len(records)} records ({n_hand} written one by one, {len(records) - n_hand} generated)")
    split.main()


if __name__ == "__main__":
    main()
