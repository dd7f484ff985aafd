"""Data classification (数据分级分类): the class of every event field, and what crosses a region border.

The policy is data (streams/data/classification.yaml). `field_class` answers the class of a field;
`mask` applies the border rules to the JSON form of an event or record, for a viewer in another region.
Masking happens at the edges (the API, anything sent to another region); the core keeps the full values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import msgspec.inspect as mi
import pydantic

from geo.datafiles import StrictModel, load_yaml_model
from geo.names import did_you_mean
from playbooks.evidence import Signal
from streams.wire import contract
from streams.wire.codec import DeadLetter

DATA_FILE = Path(str(resources.files("streams"))) / "data" / "classification.yaml"
ClassName = Literal["public", "internal", "sensitive", "personal"]
MaskerName = Literal["name", "phone", "text", "drop"]
Handling = Literal["keep", "mask"]
# Mainland mobile and landline numbers as callers type them into free text.
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")

#: Every classified shape: the wire messages, and the records that leave the brain.
SHAPES: dict[str, type[Any]] = {
    **{contract.type_tag(cls): cls for cls in contract.WIRE_TYPES},
    "signal": Signal,
    "dead_letter": DeadLetter,
}


def field_paths(shape: type[Any] | mi.Type, prefix: str = "") -> tuple[str, ...]:
    """Dotted paths of every field of a Struct or dataclass, nested structures included (not list items)."""
    info = shape if isinstance(shape, mi.Type) else mi.type_info(shape)
    assert isinstance(info, mi.StructType | mi.DataclassType)
    out: list[str] = []
    for f in info.fields:
        path = prefix + f.name
        out.append(path)
        options = f.type.types if isinstance(f.type, mi.UnionType) else (f.type,)
        for option in options:
            if isinstance(option, mi.StructType | mi.DataclassType):
                out.extend(field_paths(option, path + "."))
    return tuple(out)


class _ClassRule(StrictModel):
    across_border: Handling
    publish: bool


class _Masker(StrictModel):
    keep_head: int = pydantic.Field(default=0, ge=0)
    keep_tail: int = pydantic.Field(default=0, ge=0)
    phones_with: MaskerName | None = None


class _FieldRule(StrictModel):
    class_: ClassName = pydantic.Field(alias="class")
    mask: MaskerName = "drop"


def _event_model(tag: str, paths: tuple[str, ...]) -> type[pydantic.BaseModel]:
    field_name = Literal[paths]  # type: ignore[valid-type]
    return pydantic.create_model(
        f"_Event_{tag.replace('.', '_')}",
        __base__=StrictModel,
        default=(ClassName, ...),
        owner=(field_name | None, None),
        fields=(dict[field_name, ClassName | _FieldRule], {}),
    )


def _file_model() -> type[pydantic.BaseModel]:
    events = {tag: (_event_model(tag, field_paths(shape)), ...) for tag, shape in SHAPES.items()}
    events_model = pydantic.create_model("_Events", __base__=StrictModel, **events)  # type: ignore[call-overload]
    return pydantic.create_model(
        "_ClassificationFile",
        __base__=StrictModel,
        classes=(dict[ClassName, _ClassRule], ...),
        maskers=(dict[MaskerName, _Masker], ...),
        events=(events_model, ...),
    )


@dataclass(frozen=True, slots=True)
class FieldPolicy:
    klass: ClassName
    across_border: Handling
    masker: MaskerName


@dataclass(frozen=True)
class ClassificationPolicy:
    """Build once with `load()` and pass it down (the API's composition root reads the same file)."""

    fields: Mapping[str, Mapping[str, FieldPolicy]]  # event type → every field path → its policy
    owners: Mapping[str, str | None]  # event type → path of the field naming the owning province
    maskers: Mapping[str, tuple[int, int, str | None]]
    publishable: frozenset[ClassName]

    @classmethod
    def load(cls, path: Path = DATA_FILE) -> ClassificationPolicy:
        doc: Any = load_yaml_model(_file_model(), path)
        missing = sorted({"public", "internal", "sensitive", "personal"} - set(doc.classes))
        if missing:
            raise ValueError(f"{path}: classes: {', '.join(missing)} not defined")
        fields: dict[str, dict[str, FieldPolicy]] = {}
        owners: dict[str, str | None] = {}
        for tag, shape in SHAPES.items():
            event = getattr(doc.events, tag)
            rules = {
                p: r if isinstance(r, _FieldRule) else _FieldRule.model_validate({"class": r})
                for p, r in event.fields.items()
            }
            table: dict[str, FieldPolicy] = {}
            for field in field_paths(shape):
                rule = _most_specific(rules, field)
                klass: ClassName = rule.class_ if rule else event.default
                table[field] = FieldPolicy(klass, doc.classes[klass].across_border, rule.mask if rule else "drop")
            fields[tag] = table
            owners[tag] = event.owner
        maskers = {name: (m.keep_head, m.keep_tail, m.phones_with) for name, m in doc.maskers.items()}
        publishable = frozenset(name for name, rule in doc.classes.items() if rule.publish)
        return cls(fields=fields, owners=owners, maskers=maskers, publishable=publishable)

    def _event(self, event_type: str) -> Mapping[str, FieldPolicy]:
        table = self.fields.get(event_type)
        if table is None:
            raise KeyError(f"event type {event_type!r} is not classified{did_you_mean(event_type, self.fields)}")
        return table

    def policy(self, event_type: str, field: str) -> FieldPolicy:
        table = self._event(event_type)
        found = table.get(field)
        if found is None:
            raise KeyError(f"{event_type}: no field {field!r}{did_you_mean(field, table)}")
        return found

    def field_class(self, event_type: str, field: str) -> ClassName:
        """The class of a field by its dotted path, e.g. ("hotline.work_order", "caller.phone") → "personal"."""
        return self.policy(event_type, field).klass

    def mask_value(self, masker: str, value: Any) -> Any:
        """One value as a viewer across the border sees it."""
        if value is None or masker == "drop":
            return None
        head, tail, phones_with = self.maskers[masker]
        text = str(value)
        if phones_with is not None:
            return _PHONE_IN_TEXT.sub(lambda m: str(self.mask_value(phones_with, m.group(0))), text)
        return _mask_middle(text, head, tail)

    def mask(self, event_type: str, data: Mapping[str, Any], viewer_province: str | None) -> dict[str, Any]:
        """The JSON form of an event as a viewer in `viewer_province` may see it (None: outside every region).

        The owning region (the event's `owner` field) sees everything; anyone else gets each field handled as
        its class says at the border. Returns a new dict; `data` is not changed.
        """
        table = self._event(event_type)
        owner_path = self.owners[event_type]
        owner = _get(data, owner_path) if owner_path else None
        if owner is not None and owner == viewer_province:
            return dict(data)
        return _masked(self, table, data, "")


def _mask_middle(text: str, head: int, tail: int) -> str:
    if len(text) <= head + tail:
        return text[:1] + "*" * (len(text) - 1) if text else text
    return text[:head] + "*" * (len(text) - head - tail) + (text[len(text) - tail :] if tail else "")


def _most_specific(rules: Mapping[str, _FieldRule], field: str) -> _FieldRule | None:
    parts = field.split(".")
    for end in range(len(parts), 0, -1):
        rule = rules.get(".".join(parts[:end]))
        if rule is not None:
            return rule
    return None


def _get(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _masked(
    policy: ClassificationPolicy, table: Mapping[str, FieldPolicy], data: Mapping[str, Any], prefix: str
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = prefix + key
        rule = table.get(path)
        if rule is None:
            out[key] = value  # not a field of the contract (e.g. the tag); nothing to classify
        elif isinstance(value, Mapping):
            out[key] = _masked(policy, table, value, path + ".")  # nested fields carry their own maskers
        elif rule.across_border == "mask":
            out[key] = policy.mask_value(rule.masker, value)
        else:
            out[key] = value
    return out
