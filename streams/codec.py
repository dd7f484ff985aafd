"""Bytes to typed wire messages, and back. Decoding never raises: bad input becomes a `Rejected` with a reason."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import msgspec

from streams import contract

_VERSION = re.compile(r"^(\d+)\.(\d+)$")
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


@dataclass(frozen=True, slots=True)
class Rejected:
    reason: str
    raw: bytes
    origin: Origin

    def to_dead_letter(self) -> bytes:
        return _ENCODER.encode(
            {
                "reason": self.reason,
                "topic": self.origin.topic,
                "partition": self.origin.partition,
                "offset": self.origin.offset,
                "raw_base64": base64.b64encode(self.raw).decode("ascii"),
            }
        )


def _version_problem(version: str) -> str | None:
    match = _VERSION.match(version)
    if match is None:
        return f"schema_version: {version!r} is not MAJOR.MINOR (current is {contract.CURRENT_VERSION})"
    if int(match.group(1)) != contract.SUPPORTED_MAJOR:
        return (
            f"schema_version: major version {match.group(1)} is not supported "
            f"(this brain reads {contract.SUPPORTED_MAJOR}.x)"
        )
    return None


def decode(raw: bytes, origin: Origin) -> contract.WireMessage | Rejected:
    if len(raw) > MAX_MESSAGE_BYTES:
        return Rejected(f"message is {len(raw)} bytes, over the {MAX_MESSAGE_BYTES} byte limit", raw, origin)
    try:
        message = _DECODER.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        # Prefer the version explanation: a v2 message fails typed decoding for reasons that would mislead.
        try:
            envelope = _ENVELOPE.decode(raw)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return Rejected(f"not a JSON object of the contract: {exc}", raw, origin)
        problem = _version_problem(envelope.schema_version) if envelope.schema_version else None
        return Rejected(problem or f"{envelope.type or 'message'}: {exc}", raw, origin)
    version = message.schema_version
    problem = _version_problem(version)
    if problem is not None:
        return Rejected(problem, raw, origin)
    return message


def encode(message: contract.WireMessage) -> bytes:
    return _ENCODER.encode(message)
