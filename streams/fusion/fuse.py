"""Fusion: every signal about the same real-world event ends in one incident, across sources and borders.

A signal joins the nearest open incident it is compatible with (its family's, or one whose family accepts it:
streams/data/fusion.yaml) within the family's radius widened by how exactly both are located, and within the
family's time window; a call located only by its address also joins an incident with the same place key.
Otherwise it opens a new incident, numbered from a counter in the state. Region borders play no part: the
theater owns the incident and lists every region involved.

When a more precise signal moves an incident's location, fusion looks again: evidence that no longer fits is
split off into a new incident, and a compatible incident now within reach is merged (the older id survives).
Operators can merge and split too (`merge`, `split`). The index over open incidents is derived data, rebuilt
from the incidents on first use after a restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from playbooks.evidence import Signal
from playbooks.incident import MAX_KEPT_EVIDENCE, Decision, Incident
from streams.fusion import events
from streams.fusion.index import PRECISIONS, ClockIndex, FusionIndex, anchor_rank, precision_rank, wake_after
from streams.fusion.merge import (
    MAX_PLACE_KEYS,
    confidence,
    distance_km,
    evolve,
    involved,
    merge_values,
    opened_type,
    split_values,
)
from streams.fusion.rules import COARSE, Family, FusionRules

__all__ = ["Family", "Fused", "FusionRules", "FusionState", "distance_km", "involved", "step", "store"]


@dataclass
class FusionState:
    """Incidents by id and the incident counter. Mutated in place; incidents themselves are immutable values.

    `feed_pending` lists incidents whose latest evidence is held back from the feed (surge pacing); it is state,
    stored with the theater. The index is not: it is rebuilt from the incidents when missing.
    """

    incidents: dict[str, Incident] = field(default_factory=dict)
    next_number: int = 1
    feed_pending: set[str] = field(default_factory=set)
    # which incident each signal joined; kept only when a tool asks for it (clustering quality), never stored
    ledger: dict[str, str] | None = None
    _index: FusionIndex | None = field(default=None, repr=False, compare=False)
    _events: set[str] | None = field(default=None, repr=False, compare=False)  # open event records (derived)
    _clock: ClockIndex | None = field(default=None, repr=False, compare=False)

    def index(self, rules: FusionRules) -> FusionIndex:
        if self._index is None or self._index.rules is not rules:
            self._index = FusionIndex(rules)
            for incident_id in sorted(self.incidents):
                self._index.put(None, self.incidents[incident_id])
        return self._index

    def clock(self, playbooks: Mapping[str, Any]) -> ClockIndex:
        if self._clock is None or self._clock.playbooks is not playbooks:
            self._clock = ClockIndex(wake_after(playbooks), playbooks)
            for incident_id in sorted(self.incidents):
                self._clock.put(None, self.incidents[incident_id])
        return self._clock

    def open_events(self) -> list[Incident]:
        if self._events is None:
            self._events = {i.id for i in self.incidents.values() if i.scale == "event" and i.status == "open"}
        return [self.incidents[i] for i in sorted(self._events)]

    def put(self, incident: Incident) -> None:
        previous = self.incidents.get(incident.id)
        self.incidents[incident.id] = incident
        if self._events is not None and incident.scale == "event":
            if incident.status == "open":
                self._events.add(incident.id)
            else:
                self._events.discard(incident.id)
        if self._index is not None:
            self._index.put(previous, incident)
        if self._clock is not None:
            self._clock.put(previous, incident)

    def final_incident(self, signal_id: str) -> str | None:
        """The incident a signal ended in (following merges), from the ledger."""
        incident_id = (self.ledger or {}).get(signal_id)
        while incident_id is not None and self.incidents[incident_id].merged_into:
            incident_id = self.incidents[incident_id].merged_into
        return incident_id

    def new_id(self, theater: str) -> str:
        number = self.next_number
        self.next_number += 1
        return f"{theater.upper()}-{number:06d}"

    @classmethod
    def rebuild(cls, incidents: list[Incident], next_number: int, feed_pending: tuple[str, ...] = ()) -> FusionState:
        """After a restart: the stored incidents and counter; the index follows on first use."""
        state = cls(next_number=next_number, feed_pending=set(feed_pending))
        for incident in sorted(incidents, key=lambda i: i.id):
            state.incidents[incident.id] = incident
        return state


@dataclass(frozen=True)
class Fused:
    """What one signal did: the incident it is now part of, and any merge or split it caused."""

    incident: Incident | None = None
    previous: Incident | None = None  # that incident just before (None when the signal opened it)
    merged: tuple[str, ...] = ()  # incidents absorbed by a merge (now status merged)
    split: tuple[str, ...] = ()  # new incidents that took evidence which no longer fits where it was
    touched: tuple[str, ...] = ()  # every other incident this changed, in the order to publish them

    @property
    def opened(self) -> bool:
        return self.incident is not None and self.previous is None and not self.merged


NOTHING = Fused()


def _reach(rules: FusionRules, radius_km: float, signal_precision: str) -> dict[int, float] | None:
    """How far from a signal an incident may be, by the precision rank of the incident's location."""
    own = rules.uncertainty_km(signal_precision)
    if own is None or radius_km <= 0 or signal_precision in COARSE:
        return None
    return {
        rank: radius_km + own + unc
        for rank, p in enumerate(PRECISIONS)
        if p not in COARSE and (unc := rules.uncertainty_km(p)) is not None
    }


