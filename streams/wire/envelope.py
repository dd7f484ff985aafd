"""Encoding of records between pipeline stages on Kafka (signals, incidents, tasks, feed deltas).

A feed delta of an incident carries what changed of its evidence; the `picture` topic's copy carries it whole.

The embedded runtime passes the same objects without encoding; Kafka needs bytes. One tagged envelope,
decoded by msgspec into the exact frozen dataclass, so both runtimes hand the core identical values.
"""

from __future__ import annotations

from typing import Any

import msgspec

from playbooks.incident import Incident
from streams.wire.incident_delta import incident_data
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


def delta_data(delta: Delta, whole: bool = False) -> Any:
    """A delta's data as JSON types: an incident with what changed of its evidence (streams/wire/incident_delta.py),
    or with its whole evidence when `whole`; any other entity as it is."""
    if delta.kind == "incident" and isinstance(delta.entity, Incident):
        return incident_data(delta.entity, None if whole else delta.evidence)
    return msgspec.to_builtins(delta.entity)


def delta_to_builtins(delta: Delta, whole: bool = False) -> dict[str, Any]:
    return {
        "seq": delta.seq,
        "at_ms": delta.at_ms,
        "kind": delta.kind,
        "key": delta.key,
        "data": delta_data(delta, whole),
    }


def encode_delta(delta: Delta) -> bytes:
    """A delta as the `feed` topic carries it."""
    return _ENCODER.encode(delta_to_builtins(delta))


def encode_latest(delta: Delta) -> bytes:
    """A delta as the compacted `picture` topic keeps it: its entity whole, so the latest record is enough."""
    return _ENCODER.encode(delta_to_builtins(delta, whole=True))


def encode_entity(entity: Any) -> bytes:
    return _ENCODER.encode(entity)


def decode_entity(kind: str, raw: bytes) -> Any:
    return msgspec.json.decode(raw, type=FEED_ENTITY_TYPES[kind])
