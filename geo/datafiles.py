"""The one YAML loader of the package: every data file (geo tables, playbooks, scenarios, fusion rules, CAP
mapping, phrases) is read here, and every problem names the file and the line to fix.

Two ways in, one parser and one message format:
- `load_yaml` gives plain data whose mappings and lists remember their lines (`LineDict`, `LineList`), for
  readers that check a file by hand (playbooks, scenarios, fusion rules);
- `load_yaml_model` validates a file into a pydantic model and reports *every* error of the file at once, each
  as ``file:line: field: what is wrong; did you mean …?``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import pydantic
import yaml

from geo.names import did_you_mean

M = TypeVar("M", bound=pydantic.BaseModel)

DATA_DIR = Path(str(resources.files("geo.data")))

# libyaml composes ~15x faster than the pure-Python parser (a 1.2 MB scenario: 0.9 s against 15 s); both give
# nodes with their marks, so lines are the same either way.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_STRING = "tag:yaml.org,2002:str"  # the common case: a plain string needs no constructor


class StrictModel(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)


class LoadError(ValueError):
    """A data file that cannot be used, with the place to fix it; `more` holds the file's other problems, each
    already written as ``file:line: message``."""

    def __init__(self, file: str, line: int, message: str, more: Sequence[str] = ()) -> None:
        super().__init__("\n".join([f"{file}:{line}: {message}", *more]))
        self.file = file
        self.line = line
        self.message = message
        self.more = tuple(more)


class LineDict(dict[str, Any]):
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int
    key_lines: dict[str, int]


class LineList(list[Any]):
    line: int
    item_lines: list[int]


def line_of(mapping: Any, key: str | None = None) -> int:
    if isinstance(mapping, LineDict):
        if key is not None and key in mapping.key_lines:
            return mapping.key_lines[key]
        return mapping.line
    return getattr(mapping, "line", 1)


def load_yaml(path: Path | str, text: str | None = None) -> Any:
    """The file's data, its mappings as `LineDict` and its lists as `LineList`."""
    name = str(path)
    if text is None:
        text = Path(path).read_text(encoding="utf-8")
    return _parse(name, text, _with_lines)[1]


def load_yaml_model(model: type[M], path: Path, text: str | None = None, source: str | None = None) -> M:
    """Parse ``path`` (or ``text``, named ``source``) into ``model``; raises `LoadError` listing every problem."""
    name = source or str(path)
    if text is None:
        text = Path(path).read_text(encoding="utf-8")
    root, data = _parse(name, text, _plain)
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        problems = [_describe(err, root, _field_names(model)) for err in exc.errors()]
        (line, message), rest = problems[0], problems[1:]
        raise LoadError(name, line, message, [f"{name}:{n}: {m}" for n, m in rest]) from None


def _parse(name: str, text: str, convert: Callable[[yaml.Node], Any]) -> tuple[yaml.Node, Any]:
    """The document's root node and its data; tags are constructed by ``convert``, so their errors land here."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = convert(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        raise LoadError(name, line, f"not valid YAML: {exc.problem}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML forbids: it has a position, not a mark
        line = text.count("\n", 0, exc.position) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise LoadError(name, line, f"not valid YAML: {exc.reason} (U+{code:04X})") from None
    if node is None:
        raise LoadError(name, 1, "the file is empty")
    return node, data


def _scalar(node: yaml.Node) -> Any:
    if node.tag == _PLAIN_STRING and isinstance(node, yaml.ScalarNode):
        return node.value
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def _with_lines(node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = LineDict()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = str(_with_lines(key_node))
            out[key] = _with_lines(value_node)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = LineList(_with_lines(item) for item in node.value)
        seq.line = node.start_mark.line + 1
        seq.item_lines = [item.start_mark.line + 1 for item in node.value]
        return seq
    return _scalar(node)


def _plain(node: yaml.Node) -> Any:
    """The node as plain dicts and lists (what pydantic validates), keys as YAML gives them."""
    if isinstance(node, yaml.MappingNode):
        return {_scalar(k) if isinstance(k, yaml.ScalarNode) else _plain(k): _plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item) for item in node.value]
    return _scalar(node)


def _describe(err: Any, root: yaml.Node, fields: Sequence[str]) -> tuple[int, str]:
    loc = [p for p in err["loc"] if isinstance(p, int | str) and p != "[key]"]
    where = ".".join(str(p) for p in loc) or "(top)"
    hint = ""
    if err["type"] == "extra_forbidden" and loc:
        hint = did_you_mean(str(loc[-1]), fields)
    elif err["type"] == "literal_error":
        hint = did_you_mean(str(err["input"]), re.findall(r"'([^']*)'", err["ctx"]["expected"]))
    return _line_on(root, loc), f"{where}: {err['msg']}{hint}"


def _line_on(node: yaml.Node, loc: Sequence[int | str]) -> int:
    """1-based line of the deepest node on ``loc`` that exists in the document."""
    line = node.start_mark.line + 1
    for key in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if str(k.value) == str(key):
                    child, line = v, k.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and str(key).isdigit() and int(key) < len(node.value):
            child = node.value[int(key)]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line


def _field_names(model: type[pydantic.BaseModel]) -> list[str]:
    """Every field name of the model and the models it holds, for a did-you-mean on an unknown key."""
    names: set[str] = set()
    seen: set[type] = set()
    todo: list[type] = [model]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if not issubclass(current, pydantic.BaseModel):
            continue
        for name, info in current.model_fields.items():
            names.add(name)
            todo += [t for t in _types_in(info.annotation) if isinstance(t, type)]
    return sorted(names)


def _types_in(annotation: Any) -> list[Any]:
    args = getattr(annotation, "__args__", ())
    return [annotation, *(t for arg in args for t in _types_in(arg))]