def _reach_of(index: FusionIndex, radius_km: float, signal_precision: str) -> dict[int, float] | None:
    key = (radius_km, signal_precision)
    if key not in index.reach_memo:
        index.reach_memo[key] = _reach(index.rules, radius_km, signal_precision)
    return index.reach_memo[key]


def find_match(state: FusionState, rules: FusionRules, signal: Signal, home: str | None) -> Incident | None:
    """The open incident a signal belongs to: a keyed match first, then the nearest within reach."""
    if signal.lon is None or signal.lat is None:
        return None
    index = state.index(rules)
    best: tuple[int, float, str] | None = None
    families = rules.joinable[home] if home is not None else tuple(sorted(rules.families))
    device = signal.place_key if signal.place_key.startswith("device:") else ""
    coarse = signal.precision in COARSE
    street = signal.attr("unit") if coarse else ""
    landmark = f"unit:{signal.attr('unit')}" if signal.attr("unit").startswith("place:") else ""
    for name in families:
        if name not in index.ranks:
            continue  # no open incident of this family has ever been indexed
        family = rules.families[name]
        keys: list[str] = []
        if home == name:
            keys.extend(match_keys(family, signal))
        elif coarse and family.cluster == "radius" and family.scale == "site":
            keys.extend(k for k in match_keys(family, signal) if k.startswith("unit:"))  # the same site's unit
        if coarse and street.count("/") == 1 and family.unit_level != "town":
            inside = [i for i in index.by_key(name, f"within:{street}") if state.incidents[i].scale == "site"]
            if len(inside) == 1:  # a report naming only the street, about the one such site in it
                keys.append(f"within:{street}")
        if coarse and home == name and family.unit_level != "town" and family.unit_key(street).count("/") == 2:
            town = "unit:" + "/".join(street.split("/")[:2])
            bare = [
                i
                for i in index.by_key(name, town)
                if state.incidents[i].scale == "site"
                and not any(k.startswith(town + "/") for k in state.incidents[i].place_keys)
            ]
            if len(bare) == 1:  # the one site of the township known so far only by it: the village it is in
                keys.append(town)
        queue = family.scale == "site" and family.unit_level == "town"  # a street's queue of calls (leaks, outages)
        address = signal.place_key if coarse and home == name and street.isdigit() and queue else ""
        if address:
            keys.append(address)  # the same address called in again, placed only at its county: the same place
        if device:
            keys.append(device)  # a sensor is one place: its later signals join where its first ones are
        if home is None and landmark and family.scale == "site":
            keys.append(landmark)  # someone trapped or hurt at the landmark a site is at (长峰医院): that site's
        for key in keys:
            for incident_id in index.by_key(name, key):
                incident = state.incidents[incident_id]
                if signal.at_ms - incident.last_evidence_ms <= family.window_ms or (
                    ("/" in key or key == address) and _event_goes_on(state, rules, incident, signal.at_ms)
                ):
                    candidate = (0, 0.0, incident_id)
                    best = candidate if best is None or candidate < best else best
        if family.cluster != "radius" or family.radius_km <= 0 or family.scale == "event":
            continue  # keyed only
        radius = rules.attach_radius_km if home is None else max(family.radius_km, rules.families[home].radius_km)
        reach = _reach_of(index, radius, signal.precision)
        if reach is None:
            continue  # located only to a county or prefecture: by its unit, never by distance
        for incident_id in index.near(name, signal.lon, signal.lat, reach):
            incident = state.incidents[incident_id]
            if signal.at_ms - incident.last_evidence_ms > family.window_ms:
                continue
            d = distance_km(signal.lon, signal.lat, incident.lon, incident.lat)
            if d <= reach[index.rank[incident_id]]:
                candidate = (1, d, incident_id)
                best = candidate if best is None or candidate < best else best
    return state.incidents[best[2]] if best else None


