"""China's warning scales in CAP 1.2 terms: the mapping file, validated, and the lookups built on it.

The values live in ``playbooks/data/cap_mapping.yaml``; this module only checks and indexes them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from geo.datafiles import load_yaml_model
from geo.names import did_you_mean

Colour = Literal["red", "orange", "yellow", "blue"]
ResponseLevel = Literal["I", "II", "III", "IV"]
# CAP 1.2 value sets, strongest first: the order is what "the stronger of two" means below.
Severity = Literal["Extreme", "Severe", "Moderate", "Minor", "Unknown"]
Urgency = Literal["Immediate", "Expected", "Future", "Past", "Unknown"]
Certainty = Literal["Observed", "Likely", "Possible", "Unlikely", "Unknown"]
Category = Literal[
    "Geo",
    "Met",
    "Safety",
    "Security",
    "Rescue",
    "Fire",
    "Health",
    "Env",
    "Transport",
    "Infra",
    "CBRNE",
    "Other",
]
ResponseType = Literal["Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"]

COLOURS: tuple[Colour, ...] = get_args(Colour)
RESPONSE_LEVELS: tuple[ResponseLevel, ...] = get_args(ResponseLevel)
_SEVERITY_RANK = {v: i for i, v in enumerate(get_args(Severity))}
_URGENCY_RANK = {v: i for i, v in enumerate(get_args(Urgency))}
_CERTAINTY_RANK = {v: i for i, v in enumerate(get_args(Certainty))}

DEFAULT_MAPPING_FILE = "cap_mapping.yaml"


# ---- the file format (edge): pydantic, unknown keys rejected ----------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Triple(_Strict):
    severity: Severity
    urgency: Urgency
    certainty: Certainty


class _WarningLevel(_Triple):
    national_code: str = Field(min_length=1)
    level: int = Field(ge=1, le=4)
    roman: ResponseLevel
    label: str = Field(min_length=1)


class _ParameterNames(_Strict):
    warning_level: str = Field(min_length=1)
    response_level: str = Field(min_length=1)
    event_grade: str = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> _ParameterNames:
        names = [self.warning_level, self.response_level, self.event_grade]
        if len(set(names)) != len(names):
            raise ValueError(f"the three scales need three different names, got {names}")
        return self


class _Cancel(_Strict):
    urgency: Urgency
    response_type: ResponseType


class _Categories(_Strict):
    default: Category
    by_code_prefix: dict[str, Category]


class _MappingFile(_Strict):
    utc_offset: str = Field(pattern=r"^[+-]\d\d:\d\d$")
    event_code_value_name: str = Field(min_length=1)
    parameter_names: _ParameterNames
    warning_levels: dict[Colour, _WarningLevel]
    response_levels: dict[ResponseLevel, _Triple]
    no_level: _Triple
    event_grades: tuple[str, ...] = Field(min_length=1)
    cancel: _Cancel
    categories: _Categories

    @model_validator(mode="after")
    def _complete(self) -> _MappingFile:
        for name, table, keys in (
            ("warning_levels", self.warning_levels, COLOURS),
            ("response_levels", self.response_levels, RESPONSE_LEVELS),
        ):
            missing = [k for k in keys if k not in table]
            if missing:
                raise ValueError(f"{name} lacks {missing}")
        codes = [w.national_code for w in self.warning_levels.values()]
        if len(set(codes)) != len(codes):
            raise ValueError(f"warning_levels national_code values repeat: {codes}")
        if len(set(self.event_grades)) != len(self.event_grades):
            raise ValueError(f"event_grades repeat: {list(self.event_grades)}")
        return self


# ---- the lookups (inside): frozen dataclasses ---------------------------------------------------------


@dataclass(frozen=True)
class CapTriple:
    severity: Severity
    urgency: Urgency
    certainty: Certainty


@dataclass(frozen=True)
class CapMapping:
    source: str
    offset: timezone
    event_code_value_name: str
    warning_level_name: str
    response_level_name: str
    event_grade_name: str
    by_colour: dict[Colour, CapTriple]
    national_code: dict[Colour, str]
    by_response_level: dict[ResponseLevel, CapTriple]
    no_level: CapTriple
    event_grades: tuple[str, ...]
    cancel_urgency: Urgency
    cancel_response_type: ResponseType
    default_category: Category
    category_by_prefix: dict[str, Category]

    def colour_of_national_code(self, code: str) -> Colour:
        for colour, known in self.national_code.items():
            if known == code:
                return colour
        raise ValueError(
            f"parameter {self.warning_level_name!r}: {code!r} is not a warning level code"
            f"{did_you_mean(code, self.national_code.values())}"
        )

    def category(self, event_code: str) -> Category:
        """The CAP category of a GB/T 35561 code: the longest listed prefix wins."""
        for prefix in sorted(self.category_by_prefix, key=len, reverse=True):
            if event_code.startswith(prefix):
                return self.category_by_prefix[prefix]
        return self.default_category


def severity_urgency_certainty(
    colour: Colour | None, response_level: ResponseLevel | None, mapping: CapMapping | None = None
) -> tuple[Severity, Urgency, Certainty]:
    """CAP severity, urgency and certainty for a warning colour and a response level (either may be absent).

    With both, each of the three takes the stronger value: a government may respond above the warning level,
    and a response under way makes the event observed rather than forecast.
    """
    m = mapping or default_mapping()
    triples = []
    if colour is not None:
        if colour not in m.by_colour:
            raise ValueError(f"colour: {colour!r} is not a warning colour{did_you_mean(colour, COLOURS)}")
        triples.append(m.by_colour[colour])
    if response_level is not None:
        if response_level not in m.by_response_level:
            raise ValueError(
                f"response_level: {response_level!r} is not a response level"
                f"{did_you_mean(response_level, RESPONSE_LEVELS)}"
            )
        triples.append(m.by_response_level[response_level])
    if not triples:
        triples.append(m.no_level)
    return (
        min((t.severity for t in triples), key=_SEVERITY_RANK.__getitem__),
        min((t.urgency for t in triples), key=_URGENCY_RANK.__getitem__),
        min((t.certainty for t in triples), key=_CERTAINTY_RANK.__getitem__),
    )


@functools.cache
def default_mapping() -> CapMapping:
    """The mapping shipped with the package (read once; it is immutable data)."""
    resource = resources.files("playbooks") / "data" / DEFAULT_MAPPING_FILE
    return parse_cap_mapping(resource.read_text(encoding="utf-8"), source=f"playbooks/data/{DEFAULT_MAPPING_FILE}")


def load_cap_mapping(path: Path) -> CapMapping:
    return parse_cap_mapping(path.read_text(encoding="utf-8"), source=str(path))


def parse_cap_mapping(text: str, source: str) -> CapMapping:
    """Validate mapping YAML; every error names the source file, the line and the key."""
    f = load_yaml_model(_MappingFile, Path(source), text=text, source=source)
    sign = -1 if f.utc_offset[0] == "-" else 1
    hours, minutes = int(f.utc_offset[1:3]), int(f.utc_offset[4:6])
    return CapMapping(
        source=source,
        offset=timezone(sign * timedelta(hours=hours, minutes=minutes)),
        event_code_value_name=f.event_code_value_name,
        warning_level_name=f.parameter_names.warning_level,
        response_level_name=f.parameter_names.response_level,
        event_grade_name=f.parameter_names.event_grade,
        by_colour={c: CapTriple(w.severity, w.urgency, w.certainty) for c, w in f.warning_levels.items()},
        national_code={c: w.national_code for c, w in f.warning_levels.items()},
        by_response_level={r: CapTriple(t.severity, t.urgency, t.certainty) for r, t in f.response_levels.items()},
        no_level=CapTriple(f.no_level.severity, f.no_level.urgency, f.no_level.certainty),
        event_grades=f.event_grades,
        cancel_urgency=f.cancel.urgency,
        cancel_response_type=f.cancel.response_type,
        default_category=f.categories.default,
        category_by_prefix=dict(f.categories.by_code_prefix),
    )
