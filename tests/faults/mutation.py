"""Mutation operators for fuzzing: start from a valid input and break it the way real producers do.

Byte level (bit flips, truncation, splices), JSON level (a field deleted, duplicated, or given a value of
another type) and YAML text level (lines deleted, duplicated, swapped, re-indented, characters flipped).
Every operator is driven by a seeded `random.Random`, so a failing input can be reproduced from its seed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from typing import Any

#: Values of every JSON type and the awkward corners of each (a type swap picks one of these).
ODD_VALUES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    2**63,
    -(2**64),
    1e308,
    -1e-308,
    0.5,
    "",
    " ",
    "x" * 6000,
    "\u0000",
    "燕郊\ud7ff",
    "🔥" * 10,
    "2024-13-45T99:99:99+08:00",
    "2024-03-13T07:54:00",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00-12:00",
    "../../etc/passwd",
    "LL-131082-GAS-000417",
    "110000",
    "999999",
    [],
    [None],
    [[1, 2], [3]],
    {},
    {"lon": 999, "lat": -999},
    {"lon": 116.8, "lat": 39.9, "crs": "GCJ02"},
)


def _walk(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*path, index))


def _containers(doc: Any) -> list[tuple[tuple[Any, ...], Any]]:
    return [(p, n) for p, n in _walk(doc) if isinstance(n, dict | list) and n]


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def delete_field(doc: Any, rng: random.Random) -> Any:
    containers = _containers(doc)
    if not containers:
        return doc
    _, node = rng.choice(containers)
    if isinstance(node, dict):
        del node[rng.choice(list(node))]
    else:
        del node[rng.randrange(len(node))]
    return doc


def swap_type(doc: Any, rng: random.Random) -> Any:
    leaves = [(p, n) for p, n in _walk(doc) if p]
    if not leaves:
        return rng.choice(ODD_VALUES)
    path, _ = rng.choice(leaves)
    parent = _get(doc, path[:-1])
    parent[path[-1]] = json.loads(json.dumps(rng.choice(ODD_VALUES)))
    return doc


def add_field(doc: Any, rng: random.Random) -> Any:
    dicts = [n for _, n in _walk(doc) if isinstance(n, dict)]
    if dicts:
        rng.choice(dicts)[rng.choice(["extra", "typo_field", "type", "schema_version", "événement"])] = rng.choice(
            ODD_VALUES
        )
    return doc


def change_version(doc: Any, rng: random.Random) -> Any:
    if isinstance(doc, dict):
        doc["schema_version"] = rng.choice(["2.0", "1.9", "1.0", "1", "v1", "", "1.0.0", "01.000001", None, 1.0])
    return doc


def change_type_tag(doc: Any, rng: random.Random) -> Any:
    if isinstance(doc, dict):
        doc["type"] = rng.choice(["sensor.readings", "hotline", "tick", "command", "", None, 7, "SENSOR.READING"])
    return doc


JSON_OPS: tuple[Callable[[Any, random.Random], Any], ...] = (
    delete_field,
    swap_type,
    add_field,
    change_version,
    change_type_tag,
)


def duplicate_key(raw: bytes, rng: random.Random) -> bytes:
    """A JSON object whose first key appears twice (json.dumps can never write that)."""
    text = raw.decode("utf-8", errors="replace")
    if not text.startswith("{") or len(text) < 3:
        return raw
    key_end = text.find('":')
    if key_end < 0:
        return raw
    first = text[1 : key_end + 2]
    return ("{" + first + json.dumps(rng.choice(ODD_VALUES)) + "," + text[1:]).encode()


def flip_bits(raw: bytes, rng: random.Random) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randint(1, 4)):
        if data:
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
    return bytes(data)


def truncate(raw: bytes, rng: random.Random) -> bytes:
    return raw[: rng.randrange(len(raw) + 1)]


def splice(raw: bytes, rng: random.Random) -> bytes:
    if not raw:
        return raw
    i, j = sorted(rng.randrange(len(raw) + 1) for _ in range(2))
    return raw[:j] + raw[i:j] + raw[j:]


def insert_junk(raw: bytes, rng: random.Random) -> bytes:
    junk = rng.choice([b"\x00", b"\xff\xfe", b"{", b"]", b'"', b"\\u0000", b"NaN", b"1e999", b"\xe7\x87"])
    i = rng.randrange(len(raw) + 1)
    return raw[:i] + junk + raw[i:]


BYTE_OPS: tuple[Callable[[bytes, random.Random], bytes], ...] = (
    flip_bits,
    truncate,
    splice,
    insert_junk,
    duplicate_key,
)


def mutate_json(raw: bytes, rng: random.Random) -> bytes:
    """One mutant of a JSON message: one to three structural or byte-level changes."""
    doc = json.loads(raw)
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.6:
            doc = rng.choice(JSON_OPS)(doc, rng)
    out = json.dumps(doc, ensure_ascii=rng.random() < 0.5).encode()
    if rng.random() < 0.4:
        out = rng.choice(BYTE_OPS)(out, rng)
    return out


def mutate_lines(text: str, rng: random.Random) -> str:
    """One mutant of a YAML file's text: whole-line edits keep it mostly YAML, character edits break it."""
    lines = text.splitlines()
    for _ in range(rng.randint(1, 3)):
        if not lines:
            break
        i = rng.randrange(len(lines))
        op = rng.randrange(8)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            lines[i] = "  " + lines[i]
        elif op == 4:
            lines[i] = lines[i][2:] if lines[i].startswith("  ") else lines[i]
        elif op == 5 and lines[i]:
            k = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:k] + rng.choice(":-[]{}&*!|>'\"%@`#\t\x00\x85") + lines[i][k + 1 :]
        elif op == 6 and ":" in lines[i]:
            head, _, _ = lines[i].partition(":")
            lines[i] = f"{head}: {json.dumps(rng.choice(ODD_VALUES), ensure_ascii=False)}"
        else:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
    return "\n".join(lines) + "\n"


def mutate_tree(doc: Any, rng: random.Random) -> Any:
    """One mutant of a parsed YAML/JSON document: fields deleted, added or given values of other types."""
    for _ in range(rng.randint(1, 3)):
        doc = rng.choice((delete_field, swap_type, add_field))(doc, rng)
    return doc
