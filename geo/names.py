"""Longest-name matching in free text (addresses in hotline work orders).

Names are kept in one dict per length, so a lookup costs ``len(text) × distinct lengths`` dict probes,
independent of how many names are known.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
_RUNNER_UP_MARGIN = 0.15


@dataclass(frozen=True)
class Match(Generic[T]):
    value: T
    matched: str
    start: int


@dataclass(frozen=True)
class NameMatcher(Generic[T]):
    """Maps names to values; a name mapped to two different values is ambiguous and never matches."""

    by_length: Mapping[int, Mapping[str, T]]
    ambiguous: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, T]]) -> NameMatcher[T]:
        seen: dict[str, T] = {}
        ambiguous: set[str] = set()
        for name, value in pairs:
            if not name:
                continue
            if name in seen and seen[name] != value:
                ambiguous.add(name)
            seen.setdefault(name, value)
        by_length: dict[int, dict[str, T]] = {}
        for name, value in seen.items():
            if name not in ambiguous:
                by_length.setdefault(len(name), {})[name] = value
        return cls(by_length=by_length, ambiguous=frozenset(ambiguous))

    def _scan(self, text: str) -> Iterator[Match[T]]:
        for length in sorted(self.by_length, reverse=True):
            table = self.by_length[length]
            for start in range(len(text) - length + 1):
                piece = text[start : start + length]
                value = table.get(piece)
                if value is not None:
                    yield Match(value, piece, start)

    def find_all(self, text: str) -> list[Match[T]]:
        """Every known name in ``text``, longest first, then leftmost."""
        return list(self._scan(text))

    def find(self, text: str) -> Match[T] | None:
        """The longest known name in ``text`` (leftmost on a tie)."""
        return next(self._scan(text), None)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ``did you mean …?`` suffix for error messages, empty when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.5)
    if not close:
        return ""
    # Name the runners-up only when they are nearly as close as the best: 'singal' is 'signal', not 'lasting'.
    best = difflib.SequenceMatcher(None, word, close[0]).ratio()
    close = [c for c in close if difflib.SequenceMatcher(None, word, c).ratio() >= best - _RUNNER_UP_MARGIN]
    return f"; did you mean {', '.join(repr(c) for c in close)}?"
