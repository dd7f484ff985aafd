"""Builds the held-out hotline set, hotline_heldout.jsonl, from the hand-written lines in corpus_src/.

Each source line is `register|category|urgency|topics|address|content` (codes at the top of corpus_src/a.txt);
the output has the record format of scenarios/corpus/hotline_labelled.jsonl, with `split` = `heldout`. The same
sources give the same bytes. Run: python -m scenarios.heldout.build_corpus
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = sorted((HERE / "corpus_src").glob("*.txt"))
OUT = HERE / "hotline_heldout.jsonl"

REGISTERS = {
    "dlg": "dialogue",
    "vb": "verbatim",
    "asr": "speech_to_text",
    "st": "structured",
    "dia": "dialect",
    "neg": "negation",
    "fear": "fear",
    "hs": "hearsay",
    "obj": "object",
    "mix": "mixed",
}
CATEGORIES = {"咨询", "求助", "投诉", "举报", "建议", "表扬"}
URGENCIES = {"一般", "紧急", "特急"}
TOPICS = {
    "explosion", "gas_smell", "fire", "chemical", "collapse", "trapped", "injured", "flooding",
    "waterlogging", "roof_leak", "water_outage", "power_outage", "quake_felt", "weather", "other",
}  # fmt: skip


def parse(path: Path) -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{path.name}:{n}"
        fields = line.split("|")
        if len(fields) != 6:
            raise ValueError(f"{where}: {len(fields)} fields, expected 6")
        register, category, urgency, topics_text, address, content = fields
        topics = sorted(topics_text.split(","))
        if register not in REGISTERS:
            raise ValueError(f"{where}: register={register}")
        if category not in CATEGORIES or urgency not in URGENCIES:
            raise ValueError(f"{where}: category={category} urgency={urgency}")
        if set(topics) - TOPICS or ("other" in topics and len(topics) > 1):
            raise ValueError(f"{where}: topics={topics_text}")
        if not 5 <= len(content) <= 150:
            raise ValueError(f"{where}: content is {len(content)} characters")
        records.append(
            {
                "content": content,
                "category": category,
                "urgency": urgency,
                "address": address,
                "topics": topics,
                "register": REGISTERS[register],
            }
        )
    return records


def build() -> list[dict[str, object]]:
    records = [r for path in SOURCES for r in parse(path)]
    seen: set[object] = set()
    out = []
    for n, record in enumerate(records, 1):
        if record["content"] in seen:
            raise ValueError(f"content repeated: {record['content']}")
        seen.add(record["content"])
        out.append({"id": f"ho-{n:04d}", **record, "split": "heldout"})
    return out


def jsonl(records: list[dict[str, object]]) -> str:
    """The records as the shipped file holds them: one JSON object a line, UTF-8 as is."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def main() -> None:
    records = build()
    OUT.write_text(jsonl(records), encoding="utf-8")
    print(f"{OUT}: {len(records)} records")


if __name__ == "__main__":
    main()