def _event_goes_on(state: FusionState, rules: FusionRules, site: Incident, at_ms: int) -> bool:
    """Whether the event a site is part of is still going on: a street's leak queue in a three-day storm is one work
    queue while the storm lasts, however quiet the street was for a day. Only a site matched by a unit finer than a
    county is kept this way: never one reached by distance, and not a county's queue of calls whose address named
    nothing finer (a day's batch of those is a work list; a three-day one mixes every street of the county), except
    for the same address called in again (a road the gazetteer does not know is still the one road)."""
    event = state.incidents.get(site.event_id) if site.event_id is not None else None
    while event is not None and event.merged_into:
        event = state.incidents.get(event.merged_into)
    if event is None or event.status != "open":
        return False
    family = rules.families.get(event.family)
    return family is not None and at_ms - event.last_evidence_ms <= family.window_ms


def match_keys(family: Family, signal: Signal) -> list[str]:
    """The keys a signal of this family is matched by: its aggregate (unit, county, theater) or its address."""
    if family.cluster == "theater":
        return ["theater"]
    if family.cluster == "county":
        return [f"county:{signal.adcode}"] if signal.adcode else []
    named = signal.attr("unit")
    if not named and family.cluster == "radius" and signal.precision not in COARSE:  # a sensor, a bare position
        return [signal.place_key] if signal.place_key and signal.precision != "gps" else []
    unit = named or signal.adcode or ""
    if family.cluster == "unit" or (signal.precision in COARSE and unit):
        return [family.unit_key(unit)]
    if (family.unit_level == "community" and ("/" in unit or unit.startswith("place:"))) or (
        family.unit_level == "village" and family.unit_key(unit).count("/") == 2
    ):
        # a report with a point that also names its community (or street), or its village for a family of villages:
        # the address-only calls about it are about it
        return [family.unit_key(unit), *([signal.place_key] if signal.place_key and signal.precision != "gps" else [])]
    if signal.place_key and signal.precision != "gps":
        return [signal.place_key]  # repeated calls about one address
    return []


def attach(incident: Incident, signal: Signal, rules: FusionRules, rank: int) -> tuple[Incident, bool]:
    """The incident with the signal added; True when its location or family changed (fusion looks again)."""
    home = rules.home_of(signal)
    family_name = incident.family
    if home is not None and home != family_name and family_name in rules.families[home].accepts:
        family_name = home  # the broader event: a gas alarm at a reported collapse makes it a gas incident
    family = rules.families.get(family_name)
    if family_name != incident.family:
        new_type = opened_type(rules, family_name, signal)
    else:
        new_type = family.upgraded_type(signal.kind, incident.type) if family is not None else incident.type
    refines = signal.lon is not None and signal.lat is not None and precision_rank(signal.precision) < rank
    new_source = True
    for kept in incident.evidence:  # a plain loop: a generator here cost more than the comparisons
        if kept.source == signal.source:
            new_source = False
            break
    keep = len(incident.evidence) < MAX_KEPT_EVIDENCE or refines or new_source
    evidence = (*incident.evidence, signal) if keep else incident.evidence
    provinces = involved(incident.provinces, signal)
    adcodes = incident.adcodes
    if signal.adcode and signal.adcode not in adcodes:
        adcodes = (*adcodes, signal.adcode)
    place_keys = incident.place_keys
    own_keys = _aggregate_keys(family, signal)
    if own_keys and (incident.scale == "event" or _is_effect(incident)):
        own_keys = []
    for key in (signal.place_key, *own_keys):
        if key and key not in place_keys and len(place_keys) < MAX_PLACE_KEYS:
            place_keys = (*place_keys, key)
    decisions = incident.decisions
    if new_type != incident.type:
        what = f"type {incident.type}→{new_type}"
        decisions = (*decisions, Decision(signal.at_ms, what, "fusion", (signal.signal_id,), signal.kind))
    if len(provinces) > len(incident.provinces):
        what = f"crosses into {', '.join(provinces[len(incident.provinces) :])}"
        decisions = (*decisions, Decision(signal.at_ms, what, "fusion", (signal.signal_id,)))
    score = incident.confidence
    if new_source:
        score = confidence((*(e.source for e in incident.evidence), signal.source), rules)
        what = f"confirmed by {signal.source}"
        why = f"confidence {incident.confidence}→{score}"
        decisions = (*decisions, Decision(signal.at_ms, what, "fusion", (signal.signal_id,), why))
    location = (incident.lon, incident.lat, incident.adcode)
    if refines:
        assert signal.lon is not None and signal.lat is not None
        location = (signal.lon, signal.lat, signal.adcode or incident.adcode)
        what = f"located by {signal.precision} (was {PRECISIONS[rank]})"
        decisions = (*decisions, Decision(signal.at_ms, what, "fusion", (signal.signal_id,), signal.kind))
    counts = _counted(incident.counts, signal.kind)
    updated = evolve(
        incident,
        type=new_type,
        family=family_name,
        evidence=evidence,
        counts=counts,
        provinces=provinces,
        adcodes=adcodes,
        place_keys=place_keys,
        lon=location[0],
        lat=location[1],
        adcode=location[2],
        confidence=score,
        last_evidence_ms=max(incident.last_evidence_ms, signal.at_ms),
        updated_at_ms=max(incident.updated_at_ms, signal.at_ms),
        decisions=decisions,
    )
    return updated, refines or family_name != incident.family


