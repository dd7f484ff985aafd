"""What must never reach an operator's eyes: ids, epoch times, adcodes, raw enum ids, JSON.

Used by the completeness test over every shipped scenario and by the browser tests over the page's text.
"""

from __future__ import annotations

import functools
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


_WORD = re.compile(r"[\w-]+")


def machine_text(text: str, ids: Iterable[str] = ()) -> list[str]:
    """Each piece of `text` that is machine text, with what it is; `ids` adds names that must not show
    (rule and timer ids of the playbooks, for instance). Pass a frozenset when there are many: a replay
    names thousands of incidents, tasks and units, and each text is then read once, not once per name."""
    found = [f"{what}: {m.group(0)!r}" for what, pattern in _PATTERNS for m in pattern.finditer(text)]
    simple, other = _partition(ids if isinstance(ids, frozenset) else frozenset(ids))
    # A name shows when it stands alone, not inside a longer word: the maximal runs of word characters
    # and hyphens are exactly the places where a name made of those characters may stand.
    shown = sorted(simple.intersection(_WORD.findall(text)))
    shown += [name for name in other if name in text and _stands_alone(name, text)]
    return found + [f"id: {name!r}" for name in shown]


@functools.lru_cache(maxsize=8)
def _partition(names: frozenset[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    simple = frozenset(name for name in names if _WORD.fullmatch(name))
    return simple, tuple(sorted(names - simple))


def _stands_alone(name: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None
