"""The feed's wire form of a delta, shared by the in-process path and the Kafka `feed` topic.

The core emits `streams.wire.records.Delta(seq, at_ms, kind, key, entity)`; on Kafka the same arrives as JSON
`{"seq", "at_ms", "kind", "key", "data"}`. Both go through `delta_from_json`, so the API sees one shape:
a dict whose `data` holds only JSON types (tuples become lists), whichever path it came by. An incident's data
carries what changed of its evidence (`evidence_added`, ...: streams/wire/incident_delta.py); the picture folds it.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

import msgspec

from streams.wire.envelope import delta_data
from streams.wire.incident_delta import check_incident_data
from streams.wire.records import FEED_ENTITY_TYPES, Delta, DeltaKind


class WireDelta(msgspec.Struct, forbid_unknown_fields=True, frozen=True, omit_defaults=True):
    seq: int
    at_ms: int
    kind: DeltaKind
    key: str
    data: Any
    say: Any = None  # the feed lines in the operator language, added by the API (`Picture.apply`)


class ResponderStatus(TypedDict):
    """The entity of a `responder` delta."""

    id: str
    status: str
    why: NotRequired[str]


# What each kind's data must be (other kinds: a JSON object; an incident: `check_incident_data`). Fields these
# types do not know are kept (a newer core may add some); a known field of the wrong type, or a missing one, is
# refused with its path.
ENTITY_TYPES: dict[str, Any] = {**FEED_ENTITY_TYPES, "responder": ResponderStatus, "rejected": str}
_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(WireDelta)


class DeltaError(ValueError):
    """A feed message that is not a delta; the message names the field and value."""


def encode_delta(delta: Delta | dict[str, Any]) -> bytes:
    """The JSON the `feed` topic carries; the entity (a frozen dataclass, dict or str) is encoded as is."""
    if isinstance(delta, dict):
        return _ENCODER.encode(delta)
    return _ENCODER.encode(WireDelta(delta.seq, delta.at_ms, delta.kind, delta.key, delta_data(delta)))


def delta_from_json(raw: bytes | str) -> dict[str, Any]:
    """Decode and check one feed message into `{"seq", "at_ms", "kind", "key", "data"}`; DeltaError otherwise."""
    try:
        wire = _DECODER.decode(raw)
    except msgspec.ValidationError as exc:
        raise DeltaError(f"feed delta: {exc}") from None
    except msgspec.DecodeError as exc:
        raise DeltaError(f"feed delta is not JSON: {exc}") from None
    if wire.seq < 1:
        raise DeltaError(f"feed delta: seq={wire.seq} must be 1 or more")
    try:
        if wire.kind == "incident":
            check_incident_data(wire.data)
        else:
            msgspec.convert(wire.data, ENTITY_TYPES.get(wire.kind, dict))
    except msgspec.ValidationError as exc:
        where = f"seq={wire.seq} {wire.kind} {wire.key!r}"
        raise DeltaError(f"feed delta {where}: data: {exc}".replace("`$", "`$.data")) from None
    out = {"seq": wire.seq, "at_ms": wire.at_ms, "kind": wire.kind, "key": wire.key, "data": wire.data}
    if wire.say is not None:
        out["say"] = wire.say
    return out


def as_delta_json(delta: Delta | dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """The checked dict and its JSON, from a core `Delta` or an already decoded feed message."""
    raw = encode_delta(delta)
    return delta_from_json(raw), raw
