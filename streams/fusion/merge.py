"""Merging two incidents that are one event, and splitting evidence off one that was two: pure value changes.

Identity is stable: a merge keeps the survivor's id and marks the other `merged` with `merged_into`; a split
gives the evidence taken away to a new incident with a new id. Both write a Decision on each incident (what,
by which rule or operator, on which evidence, why, when), which is the audit trail the feed shows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import fields, replace
from typing import Any

from playbooks.evidence import Signal
from playbooks.incident import (
    EVENT_GRADES,
    MAX_KEPT_EVIDENCE,
    RESPONSE_LEVELS,
    STAGE_ORDER,
    WARNING_COLOURS,
    Decision,
    Incident,
)
from streams.fusion.index import KM_PER_DEG_LAT, anchor_rank, precision_rank
from streams.fusion.rules import FusionRules

MAX_PLACE_KEYS = 50


def _compile_evolve() -> Callable[..., Incident]:
    """`dataclasses.replace` for the hot path (one call per fused signal): the same value, since Incident has no
    __post_init__, about three times faster. A frozen slots dataclass can only be built field by field through
    its slot descriptors; a loop over field names costs a getattr, a dict probe and an `object.__setattr__` each,
    so, as dataclasses itself does for __init__, the straight-line body is generated once from the fields."""
    names = [f.name for f in fields(Incident)]
    scope: dict[str, Any] = {"_new": object.__new__, "Incident": Incident, "_names": frozenset(names)}
    body = [
        "def evolve(incident, /, **changes):",
        "    if not changes.keys() <= _names:",
        "        raise TypeError(f'Incident has no field {sorted(changes.keys() - _names)}')",
        "    new = _new(Incident)",
    ]
    for i, name in enumerate(names):
        scope[f"_set{i}"] = getattr(Incident, name).__set__  # the slot's member descriptor
        body.append(f"    _set{i}(new, changes[{name!r}] if {name!r} in changes else incident.{name})")
    body.append("    return new")
    exec("\n".join(body), scope)  # generated from the dataclass's own field names only
    evolve: Callable[..., Incident] = scope["evolve"]
    evolve.__doc__ = "An Incident equal to `dataclasses.replace(incident, **changes)`."
    return evolve


evolve = _compile_evolve()


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Equirectangular distance: within a few tens of km it is within 0.1 % of the great circle."""
    x = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(x, lat2 - lat1) * KM_PER_DEG_LAT


def involved(provinces: tuple[str, ...], signal: Signal) -> tuple[str, ...]:
    """Regions an incident involves: where its evidence is, and whose hotline took a call about it."""
    for province in (signal.province, signal.personal.owner_province if signal.personal else None):
        if province and province not in provinces:
            provinces = (*provinces, province)
    return provinces


def confidence(sources: Iterable[str], rules: FusionRules) -> float:
    miss = 1.0
    for source in sorted(set(sources)):
        miss *= 1.0 - rules.source_weight.get(source, 0.3)
    return round(1.0 - miss, 3)


def opened_type(rules: FusionRules, family: str, signal: Signal) -> str:
    fam = rules.families[family]
    try:
        base = fam.opens.format(**dict(signal.attrs)) if "{" in fam.opens else fam.opens
    except KeyError as exc:  # streams/data/fusion.yaml names a field this signal does not carry
        raise ValueError(f"opens: {fam.opens!r} needs {exc} of {signal.kind} {signal.signal_id}") from exc
    return fam.upgraded_type(signal.kind, base)


def _kept(evidence: list[Signal], anchor: Signal | None) -> tuple[Signal, ...]:
    """The first evidence up to the cap, plus the anchor and one signal of each source beyond it."""
    kept = evidence[:MAX_KEPT_EVIDENCE]
    sources = {e.source for e in kept}
    ids = {e.signal_id for e in kept}
    for signal in evidence[MAX_KEPT_EVIDENCE:]:
        wanted = signal.source not in sources or (anchor is not None and signal.signal_id == anchor.signal_id)
        if wanted and signal.signal_id not in ids:
            kept.append(signal)
            sources.add(signal.source)
            ids.add(signal.signal_id)
    return tuple(kept)


