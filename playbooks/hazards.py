"""Incidents near a registered hazard carry it: the register's sites (playbooks/register.py) within their class's
reach of the incident's site, nearest first, at most a few. The incident's site moves as evidence arrives, so the
sites are looked up again whenever the playbook evaluates it; each change is a decision naming the nearest site.
A playbook condition reads them (`at_facility: chemical_plant`).
"""

from __future__ import annotations

from dataclasses import replace

from playbooks.incident import Decision, HazardRef, Incident
from playbooks.places import PlaybookPlaces, km_between

MAX_CARRIED = 3
_KM_PER_DEG_LAT = 110.5  # the least of a degree of latitude, so the shortcut never rules out a site in reach
HAZARD_RULE = "hazard_register"  # the decision's actor: the register, not a playbook's rule


def nearby(places: PlaybookPlaces, lon: float, lat: float) -> tuple[HazardRef, ...]:
    """The registered hazard sites whose reach covers the point, nearest first (ties by name)."""
    found = []
    for cls, items in places.facilities.items():
        for f in items:
            # a degree of latitude is 111 km everywhere: most sites are ruled out without the great-circle distance
            if not f.hazard or abs(f.lat - lat) * _KM_PER_DEG_LAT > f.reach_km:
                continue
            km = km_between(lon, lat, f.lon, f.lat)
            if km <= f.reach_km:
                found.append(HazardRef(cls, f.name, f.hazard, round(km, 1)))
    found.sort(key=lambda h: (h.km, h.name))
    return tuple(found[:MAX_CARRIED])


def follow(incident: Incident, places: PlaybookPlaces | None, now_ms: int) -> Incident:
    """The incident with the hazards near its site brought up to date, and a decision when they changed."""
    if places is None or incident.status != "open":
        return incident
    hazards = nearby(places, incident.lon, incident.lat)
    if [h.name for h in hazards] == [h.name for h in incident.hazards]:
        return incident
    if hazards:
        h = hazards[0]
        what = f"hazard {h.cls}: {h.name} {h.km:g} km"
        reason = ", ".join(f"{x.name} ({x.cls})" for x in hazards)
    else:
        what, reason = "hazard none", ", ".join(h.name for h in incident.hazards)
    decision = Decision(now_ms, what, HAZARD_RULE, (), reason)
    return replace(incident, hazards=hazards, decisions=(*incident.decisions, decision))