def _aggregate_keys(family: Family | None, signal: Signal) -> list[str]:
    if family is None or (family.cluster == "radius" and signal.precision not in COARSE and not signal.attr("unit")):
        return []
    return [k for k in match_keys(family, signal) if k.startswith("unit:")]


def _counted(counts: tuple[tuple[str, int], ...], kind: str) -> tuple[tuple[str, int], ...]:
    """Counts by kind (sorted by kind) with one more of `kind`; a handful of kinds, so a scan beats a dict."""
    for i, (known, n) in enumerate(counts):
        if known == kind:
            return (*counts[:i], (kind, n + 1), *counts[i + 1 :])
    return tuple(sorted((*counts, (kind, 1))))


def open_incident(
    state: FusionState,
    rules: FusionRules,
    signal: Signal,
    family: str,
    theater: str,
    incident_type: str | None = None,
    extra_keys: tuple[str, ...] = (),
    why: str = "",
) -> Incident:
    assert signal.lon is not None and signal.lat is not None
    fam = rules.families[family]
    incident = Incident(
        id=state.new_id(theater),
        theater=theater,
        type=incident_type or opened_type(rules, family, signal),
        family=family,
        opened_at_ms=signal.at_ms,
        updated_at_ms=signal.at_ms,
        last_evidence_ms=signal.at_ms,
        lon=signal.lon,
        lat=signal.lat,
        province=signal.province,
        adcode=signal.adcode or "",
        provinces=involved((), signal),
        adcodes=(signal.adcode,) if signal.adcode else (),
        evidence=(signal,),
        counts=((signal.kind, 1),),
        confidence=confidence((signal.source,), rules),
        place_keys=tuple(dict.fromkeys(k for k in (signal.place_key, *_aggregate_keys(fam, signal), *extra_keys) if k)),
        decisions=(Decision(signal.at_ms, "opened", "fusion", (signal.signal_id,), why or signal.kind),),
        scale=fam.scale,
    )
    state.put(incident)
    return incident


def step(state: FusionState, rules: FusionRules, signal: Signal, theater: str) -> tuple[FusionState, Fused]:
    """Fuse one signal into the incident it belongs to (opening one if its kind may), re-checking on refinement."""
    home = rules.home_of(signal)
    if signal.kind in rules.attach_by_place:
        about = signal.attr("of_event")
        match = _covering_event(state, rules, signal, about) if about else _same_place(state, rules, signal)
        return (state, NOTHING) if match is None else _join(state, rules, match, signal, theater)
    if home is None and (signal.kind not in rules.attach_only or signal.attr("everyday")):
        return state, NOTHING  # a person stuck in a lift is a rescue of its own, not the event's
    if signal.source == "hotline" and signal.attr("role") == "remote":
        return _perceived(state, rules, signal, home, theater)
    if home is None and rules.attach_queue and _queued(state, rules, signal):
        home = rules.attach_queue
    if _only_perceives(signal, rules):
        # a blast or a fire named with no damage at the caller's place, beyond a far-reaching site: it perceives it
        state, fused = _perceived(state, rules, signal, home, theater, far_reaching=True)
        if fused.incident is not None:
            return state, fused
    match = find_match(state, rules, signal, home)
    if match is None:
        effect = _effect_site(state, rules, signal, home, theater)
        if effect is not None:
            return state, effect
        if home is None or signal.lon is None:
            return state, NOTHING
        opened = open_incident(state, rules, signal, home, theater)
        if state.ledger is not None:
            state.ledger[signal.signal_id] = opened.id
        return state, _opened(state, rules, opened, signal)
    return _join(state, rules, match, signal, theater)