def _anchor(evidence: Iterable[Signal]) -> Signal | None:
    located = [e for e in evidence if e.lon is not None and e.lat is not None]
    return min(located, key=lambda e: (precision_rank(e.precision), e.at_ms, e.signal_id), default=None)


def _higher(scale: tuple[str, ...], a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return a or b
    return a if scale.index(a) >= scale.index(b) else b


def _union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    return (*a, *(x for x in b if x not in a))


def _family_and_type(survivor: Incident, other: Incident, rules: FusionRules) -> tuple[str, str]:
    fam = rules.families.get(survivor.family)
    other_fam = rules.families.get(other.family)
    if survivor.family == other.family and fam is not None:
        upgraded = other.type in fam.upgrade_types and survivor.type not in fam.upgrade_types
        return survivor.family, other.type if upgraded else survivor.type
    if fam is None or other.family in fam.accepts or other_fam is None or survivor.family not in other_fam.accepts:
        return survivor.family, survivor.type
    return other.family, other.type  # the broader event: its family accepts the survivor's


def merge_values(
    survivor: Incident,
    other: Incident,
    rules: FusionRules,
    at_ms: int,
    rule: str,
    reason: str,
    evidence_ids: tuple[str, ...] = (),
) -> tuple[Incident, Incident]:
    """`other` joins `survivor`; returns the survivor and the other, now merged into it."""
    by_id = {e.signal_id: e for e in (*survivor.evidence, *other.evidence)}
    evidence = sorted(by_id.values(), key=lambda e: (e.at_ms, e.signal_id))
    first = min((survivor, other), key=lambda i: (anchor_rank(i), i is not survivor))
    anchor = next((e for e in first.evidence if (e.lon, e.lat) == (first.lon, first.lat)), None)
    counts: dict[str, int] = dict(survivor.counts)
    for kind, n in other.counts:
        counts[kind] = counts.get(kind, 0) + n
    family, incident_type = _family_and_type(survivor, other, rules)
    timer_ids = {t.id for t in survivor.timers}
    approval_ids = {a.id for a in survivor.approvals}
    kept = _kept(evidence, anchor)
    what = f"merged {other.id} into this incident"
    merged = replace(
        survivor,
        type=incident_type,
        family=family,
        opened_at_ms=min(survivor.opened_at_ms, other.opened_at_ms),
        updated_at_ms=max(survivor.updated_at_ms, other.updated_at_ms, at_ms),
        last_evidence_ms=max(survivor.last_evidence_ms, other.last_evidence_ms),
        lon=first.lon,
        lat=first.lat,
        adcode=first.adcode,
        provinces=_union(survivor.provinces, other.provinces),
        adcodes=_union(survivor.adcodes, other.adcodes),
        evidence=kept,
        counts=tuple(sorted(counts.items())),
        confidence=max(survivor.confidence, other.confidence, confidence((e.source for e in kept), rules)),
        stage=max(survivor.stage, other.stage, key=STAGE_ORDER.index),
        response_level=_higher(RESPONSE_LEVELS, survivor.response_level, other.response_level),
        warning_colour=_higher(WARNING_COLOURS, survivor.warning_colour, other.warning_colour),
        event_grade=_higher(EVENT_GRADES, survivor.event_grade, other.event_grade),
        acknowledged=survivor.acknowledged or other.acknowledged,
        fired=_union(survivor.fired, other.fired),
        timers=(*survivor.timers, *(t for t in other.timers if t.id not in timer_ids)),
        approvals=(*survivor.approvals, *(a for a in other.approvals if a.id not in approval_ids)),
        place_keys=_union(survivor.place_keys, other.place_keys)[:MAX_PLACE_KEYS],
        decisions=(*survivor.decisions, Decision(at_ms, what, rule, evidence_ids, reason)),
    )
    absorbed = replace(
        other,
        status="merged",
        merged_into=survivor.id,
        timers=(),
        updated_at_ms=max(other.updated_at_ms, at_ms),
        decisions=(*other.decisions, Decision(at_ms, f"merged into {survivor.id}", rule, evidence_ids, reason)),
    )
    return merged, absorbed


def split_values(
    incident: Incident,
    evidence_ids: tuple[str, ...],
    new_id: str,
    rules: FusionRules,
    at_ms: int,
    rule: str,
    reason: str,
) -> tuple[Incident, Incident]:
    """Move the named evidence to a new incident; returns the remaining incident and the new one.

    The remaining incident keeps its type, levels, tasks and timers (a split never undoes a response); the
    new one starts afresh and is run through its playbook by the caller.
    """
    wanted = set(evidence_ids)
    moved = tuple(e for e in incident.evidence if e.signal_id in wanted)
    kept = tuple(e for e in incident.evidence if e.signal_id not in wanted)
    if not moved or not kept:
        raise ValueError(f"evidence_ids: a split must move some but not all evidence of {incident.id}")
    family = next((home for e in moved if (home := rules.home_of(e)) is not None), incident.family)
    anchor = _anchor(moved)
    if anchor is None or anchor.lon is None or anchor.lat is None:
        raise ValueError(f"evidence_ids: none of the evidence split off {incident.id} has a location")
    # the type comes from a signal of the family (a warning's hazard names a warning record's type), not from
    # whichever signal locates the new incident best
    typed = next((e for e in moved if rules.home_of(e) == family), anchor)
    incident_type = opened_type(rules, family, typed) if family in rules.families else incident.type
    if family in rules.families:
        for e in moved:
            incident_type = rules.families[family].upgraded_type(e.kind, incident_type)
    provinces: tuple[str, ...] = ()
    for e in moved:
        provinces = involved(provinces, e)
    moved_counts: dict[str, int] = {}
    for e in moved:
        moved_counts[e.kind] = moved_counts.get(e.kind, 0) + 1
    remaining_counts = dict(incident.counts)
    for kind, n in moved_counts.items():
        remaining_counts[kind] = remaining_counts.get(kind, 0) - n
    ids = tuple(e.signal_id for e in moved)
    new = Incident(
        id=new_id,
        theater=incident.theater,
        type=incident_type,
        family=family,
        opened_at_ms=at_ms,
        updated_at_ms=at_ms,
        last_evidence_ms=max(e.at_ms for e in moved),
        lon=anchor.lon,
        lat=anchor.lat,
        province=next((e.province for e in moved if e.province), incident.province),
        adcode=anchor.adcode or "",
        provinces=provinces,
        adcodes=tuple(dict.fromkeys(e.adcode for e in moved if e.adcode)),
        evidence=moved,
        counts=tuple(sorted(moved_counts.items())),
        confidence=confidence((e.source for e in moved), rules),
        place_keys=tuple(dict.fromkeys(e.place_key for e in moved if e.place_key))[:MAX_PLACE_KEYS],
        decisions=(Decision(at_ms, f"split from {incident.id}", rule, ids, reason),),
    )
    moved_keys = {e.place_key for e in moved} - {e.place_key for e in kept}
    moved_adcodes = {e.adcode for e in moved} - {e.adcode for e in kept}
    lon, lat, adcode = incident.lon, incident.lat, incident.adcode
    if any((e.lon, e.lat) == (lon, lat) for e in moved):
        still = _anchor(kept)  # the anchor left with the moved evidence: the best remaining one takes over
        if still is not None and still.lon is not None and still.lat is not None:
            lon, lat, adcode = still.lon, still.lat, still.adcode or adcode
    remaining = replace(
        incident,
        evidence=kept,
        counts=tuple(sorted((k, n) for k, n in remaining_counts.items() if n > 0)),
        confidence=confidence((e.source for e in kept), rules),
        place_keys=tuple(k for k in incident.place_keys if k not in moved_keys),
        lon=lon,
        lat=lat,
        adcode=adcode,
        adcodes=tuple(a for a in incident.adcodes if a not in moved_adcodes or a == adcode),
        updated_at_ms=max(incident.updated_at_ms, at_ms),
        decisions=(*incident.decisions, Decision(at_ms, f"split {new_id} off", rule, ids, reason)),
    )
    return remaining, new
