"""An incident delta carries what changed of the incident's evidence, not the whole list.

An incident keeps up to 200 pieces of evidence; sent whole with every delta they made a surge incident's delta
weigh over 120 KB. On the wire (the `feed` topic, `ebrain replay --out`, the websocket) an incident delta's data is
the incident's fields without `evidence`, and in its place:

- `evidence_added`: the evidence added since this incident's last delta, in the incident's order;
- `evidence_removed`: ids of evidence the last delta had that the incident no longer keeps (split off, beyond the
  cap after a merge, handed to the sites of an event);
- `evidence_complete`: true when `evidence_added` is the whole list: the incident's first delta, and a change that
  reorders the list (the survivor of a merge keeps the union in time order);
- `evidence_kept`, `evidence_total`, `evidence_by_source`: pieces the incident keeps, signals it counted (kept or
  not: the sum of `counts`), and the kept pieces by source.

Rule: folding an incident's deltas in seq order gives its whole evidence, the list before without the removed ids
followed by the added pieces (`fold`). The whole form (`whole=True`: every piece added, complete) is what the
compacted `picture` topic holds, so the latest record of each incident is enough to start from.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import msgspec

from playbooks.evidence import Signal
from playbooks.incident import Incident
from streams.wire.records import EvidenceChange

CHANGE_FIELDS = ("evidence_added", "evidence_removed", "evidence_complete")
COUNT_FIELDS = ("evidence_kept", "evidence_total", "evidence_by_source")
T = TypeVar("T")


class EvidenceFields(msgspec.Struct, frozen=True):
    """The evidence fields of an incident delta's data, as checked on decoding."""

    evidence_added: tuple[Signal, ...]
    evidence_removed: tuple[str, ...]
    evidence_complete: bool
    evidence_kept: int
    evidence_total: int
    evidence_by_source: dict[str, int]


def evidence_change(before: Sequence[str] | None, evidence: tuple[Signal, ...]) -> EvidenceChange:
    """What `evidence` gained and lost against the ids the incident's last delta had (None: it had no delta)."""
    if before is None:
        return EvidenceChange(evidence, (), True)
    n = len(before)
    if len(evidence) >= n and all(e.signal_id == i for e, i in zip(evidence, before, strict=False)):
        return EvidenceChange(evidence[n:])  # appended to, or unchanged: the common case
    ids = {e.signal_id for e in evidence}
    removed = tuple(i for i in before if i not in ids)
    remaining = [i for i in before if i in ids]
    k = len(remaining)
    if [e.signal_id for e in evidence[:k]] == remaining:
        return EvidenceChange(evidence[k:], removed)
    return EvidenceChange(evidence, (), True)


def evidence_counts(incident: Incident) -> dict[str, Any]:
    by_source = Counter(e.source for e in incident.evidence)
    return {
        "evidence_kept": len(incident.evidence),
        "evidence_total": incident.evidence_count,
        "evidence_by_source": {source: by_source[source] for source in sorted(by_source)},
    }


def incident_data(incident: Incident, change: EvidenceChange | None) -> dict[str, Any]:
    """The wire form of an incident delta's data; `change` None gives the whole form."""
    if change is None:
        change = EvidenceChange(incident.evidence, (), True)
    out: dict[str, Any] = {}
    for name, value in msgspec.to_builtins(dataclasses.replace(incident, evidence=())).items():
        if name != "evidence":
            out[name] = value
            continue
        out["evidence_added"] = msgspec.to_builtins(change.added)
        out["evidence_removed"] = list(change.removed)
        out["evidence_complete"] = change.complete
        out.update(evidence_counts(incident))
    return out


def fold(
    before: Sequence[T], added: Sequence[T], removed: Iterable[str], complete: bool, id_of: Callable[[T], str]
) -> list[T]:
    """The evidence after a delta: `before` without the removed ids, followed by the added pieces (a piece the
    list already has is replaced, so a delta applied on a picture that is ahead of it changes nothing)."""
    if complete:
        return list(added)
    gone = set(removed)
    gone.update(id_of(e) for e in added)
    return [e for e in before if id_of(e) not in gone] + list(added)


def _signal_id(signal: dict[str, Any]) -> str:
    return str(signal["signal_id"])


def whole_incident(data: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any]:
    """The incident with its whole evidence under `evidence`, from an incident delta's data (JSON) and the incident
    as the earlier deltas left it (None: none seen). Data already whole (no `evidence_added`) is returned as is."""
    if "evidence_added" not in data:
        return data
    prior = before.get("evidence", ()) if before is not None else ()
    complete = bool(data["evidence_complete"]) or before is None
    evidence = fold(prior, data["evidence_added"], data["evidence_removed"], complete, _signal_id)
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name == "evidence_added":
            out["evidence"] = evidence
        elif name not in CHANGE_FIELDS:
            out[name] = value
    return out


def incident_from_data(data: dict[str, Any], before: Incident | None) -> tuple[Incident, EvidenceChange]:
    """The whole incident and the change, from an incident delta's data (JSON) and the incident before it."""
    fields = check_incident_data(data)
    change = EvidenceChange(fields.evidence_added, fields.evidence_removed, fields.evidence_complete)
    prior = before.evidence if before is not None else ()
    complete = change.complete or before is None
    evidence = fold(prior, change.added, change.removed, complete, lambda s: s.signal_id)
    rest = {k: v for k, v in data.items() if k not in CHANGE_FIELDS and k not in COUNT_FIELDS}
    incident = msgspec.convert({**rest, "evidence": ()}, Incident)
    return dataclasses.replace(incident, evidence=tuple(evidence)), change


def check_incident_data(data: Any) -> EvidenceFields:
    """Check an incident delta's data (msgspec.ValidationError naming the field otherwise); its evidence fields.

    Data with the whole `evidence` and no `evidence_added` (as a core before this form wrote it) is accepted as a
    complete delta."""
    if not isinstance(data, dict):
        raise msgspec.ValidationError("Expected `object`, got `" + type(data).__name__ + "`")
    if "evidence_added" not in data and "evidence" in data:
        incident = msgspec.convert(data, Incident)
        return EvidenceFields(incident.evidence, (), True, **evidence_counts(incident))
    fields = msgspec.convert({k: data.get(k) for k in (*CHANGE_FIELDS, *COUNT_FIELDS) if k in data}, EvidenceFields)
    rest = {k: v for k, v in data.items() if k not in CHANGE_FIELDS and k not in COUNT_FIELDS}
    msgspec.convert({**rest, "evidence": ()}, Incident)
    return fields