def _join(
    state: FusionState, rules: FusionRules, match: Incident, signal: Signal, theater: str
) -> tuple[FusionState, Fused]:
    if signal.at_ms <= match.last_evidence_ms and any(e.signal_id == signal.signal_id for e in match.evidence):
        # the same evidence again (a redelivery after a crash between a state write and its offset commit):
        # attaching is idempotent, so nothing changes and nothing is announced. Only evidence no later than the
        # incident's last can be a repeat, which spares the scan for signals arriving in event-time order.
        return state, NOTHING
    updated, moved = attach(match, signal, rules, state.index(rules).rank[match.id])
    state.put(updated)
    if state.ledger is not None:
        state.ledger[signal.signal_id] = updated.id
    if not moved:
        return state, Fused(incident=updated, previous=match)
    return state, recheck(state, rules, updated, match, signal, theater)


def _opened(state: FusionState, rules: FusionRules, opened: Incident, signal: Signal) -> Fused:
    """A new site names the event it is part of; a new event takes the open sites it covers."""
    touched: list[str] = []
    if opened.scale == "site":
        event = events.event_for({e.id: e for e in state.open_events()}, opened, rules)
        if event is not None:
            opened = events.link(opened, event, signal.at_ms, signal, evolve)
            state.put(opened)
    else:
        for site in _unlinked_sites(state, rules, opened):
            state.put(events.link(site, opened, signal.at_ms, signal, evolve))
            touched.append(site.id)
    return Fused(incident=opened, touched=tuple(touched))


def _unlinked_sites(state: FusionState, rules: FusionRules, event: Incident) -> list[Incident]:
    family = rules.families.get(event.family)
    if family is None or not family.sites:
        return []
    index = state.index(rules)
    found = (
        [
            state.incidents[i]
            for name in sorted(family.sites)
            for key in index.keys
            if key[0] == name
            for i in index.keys[key]
        ]
        if False
        else [i for i in state.incidents.values() if i.scale == "site" and i.event_id is None and i.status == "open"]
    )
    return sorted((i for i in found if events.covers(event, i, rules)), key=lambda i: i.id)


def _queued(state: FusionState, rules: FusionRules, signal: Signal) -> bool:
    """Whether a call of a person hurt or trapped with no hazard named goes to its township's queue of the event: it is
    located no finer than a township, and an open event covering its county lists the queue among its sites. A
    collapse in the same township names its own village; such a call says nothing of it (`往外跑摔了一跤`)."""
    unit = signal.attr("unit")
    if signal.source != "hotline" or signal.precision not in COARSE:
        return False
    if unit.count("/") >= 2 or unit.startswith("place:"):
        return False  # a village, a community or a landmark: a site there is what it is about
    for event in state.open_events():
        family = rules.families.get(event.family)
        if family is None or rules.attach_queue not in family.sites:
            continue
        if signal.at_ms - event.last_evidence_ms > family.window_ms:
            continue
        if family.cluster == "theater" or signal.adcode in events.event_area(event):
            return True
    return False


def _covering_event(state: FusionState, rules: FusionRules, signal: Signal, about: str) -> Incident | None:
    """A call that names no event and speaks only of the regional event (the weather, the shaking) or of a fear is
    counted on the open event covering its county (the earliest opened), never on a site: `雷声太大了` from a village
    with a flooded cellar says nothing of the cellar."""
    felt = f"call:{about}"
    best: tuple[int, int, str] | None = None
    for event in state.open_events():
        family = rules.families.get(event.family)
        if family is None or not family.sites or signal.at_ms - event.last_evidence_ms > family.window_ms:
            continue
        if family.cluster != "theater" and signal.adcode not in events.event_area(event):
            continue
        rank = (0 if felt in family.kinds else 1, event.opened_at_ms, event.id)  # the event its words are of first
        best = rank if best is None or rank < best else best
    return state.incidents[best[2]] if best else None


def _same_place(state: FusionState, rules: FusionRules, signal: Signal) -> Incident | None:
    """A report that says nothing of the kind of event joins an open site with the same address, or in the same village
    or community (a neighbour asking whether the stove is safe after the blast)."""
    unit = signal.attr("unit")
    if not (unit.count("/") == 2 or unit.startswith("place:")):
        return None  # an address that names only a street or a district is no place of its own
    wanted = {f"unit:{unit}", signal.place_key} - {""}
    index = state.index(rules)
    best: Incident | None = None
    for (family, key), ids in index.keys.items():
        if key not in wanted:
            continue
        for incident_id in ids:
            incident = state.incidents[incident_id]
            if incident.scale != "site" or signal.at_ms - incident.last_evidence_ms > rules.families[family].window_ms:
                continue
            if best is None or incident.id < best.id:
                best = incident
    return best


