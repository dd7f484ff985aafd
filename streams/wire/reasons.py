"""A decoder's refusal said so that the sender knows what to change: the field, the value, what is accepted.

msgspec reports the first problem it meets in its own words (`Invalid enum value 'CGCS2000' - at $.position.crs`,
`JSON is malformed: invalid character (byte 167)`); `explain` turns each kind of problem into a reason that
names the place and the fix: the accepted values of an enum with a did-you-mean, the field of a NaN literal,
the offset of a byte that is not UTF-8 and the encoding it looks like.
"""

from __future__ import annotations

import codecs
import re
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import msgspec

from geo.names import did_you_mean
from streams.wire import contract

_BY_TAG = {contract.type_tag(cls): cls for cls in contract.WIRE_TYPES}
_AT = re.compile(r" - at `(\$[^`]*)`$")
_ENUM = re.compile(r"Invalid enum value (.*)")
_UNKNOWN = re.compile(r"Object contains unknown field `([^`]*)`")
_EXPECTED = re.compile(r"Expected `([^`]*)`, got `([^`]*)`")
_MALFORMED = re.compile(r"JSON is malformed: .*\(byte ([0-9]+)\)")
_STEP = re.compile(r"\.([^.\[]+)|\[([0-9]+)\]")
_LAST_KEY = re.compile(r'"([^"\\]{1,64})"\s*:\s*$')
_NOT_JSON_NUMBERS = ("-Infinity", "Infinity", "NaN", "-NaN", "nan", "inf", "-inf")
_HINT_OF_TYPE = {
    ("float", "str"): "send a number, without quotes",
    ("int", "str"): "send a whole number, without quotes",
    ("int", "float"): "send a whole number",
    ("str", "int"): "send it as a string, in quotes",
    ("str", "float"): "send it as a string, in quotes",
    ("float", "null"): "send a number; a reading without one is not sent",
}


def utf8_problem(raw: bytes) -> str | None:
    """Why the payload is not UTF-8 text, with the byte offset and the encoding it looks like; None if it is."""
    if raw.startswith(codecs.BOM_UTF8):
        return "the payload must be UTF-8 without a byte-order mark: remove the 3 bytes EF BB BF at the start"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        looks = ""
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            looks = "; it is UTF-16 (a byte-order mark at the start): encode the JSON as UTF-8"
        elif _decodes(raw, "gb18030"):
            looks = "; it reads as GBK/GB18030: encode the text as UTF-8"
        return (
            f"the payload must be UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start} is not UTF-8 "
            f"({exc.reason}){looks}"
        )
    return None


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def explain(raw: bytes, detail: str, tag: str) -> str:
    """The decoder's `detail` for a message of type `tag` ("" when not known) said with what to change."""
    malformed = _MALFORMED.match(detail)
    if malformed is not None:
        return _malformed(raw, int(malformed.group(1)))
    if detail == "Input data was truncated":
        return f"the JSON ends before it is complete (after {len(raw)} bytes): send the whole message"
    at = _AT.search(detail)
    path = at.group(1) if at else "$"
    what = detail[: at.start()] if at else detail
    shape = _type_at(_BY_TAG.get(tag), path)
    enum = _ENUM.match(what)
    if enum is not None:
        return _enum(path, enum.group(1), shape)
    unknown = _UNKNOWN.match(what)
    if unknown is not None:
        return _unknown_field(path, unknown.group(1), shape)
    expected = _EXPECTED.match(what)
    if expected is not None:
        hint = _HINT_OF_TYPE.get((expected.group(1), expected.group(2)))
        if hint is not None:
            return f"{detail}: {hint}"
    return detail


def _malformed(raw: bytes, at: int) -> str:
    rest = raw[at : at + 12].decode("utf-8", "replace")
    token = next((t for t in _NOT_JSON_NUMBERS if rest.startswith(t)), None)
    if token is not None:
        if raw[at - 1 : at] == b"-" and not token.startswith("-"):  # the decoder points past the sign
            at, token = at - 1, "-" + token
        key = _LAST_KEY.search(raw[max(0, at - 200) : at].decode("utf-8", "replace"))
        field = f"{key.group(1)}: " if key else ""
        return f"{field}{token} is not JSON; send null or omit the field (byte {at})"
    near = raw[max(0, at - 20) : at + 20].decode("utf-8", "replace")
    hint = "; JSON strings and names take double quotes" if rest.startswith("'") else ""
    return f"JSON is malformed at byte {at}, near {near!r}{hint}"


def _enum(path: str, quoted: str, shape: Any) -> str:
    values = [str(v) for v in get_args(shape)] if get_origin(shape) is Literal else []
    if not values:
        return f"{path}: {quoted} is not an accepted value"
    value = quoted[1:-1] if quoted[:1] == quoted[-1:] == "'" else quoted
    same_case = [v for v in values if v.lower() == value.lower()]
    hint = f"; did you mean {same_case[0]!r}?" if same_case else did_you_mean(value, values)
    advice = contract.ENUM_ADVICE.get(value, "")
    return f"{path}: {value[:40]!r} is not one of {', '.join(values)}{hint}{'; ' + advice if advice else ''}"


def _unknown_field(path: str, name: str, shape: Any) -> str:
    known = [f.name for f in msgspec.structs.fields(shape)] if isinstance(shape, type) else []
    if isinstance(shape, type) and issubclass(shape, contract._Wire):
        known.insert(0, "type")
    where = "" if path == "$" else f" in {path}"
    hint = did_you_mean(name, known) if known else ""
    accepted = f" (accepted: {', '.join(known)})" if known else ""
    return f"Object contains unknown field `{name[:40]}`{where}{hint}{accepted}"


def _type_at(root: Any, path: str) -> Any:
    """The declared type at a JSON path of a message type, as far as it can be followed (None where it cannot)."""
    shape = root
    for name, index in _STEP.findall(path):
        shape = _plain(shape)
        if index:
            args = get_args(shape)
            shape = args[0] if get_origin(shape) is list and args else None
        elif isinstance(shape, type) and issubclass(shape, msgspec.Struct):
            shape = next((f.type for f in msgspec.structs.fields(shape) if f.encode_name == name), None)
        else:
            return None
    return _plain(shape)


def _plain(shape: Any) -> Any:
    """The type without its constraints and without None (an optional field)."""
    while get_origin(shape) is Annotated:
        shape = get_args(shape)[0]
    if get_origin(shape) in (Union, types.UnionType):
        others = [a for a in get_args(shape) if a is not type(None)]
        if len(others) == 1:
            return _plain(others[0])
    return shape
