"""The phrasebook: the operator language as data (`streams/data/phrases.yaml`), loaded and checked once.

A template is a piece of machine text with `{name:kind}` where a value varies ("stage {from:stage}→{to:stage}");
it compiles to an anchored pattern, so the first template that matches the whole text names its values. A bad
file fails at load time with `file:line` and what is wrong (an unknown kind, a value the forms do not use).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pydantic

from geo.datafiles import StrictModel, load_yaml_model
from geo.names import did_you_mean

DATA = Path(str(resources.files("streams"))) / "data" / "phrases.yaml"
Pair = tuple[str, str]

# Kinds said by a function of the renderer, with the text each matches; vocabulary kinds match their keys.
PATTERNS: dict[str, str] = {
    "int": r"\d+",
    "num": r"-?\d+(?:\.\d+)?",
    "pct": r"-?\d+(?:\.\d+)?",
    "minutes": r"\d+",
    "text": r".*?",
    "message": r".*?",
    "province": r"\d{6}",
    "provinces": r"\d{6}(?:, \d{6})*",
    "place": r"\d{6}",
    "site": r".+?",
    "places": r"\d{6}(?:, \d{6})*",
    "rule": r"\S+",
    "timer": r"\S+",
    "playbook": r"\S+",
    "incident": r"\S+",
    "approval": r"\S+",
    "responder": r"\S+",
    "owner": r"\S+",
    "task": r"\S+",
    "request": r"\S+",
    "warning": r"\S+",
    "operator": r".+?",
    "actor": r".+?",
    "iso": r"\S+",
    "borrowed": r"(?:, \d+ asked of \d{6})*",
    "short": r"(?:, \d+ short)?",
}
# The composed phrases the renderer needs (`lines:` in the file).
LINES = frozenset(
    {
        "incident", "incident_next", "incident_evidence", "incident_update", "more", "task", "task_unfilled",
        "responder",
        "notification", "notification_general", "aid_requested", "aid_offered", "aid_committed", "aid_declined",
        "aid_timed_out", "warning", "warning_headline", "closure", "casualty_routing", "casualty_share", "rejected",
        "incident_title", "no_incident", "task_label", "request_label", "operator", "borrowed", "short",
        "timer_label", "rule_unknown", "list_separator", "share_separator", "report_due", "report_submitted",
        "report_late", "report_was_late", "report_merged", "losses", "money", "work_order_assigned",
        "work_order_handling", "work_order_done", "work_order_reply", "work_order_follow_up", "supply", "supply_own",
        "supply_lot", "supply_written_off", "supply_depot", "supply_shelter",
    }
)  # fmt: skip
_SLOT = re.compile(r"\{(\w+)(?::(\w+))?\}")
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")


class _Actor(StrictModel):
    rule: str
    say: Pair


class _Decision(StrictModel):
    what: str
    reason: str | None = None
    quiet: bool = False  # said on the feed only when a delta has room (the timeline has everything)
    say: Pair


class _Notification(StrictModel):
    message: str
    say: Pair


class _Rejection(StrictModel):
    text: str
    say: Pair


class _StageRules(StrictModel):
    enter: Pair
    exit: Pair
    reopen: Pair
    overdue: Pair


class PhrasesFile(StrictModel):
    vocabulary: dict[str, dict[str, Pair]]
    units: dict[str, Pair]
    centres: dict[str, Pair]
    stage_rules: _StageRules
    lines: dict[str, Pair]
    actors: list[_Actor]
    decisions: list[_Decision]
    notifications: list[_Notification]
    rejections: list[_Rejection]
    texts: list[tuple[str, str] | tuple[str, str, str]] = pydantic.Field(default_factory=list)


@dataclass(frozen=True)
class Template:
    """Machine text with named values, and what it says in Chinese and English."""

    source: str
    pattern: re.Pattern[str]
    kinds: tuple[tuple[str, str], ...]  # (name, kind) in order
    say: Pair

    def match(self, text: str) -> dict[str, str] | None:
        found = self.pattern.fullmatch(text)
        return None if found is None else found.groupdict()


def compile_template(
    source: str, say: Pair, vocabulary: dict[str, dict[str, Pair]], where: str, also: frozenset[str] = frozenset()
) -> Template:
    """`also`: names the forms may use besides the template's own (those of a decision's reason template)."""
    parts: list[str] = []
    kinds: list[tuple[str, str]] = []
    at = 0
    for slot in _SLOT.finditer(source):
        name, kind = slot.group(1), slot.group(2) or "text"
        if kind in PATTERNS:
            pattern = PATTERNS[kind]
        elif kind in vocabulary:
            keys = sorted(vocabulary[kind], key=len, reverse=True)
            pattern = "|".join(re.escape(k) for k in keys)
        else:
            known = sorted({*PATTERNS, *vocabulary})
            raise ValueError(f"{where}: {source!r}: unknown kind {kind!r}{did_you_mean(kind, known)}")
        if name in dict(kinds):
            raise ValueError(f"{where}: {source!r}: the value {name!r} is named twice")
        parts.append(re.escape(source[at : slot.start()]))
        parts.append(f"(?P<{name}>{pattern})")
        kinds.append((name, kind))
        at = slot.end()
    parts.append(re.escape(source[at:]))
    names = {n for n, _ in kinds} | also
    for lang, form in zip(("zh", "en"), say, strict=True):
        for used in _SLOT.finditer(form):
            if used.group(1) not in names:
                raise ValueError(f"{where}: {lang} form {form!r} uses {{{used.group(1)}}}, which {source!r} has not")
    return Template(source, re.compile("".join(parts), re.DOTALL), tuple(kinds), say)


def fill(form: str, values: dict[str, str]) -> str:
    """Put the said values into a form; a [part] with an empty value inside is left out."""

    def optional(part: re.Match[str]) -> str:
        inner = part.group(1)
        used = [m.group(1) for m in _SLOT.finditer(inner)]
        return "" if any(not values.get(name) for name in used) else inner

    return _SLOT.sub(lambda m: values.get(m.group(1), ""), _OPTIONAL.sub(optional, form))


class Phrasebook:
    """The phrases file, compiled: vocabulary, unit and centre names, and the template lists."""

    def __init__(self, spec: PhrasesFile, where: str = str(DATA)) -> None:
        self.vocabulary = spec.vocabulary
        self.units = spec.units
        self.centres = spec.centres
        self.stage_rules = spec.stage_rules
        self.lines = spec.lines
        absent = sorted(LINES - set(spec.lines))
        if absent:
            raise ValueError(f"{where}: lines: missing {', '.join(absent)}")
        voc = spec.vocabulary

        def compiled(items: list[tuple[str, Pair]], section: str) -> tuple[Template, ...]:
            return tuple(
                compile_template(src, say, voc, f"{where}: {section}[{i}]") for i, (src, say) in enumerate(items)
            )

        self.actors = compiled([(a.rule, a.say) for a in spec.actors], "actors")
        self.reasons: dict[str, Template] = {
            d.what: compile_template(d.reason, ("", ""), voc, f"{where}: decisions[{i}].reason")
            for i, d in enumerate(spec.decisions)
            if d.reason is not None
        }
        self.decisions = tuple(
            compile_template(
                d.what,
                d.say,
                voc,
                f"{where}: decisions[{i}]",
                frozenset(n for n, _ in self.reasons[d.what].kinds) if d.what in self.reasons else frozenset(),
            )
            for i, d in enumerate(spec.decisions)
        )
        self.quiet = frozenset(d.what for d in spec.decisions if d.quiet)
        self.notifications = compiled([(n.message, n.say) for n in spec.notifications], "notifications")
        self.rejections = compiled([(r.text, r.say) for r in spec.rejections], "rejections")
        self.texts: dict[str, Pair] = {}
        for entry in spec.texts:
            pair = (entry[0], entry[1])
            for side in entry:
                self.texts[side] = pair

    @classmethod
    def load(cls, path: Path = DATA) -> Phrasebook:
        spec = load_yaml_model(PhrasesFile, path)
        return cls(spec, str(path))

    def word(self, kind: str, key: str, lang: str) -> str | None:
        pair = self.vocabulary.get(kind, {}).get(key)
        return None if pair is None else pair[0 if lang == "zh" else 1]


def first_match(templates: tuple[Template, ...], text: str) -> tuple[Template, dict[str, str]] | None:
    for template in templates:
        values = template.match(text)
        if values is not None:
            return template, values
    return None
