"""Casualty reports route the injured to hospitals by road time, free surge beds and speciality (burns),
across the province border when the near ones fill. Each routing is a `casualty_routing` delta and a
Decision on the incident; the beds taken are remembered for the next report, of any incident.

A report's counts are running totals for its incident, so only the injured not yet routed are routed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from geo.hospitals import route_injured
from geo.regions import PROVINCES
from playbooks.evidence import Signal
from playbooks.incident import Decision, Incident
from streams.theater.closures import roads_of
from streams.theater.state import Emitter, TheaterContext, TheaterState


@dataclass(frozen=True, slots=True)
class HospitalShare:
    hospital_id: str
    name: str
    province: str
    adcode: str
    speciality: str  # "" = a general bed
    casualties: int
    travel_s: float
    cross_border: bool


@dataclass(frozen=True, slots=True)
class CasualtyRouting:
    signal_id: str
    incident_id: str
    injured: int  # routed now (new since the last report)
    hospitals: tuple[HospitalShare, ...]
    unplaced: int  # found no free bed anywhere in reach
    reason: str


def route(state: TheaterState, incident: Incident, signal: Signal, ctx: TheaterContext, out: Emitter) -> Incident:
    """Route the newly reported injured of `incident`; returns the incident with the decision added."""
    try:
        injured = int(signal.attr("injured", "0"))
        reported_burns = int(signal.attr("burns", "0"))  # contract 1.2; 0 when the report does not say
    except ValueError:
        figures = f"injured={signal.attr('injured')!r}, burns={signal.attr('burns')!r}"
        out.emit("rejected", signal.signal_id, f"casualties: {figures}: not counts")
        return incident
    new = injured - state.injured_routed.get(incident.id, 0)
    if new <= 0:
        return incident
    # burns cases the report counts (contract 1.2), new since the last report; without a count, the casualty mix
    counted = {}
    if reported_burns:
        counted["burns"] = max(0, min(new, reported_burns - state.burns_routed.get(incident.id, 0)))
        state.burns_routed[incident.id] = reported_burns
    lon = signal.lon if signal.lon is not None else incident.lon
    lat = signal.lat if signal.lat is not None else incident.lat
    roads = roads_of(state, ctx)
    placements, unplaced = route_injured(
        state.fleet, roads, lon, lat, new, incident.type, state.hospital_load, ctx.surge, counted
    )
    state.injured_routed[incident.id] = injured
    shares = []
    for p in placements:
        key = f"{p.hospital_id}/{p.speciality}" if p.speciality else p.hospital_id
        state.hospital_load[key] = state.hospital_load.get(key, 0) + p.casualties
        hospital = state.fleet.responders[p.hospital_id]
        shares.append(
            HospitalShare(
                hospital_id=p.hospital_id,
                name=hospital.name,
                province=hospital.home_province,
                adcode=hospital.home_adcode,
                speciality=p.speciality,
                casualties=p.casualties,
                travel_s=p.travel_s,
                cross_border=hospital.home_province != incident.province,
            )
        )
    state.dirty.add(("meta", "casualties"))
    reason = "; ".join(
        f"{s.casualties} to {s.name}{f' ({s.speciality})' if s.speciality else ''} {s.travel_s / 60:.0f} min"
        + (f" in {PROVINCES[s.province]}" if s.cross_border else "")
        for s in shares
    )
    if unplaced:
        reason += f"; {unplaced} without a free bed in reach"
    routing = CasualtyRouting(signal.signal_id, incident.id, new, tuple(shares), unplaced, reason)
    out.emit("casualty_routing", signal.signal_id, routing)
    across = sum(s.casualties for s in shares if s.cross_border)
    what = f"casualties routed: {new} injured to {len(shares)} hospitals"
    if across:
        what += f", {across} across the border"
    decision = Decision(state.now_ms, what, "casualty_routing", (signal.signal_id,), reason)
    return replace(incident, decisions=(*incident.decisions, decision))