def _shows(incident: Incident, perceived: set[str]) -> bool:
    """Whether a site has evidence of what is perceived of it (an explosion, a fire)."""
    return (
        not perceived
        or any(topic in kind for kind, _ in incident.counts for topic in perceived)
        or any(topic in incident.type for topic in perceived)
    )


def _only_perceives(signal: Signal, rules: FusionRules) -> bool:
    if signal.source != "hotline" or signal.attr("at_caller"):
        return False
    topics = set(signal.attr("topics").split(","))
    return bool(topics) and topics <= rules.perceivable


def _perceived(
    state: FusionState,
    rules: FusionRules,
    signal: Signal,
    home: str | None,
    theater: str,
    far_reaching: bool = False,
) -> tuple[FusionState, Fused]:
    """A report that only perceives an event from afar (a blast heard, smoke seen over there) joins the site it can be
    about, within how far that event is perceived; it is counted on the site's event when the site has one (its
    effects reached beyond it). It never opens an incident: where the event is, it does not say."""
    if home is None or signal.lon is None or signal.lat is None:
        return state, NOTHING
    index = state.index(rules)
    own = _spread_km(rules, signal)
    perceived = set(signal.attr("topics").split(",")) & rules.perceivable
    best: tuple[int, float, str] | None = None
    # A caller located only to a county or prefecture may be anywhere in it: the distances to two sites in it say
    # nothing of which one is seen, and a fire or a blast perceived from afar is the larger one (the most reports).
    coarse = signal.precision in COARSE
    for name in rules.joinable[home]:
        family = rules.families[name]
        if family.remote_km <= 0 or name not in index.ranks or (far_reaching and not family.event):
            continue
        reach = {rank: family.remote_km + own for rank in range(len(PRECISIONS))}
        for incident_id in index.near(name, signal.lon, signal.lat, reach):
            incident = state.incidents[incident_id]
            if incident.scale != "site" or signal.at_ms - incident.last_evidence_ms > family.window_ms:
                continue
            if not _shows(incident, perceived):
                continue  # a blast is heard of a site that exploded, not of a leak nearby
            d = distance_km(signal.lon, signal.lat, incident.lon, incident.lat)
            if far_reaching and signal.precision not in COARSE and d <= family.radius_km + own:
                continue  # at the site itself: a report of it
            size = -sum(n for _, n in incident.counts) if coarse else 0
            if d <= family.remote_km + own and (best is None or (size, d, incident_id) < best):
                best = (size, d, incident_id)
    if best is None:
        return state, NOTHING
    site = state.incidents[best[2]]
    event, touched = _event_of(state, rules, site, signal, theater, "perceived from afar")
    _, fused = _join(state, rules, event or site, signal, theater)
    return state, Fused(fused.incident, fused.previous, fused.merged, fused.split, (*touched, *fused.touched))


def _event_of(
    state: FusionState, rules: FusionRules, site: Incident, signal: Signal, theater: str, why: str
) -> tuple[Incident | None, list[str]]:
    """The site's event, opened now if its family's sites have one and it has none yet (its effects reach beyond
    it); the incidents this changed, to publish."""
    linked = state.incidents.get(site.event_id) if site.event_id is not None else None
    while linked is not None and linked.merged_into:  # an operator merged the event: the survivor is it now
        linked = state.incidents.get(linked.merged_into)
    if linked is not None:
        return (linked, []) if linked.status == "open" else (None, [])  # a closed event takes no more reports
    family = rules.families.get(site.family)
    if family is None or not family.event:
        return None, []
    event = open_incident(
        state,
        rules,
        signal,
        family.event,
        theater,
        extra_keys=(f"event-of:{site.id}",),
        why=f"{site.type} {site.id}: {why}",
    )
    event = evolve(event, lon=site.lon, lat=site.lat, adcode=site.adcode, evidence=(), counts=())
    state.put(event)
    state.put(events.link(site, event, signal.at_ms, signal, evolve))
    return event, [event.id, site.id]


def _spread_km(rules: FusionRules, signal: Signal) -> float:
    """How far from its point a signal may really be: its county's or prefecture's extent when located only to it."""
    spread = signal.attr("spread_km")
    return float(spread) if spread else (rules.uncertainty_km(signal.precision) or 0.0)


def _is_effect(incident: Incident) -> bool:
    return any(key.startswith("effect:") for key in incident.place_keys)


