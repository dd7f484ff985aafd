"""Bytes to typed wire messages, and back. Decoding never raises: bad input becomes a `Rejected` with a reason."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import msgspec

from geo.names import did_you_mean
from streams.wire import contract
from streams.wire.reasons import explain, utf8_problem

_VERSION = re.compile(r"([0-9]{1,9})\.([0-9]{1,9})")
_DECODER = msgspec.json.Decoder(contract.WireMessage)
_ENCODER = msgspec.json.Encoder()
MAX_MESSAGE_BYTES = 1_000_000


class _Envelope(msgspec.Struct):
    type: str = ""
    schema_version: str = ""


_ENVELOPE = msgspec.json.Decoder(_Envelope)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a message came from, so a dead letter can be found and replayed."""

    topic: str
    partition: int = 0
    offset: int = -1


class DeadLetter(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A rejected input on `ingest.dlq`: the original bytes, where they were read, and why they were refused.

    Replaying a fixed message means producing `raw_base64` (decoded) again to `topic`. Key: the source topic.
    """

    reason: str
    topic: str
    partition: int
    offset: int
    raw_base64: str


_DEAD_LETTER = msgspec.json.Decoder(DeadLetter)


@dataclass(frozen=True, slots=True)
class Rejected:
    reason: str
    raw: bytes
    origin: Origin

    def to_dead_letter(self) -> bytes:
        return _ENCODER.encode(
            DeadLetter(
                reason=self.reason,
                topic=self.origin.topic,
                partition=self.origin.partition,
                offset=self.origin.offset,
                raw_base64=base64.b64encode(self.raw).decode("ascii"),
            )
        )

    @classmethod
    def from_dead_letter(cls, data: bytes) -> Rejected:
        letter = _DEAD_LETTER.decode(data)
        origin = Origin(letter.topic, letter.partition, letter.offset)
        return cls(letter.reason, base64.b64decode(letter.raw_base64), origin)


_TYPE_FIELD = re.compile(r'"type"\s*:\s*"([a-z_.]{1,40})"')  # the type of a payload that is not JSON throughout
_TAGS = frozenset(contract.type_tag(cls) for cls in contract.WIRE_TYPES)
MAX_REASON_CHARS = 400


def _clip(reason: str) -> str:
    """Decoder messages may quote a value; a reason stays readable however large the bad value was."""
    return reason if len(reason) <= MAX_REASON_CHARS else reason[: MAX_REASON_CHARS - 1] + "…"


_CURRENT_MINOR = int(contract.CURRENT_VERSION.split(".")[1])


def _version_problem(version: str) -> str | None:
    match = _VERSION.fullmatch(version)
    if match is None:
        return f"schema_version: {version[:20]!r} is not MAJOR.MINOR (current is {contract.CURRENT_VERSION})"
    if int(match.group(1)) != contract.SUPPORTED_MAJOR:
        return (
            f"schema_version: major version {match.group(1)} is not supported "
            f"(this brain reads {contract.SUPPORTED_MAJOR}.x)"
        )
    return None


def _newer_minor(version: str) -> bool:
    match = _VERSION.fullmatch(version)
    return match is not None and int(match.group(2)) > _CURRENT_MINOR


# msgspec raises UnicodeDecodeError, not DecodeError, for a string that is not valid UTF-8.
_UNDECODABLE = (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError)


def decode(raw: bytes, origin: Origin) -> contract.WireMessage | Rejected:
    result = decode_or_reason(raw)
    return Rejected(result, raw, origin) if isinstance(result, str) else result


def decode_or_reason(raw: bytes) -> contract.WireMessage | str:
    """The message, or the reason it is refused (the hot path builds the origin only for a refusal)."""
    if len(raw) > MAX_MESSAGE_BYTES:
        return f"message is {len(raw)} bytes, over the {MAX_MESSAGE_BYTES} byte limit"
    try:
        message = _DECODER.decode(raw)
    except _UNDECODABLE as caught:
        return _clip(_refusal(raw, str(caught)))
    version = message.schema_version
    if version == contract.CURRENT_VERSION:
        return message
    problem = _version_problem(version)
    return message if problem is None else problem


def _refusal(raw: bytes, detail: str) -> str:
    # Text that is not UTF-8 first: whatever else the decoder met there follows from it.
    not_utf8 = utf8_problem(raw)
    tag = _tag_of(raw.decode("utf-8", "replace") if not_utf8 else raw)
    if not_utf8 is not None:
        return f"{tag}: {not_utf8}" if tag else not_utf8
    # Prefer the version explanation: a v2 message fails typed decoding for reasons that would mislead.
    try:
        envelope = _ENVELOPE.decode(raw)
    except _UNDECODABLE:
        tag = _tag_of(raw)
        return f"{tag or 'not a JSON object of the contract'}: {explain(raw, detail, tag)}"
    detail = explain(raw, detail, envelope.type)
    version = envelope.schema_version
    problem = _version_problem(version) if version else None
    if problem is None and envelope.type not in _TAGS:
        hint = did_you_mean(envelope.type[:40], sorted(_TAGS))
        problem = f"type: {envelope.type[:40]!r} is not a message type of the contract{hint}"
    if problem is None and _newer_minor(version) and "unknown field" in detail:
        # A field from a newer minor version: say so, the producer is ahead of this brain, not wrong.
        problem = f"{detail}; the message is schema {version}, this brain reads up to {contract.CURRENT_VERSION}"
    return problem or f"{envelope.type}: {detail}"


def _tag_of(text: str | bytes) -> str:
    """The message type a payload names, if it can be read at all (to head a reason)."""
    try:
        tag = _ENVELOPE.decode(text).type
    except _UNDECODABLE:
        named = _TYPE_FIELD.search(text[:4096] if isinstance(text, str) else text[:4096].decode("utf-8", "replace"))
        tag = named.group(1) if named is not None else ""
    return tag if tag in _TAGS else ""


def encode(message: contract.WireMessage) -> bytes:
    return _ENCODER.encode(message)
