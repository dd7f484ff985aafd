"""Encoding of records between pipeline stages on Kafka (signals, incidents, tasks, feed deltas).

The embedded runtime passes the same objects without encoding; Kafka needs bytes. One tagged envelope,
decoded by msgspec into the exact frozen dataclass, so both runtimes hand the core identical values.
"""

from __future__ import annotations

from typing import Any

import msgspec

from streams.wire.records import (
    FEED_ENTITY_TYPES,
    Delta,
    OperatorCommand,
    ResourceUpdate,
    Signal,
    TaskReply,
    TheaterInput,
    Tick,
)

_TYPES: dict[str, type[Any]] = {
    "signal": Signal,
    "tick": Tick,
    "task_reply": TaskReply,
    "resource": ResourceUpdate,
    "command": OperatorCommand,
}
_NAMES = {cls: name for name, cls in _TYPES.items()}
_ENCODER = msgspec.json.Encoder()


class _Envelope(msgspec.Struct, frozen=True):
    t: str
    v: msgspec.Raw


def encode_input(item: TheaterInput) -> bytes:
    return _ENCODER.encode({"t": _NAMES[type(item)], "v": item})


def decode_input(raw: bytes) -> TheaterInput:
    envelope = msgspec.json.decode(raw, type=_Envelope)
    result: TheaterInput = msgspec.json.decode(envelope.v, type=_TYPES[envelope.t])
    return result


def delta_to_builtins(delta: Delta) -> dict[str, Any]:
    return {
        "seq": delta.seq,
        "at_ms": delta.at_ms,
        "kind": delta.kind,
        "key": delta.key,
        "data": msgspec.to_builtins(delta.entity),
    }


def encode_delta(delta: Delta) -> bytes:
    return _ENCODER.encode(delta_to_builtins(delta))


def encode_entity(entity: Any) -> bytes:
    return _ENCODER.encode(entity)


def decode_entity(kind: str, raw: bytes) -> Any:
    return msgspec.json.decode(raw, type=FEED_ENTITY_TYPES[kind])
