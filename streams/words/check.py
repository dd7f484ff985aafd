"""What must never reach an operator's eyes: ids, epoch times, adcodes, raw enum ids, JSON.

Used by the completeness test over every shipped scenario and by the browser tests over the page's text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("incident or task id", re.compile(r"\b[A-Z]{2,}-\d{3,}")),
    ("responder id", re.compile(r"\b[a-z]+(?:_[a-z]+)*-\d{6}-\d+\b")),
    ("epoch time", re.compile(r"(?<![\d.])\d{10,13}(?![\d.])")),
    ("adcode", re.compile(r"(?<![\d.])\d{6}(?![\d.])")),
    ("enum id", re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")),
    ("JSON", re.compile(r"[{}]|\"\w+\":")),
    ("machine time", re.compile(r"\bt=\d|\bT\d{2}:\d{2}:\d{2}|\d{4}-\d{2}-\d{2}T")),
)


def machine_text(text: str, ids: Iterable[str] = ()) -> list[str]:
    """Each piece of `text` that is machine text, with what it is; `ids` adds names that must not show
    (rule and timer ids of the playbooks, for instance)."""
    found = [f"{what}: {m.group(0)!r}" for what, pattern in _PATTERNS for m in pattern.finditer(text)]
    for name in ids:
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            found.append(f"id: {name!r}")
    return found
