"""Loads every held-out scenario with the project's scenario loader and its truth with the truth loader.

Loading only: it scores nothing. Run: python -m scenarios.heldout.check
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from geo.datafiles import LoadError
from scenarios.cluster_quality import load_truth
from scenarios.model import load_scenario

HELDOUT = Path(__file__).resolve().parent
TOPICS = {
    "explosion", "gas_smell", "fire", "chemical", "collapse", "trapped", "injured", "flooding",
    "waterlogging", "roof_leak", "water_outage", "power_outage", "quake_felt", "weather", "other",
}  # fmt: skip


def check_scenarios() -> list[str]:
    lines = []
    for path in sorted(HELDOUT.glob("*.yaml")):
        scenario = load_scenario(path)
        truth = load_truth(HELDOUT / "truth" / path.name, scenario)
        calls = sum(1 for e in scenario.timeline if e.topic.endswith("hotline"))
        placed = len(truth.of_entry) + len(truth.of_device) + len(truth.of_silence)
        lines.append(f"{path.name}: {len(scenario.timeline)} messages, {calls} calls, {placed} placed in the truth")
    return lines


def check_corpus(path: Path = HELDOUT / "hotline_heldout.jsonl") -> str:
    keys = {"id", "content", "category", "urgency", "address", "topics", "register", "split"}
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for n, record in enumerate(records, 1):
        if set(record) != keys:
            raise ValueError(f"{path}:{n}: keys {sorted(record)}")
        topics = record["topics"]
        if not topics or set(topics) - TOPICS or topics != sorted(topics) or ("other" in topics and len(topics) > 1):
            raise ValueError(f"{path}:{n}: topics={topics}")
        if not 5 <= len(record["content"]) <= 150:
            raise ValueError(f"{path}:{n}: content is {len(record['content'])} characters")
    if len({r["content"] for r in records}) != len(records):
        raise ValueError(f"{path}: a content is repeated")
    return f"{path.name}: {len(records)} records"


def main() -> int:
    try:
        for line in check_scenarios():
            print(line)
        if (HELDOUT / "hotline_heldout.jsonl").exists():
            print(check_corpus())
    except (LoadError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