def _effect_site(
    state: FusionState, rules: FusionRules, signal: Signal, home: str | None, theater: str
) -> Fused | None:
    """A report of an effect of a site's event beyond the site (smell downwind, windows broken by a blast)."""
    if home is None or signal.lon is None or signal.lat is None:
        return None
    index = state.index(rules)
    if not any(name in index.ranks for name in rules.with_effects):
        return None  # no open site has effects: the usual case
    topics = set(signal.attr("topics").split(",")) if signal.source == "hotline" else {signal.kind}
    index = state.index(rules)
    own = _spread_km(rules, signal)
    best: tuple[float, str, int] | None = None
    for name, family in sorted(rules.families.items()):
        if not family.effects or name not in index.ranks or not rules.compatible(name, home):
            continue
        for n, effect in enumerate(family.effects):
            if not topics & effect.topics:
                continue
            reach = {rank: effect.reach_km + own for rank in range(len(PRECISIONS))}
            for incident_id in index.near(name, signal.lon, signal.lat, reach):
                site = state.incidents[incident_id]
                if site.scale != "site" or _is_effect(site):
                    continue  # an effect site has no effects of its own
                if signal.at_ms - site.last_evidence_ms > family.window_ms:
                    continue
                if effect.needs and not site.count(effect.needs):
                    continue
                d = distance_km(signal.lon, signal.lat, site.lon, site.lat)
                if d <= effect.reach_km + own and (best is None or (d, incident_id, n) < best):
                    best = (d, incident_id, n)
    if best is None:
        return None
    site = state.incidents[best[1]]
    family = rules.families[site.family]
    effect = family.effects[best[2]]
    if effect.per == "join":
        _, fused = _join(state, rules, site, signal, theater)
        return fused
    unit = signal.attr("unit") or signal.adcode or ""
    key = f"effect:{site.id}:{effect.name}" + (f":{family.unit_key(unit)}" if effect.per == "unit" else "")
    event, touched = _event_of(state, rules, site, signal, theater, f"its effects reach beyond it ({effect.name})")
    if effect.at_caller and signal.source == "hotline" and not signal.attr("at_caller"):
        # it names the effect but no damage at the caller's place: it perceives the event, counted there
        _, fused = _join(state, rules, event or site, signal, theater)
        return Fused(fused.incident, fused.previous, fused.merged, fused.split, (*touched, *fused.touched))
    for incident_id in index.by_key(site.family, key):
        found = state.incidents[incident_id]
        _, fused = _join(state, rules, found, signal, theater)
        return Fused(fused.incident, fused.previous, fused.merged, fused.split, (*touched, *fused.touched))
    why = f"{effect.name} of {site.type} {site.id}, {best[0]:.1f} km from it"
    opened = open_incident(state, rules, signal, site.family, theater, effect.opens, (key,), why)
    if event is not None:
        opened = events.link(opened, event, signal.at_ms, signal, evolve)
        state.put(opened)
    if state.ledger is not None:
        state.ledger[signal.signal_id] = opened.id
    return Fused(incident=opened, touched=tuple(touched))


# -- merge and split -----------------------------------------------------------------------------------------


def merge(
    state: FusionState,
    rules: FusionRules,
    survivor_id: str,
    other_id: str,
    at_ms: int,
    rule: str,
    reason: str,
    evidence_ids: tuple[str, ...] = (),
) -> tuple[Incident, Incident]:
    """Merge `other_id` into `survivor_id` (both open); returns both as stored."""
    survivor, absorbed = merge_values(
        state.incidents[survivor_id], state.incidents[other_id], rules, at_ms, rule, reason, evidence_ids
    )
    state.put(absorbed)
    state.put(survivor)
    state.feed_pending.discard(other_id)
    return survivor, absorbed


def split(
    state: FusionState,
    rules: FusionRules,
    incident_id: str,
    evidence_ids: tuple[str, ...],
    at_ms: int,
    rule: str,
    reason: str,
    theater: str,
) -> tuple[Incident, Incident]:
    """Split the named evidence off into a new incident; returns the remaining incident and the new one."""
    new_id = f"{theater.upper()}-{state.next_number:06d}"
    remaining, new = split_values(state.incidents[incident_id], evidence_ids, new_id, rules, at_ms, rule, reason)
    state.next_number += 1
    state.put(remaining)
    state.put(new)
    if state.ledger is not None:
        state.ledger.update({e.signal_id: new.id for e in new.evidence})
    return remaining, new


def _radius(rules: FusionRules, signal: Signal) -> float | None:
    home = rules.home_of(signal)
    if home is None:
        return rules.attach_radius_km
    family = rules.families[home]
    return family.radius_km if family.cluster == "radius" and family.radius_km > 0 else None


def diverging(incident: Incident, rules: FusionRules) -> tuple[str, ...]:
    """Evidence that cannot be where the incident now is, however inexact its own location was."""
    anchor = rules.uncertainty_km(PRECISIONS[anchor_rank(incident)]) or 0.0
    out: list[str] = []
    for e in incident.evidence:
        radius = _radius(rules, e)
        own = rules.uncertainty_km(e.precision)
        if radius is None or own is None or e.lon is None or e.lat is None or e.precision in COARSE:
            continue  # a report located only to its unit joined by its unit, not by its point
        if distance_km(e.lon, e.lat, incident.lon, incident.lat) > radius + own + anchor:
            out.append(e.signal_id)
    return tuple(out)


def neighbours(state: FusionState, rules: FusionRules, incident: Incident) -> list[str]:
    """Open incidents that may be the same event as this one: compatible, within reach, in overlapping time."""
    index = state.index(rules)
    family = rules.families.get(incident.family)
    own = rules.uncertainty_km(PRECISIONS[index.rank.get(incident.id, len(PRECISIONS) - 1)])
    if family is None or family.cluster != "radius" or own is None:
        return []
    found: list[str] = []
    for name, other in sorted(rules.families.items()):
        if other.cluster != "radius" or not rules.compatible(incident.family, name):
            continue
        radius = max(family.radius_km, other.radius_km)
        reach = _reach(rules, radius, PRECISIONS[index.rank[incident.id]])
        if reach is None:
            continue
        window = max(family.window_ms, other.window_ms)
        for candidate_id in index.near(name, incident.lon, incident.lat, reach):
            candidate = state.incidents[candidate_id]
            if candidate_id == incident.id or abs(candidate.last_evidence_ms - incident.last_evidence_ms) > window:
                continue
            d = distance_km(incident.lon, incident.lat, candidate.lon, candidate.lat)
            if d <= reach[index.rank[candidate_id]]:
                found.append(candidate_id)
    return sorted(found)


def kept_apart(a: Incident, b: Incident) -> bool:
    """An operator split these two apart: fusion never merges them back on its own."""
    marks = {f"split {b.id} off", f"split from {b.id}"}
    return any(d.rule.startswith("operator:") and d.what in marks for d in a.decisions)


def recheck(
    state: FusionState, rules: FusionRules, incident: Incident, previous: Incident, signal: Signal, theater: str
) -> Fused:
    """After `signal` moved `incident` (or widened its family): split off what no longer fits, merge what now does."""
    evidence = (signal.signal_id,)
    splits: list[str] = []
    work = [incident.id]
    while work:
        current = state.incidents[work.pop()]
        away = diverging(current, rules)
        if away and len(away) < len(current.evidence):
            why = f"located by {signal.kind}: {len(away)} piece(s) of evidence lie beyond reach of the new location"
            _, new = split(state, rules, current.id, away, signal.at_ms, "fusion", why, theater)
            splits.append(new.id)
            work.append(new.id)
    merged: list[str] = []
    survivor_id = incident.id
    for checked_id in [incident.id, *splits]:
        if state.incidents[checked_id].status != "open":
            continue
        for other_id in neighbours(state, rules, state.incidents[checked_id]):
            current, other = state.incidents[checked_id], state.incidents[other_id]
            if other.status != "open" or current.status != "open" or kept_apart(current, other):
                continue
            keep, gone = sorted((checked_id, other_id))
            d = distance_km(current.lon, current.lat, other.lon, other.lat)
            why = f"{current.type} and {other.type} {d:.2f} km apart once located by {signal.kind}"
            merge(state, rules, keep, gone, signal.at_ms, "fusion", why, evidence)
            merged.append(gone)
            survivor_id = keep if gone == survivor_id else survivor_id
            checked_id = keep if gone == checked_id else checked_id
    touched = [i for i in dict.fromkeys([*splits, *merged]) if i != survivor_id]
    survivors = {state.incidents[m].merged_into for m in merged} - {survivor_id, None}
    touched.extend(sorted(str(s) for s in survivors if s not in touched))
    return Fused(
        incident=state.incidents[survivor_id],
        previous=previous,
        merged=tuple(merged),
        split=tuple(splits),
        touched=tuple(touched),
    )


def store(state: FusionState, incident: Incident) -> None:
    """Put back an incident changed outside fusion (by playbooks or an operator), keeping the index true."""
    state.put(incident)
    state.feed_pending.discard(incident.id)


def defer(state: FusionState, incident: Incident) -> None:
    """Store an evidence-only update without publishing it yet (surge pacing)."""
    state.put(incident)
    state.feed_pending.add(incident.id)
