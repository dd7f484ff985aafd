"""Events and sites: a regional disaster is one event record with many site incidents under it.

An *event* record is an incident of an event-scale family (streams/data/fusion.yaml: a warning in force, a county's
rainstorm, an earthquake, a chemical release's hazard area): it takes the reports that only say the event is felt
or happening (a gauge, a warning, "it is raining hard", shaking felt 150 km away) and never a report of damage. A
*site* is an incident that needs its own response (an underpass, a collapsed house, a street's leaking roofs); it
names the event it is part of (`event_id`), as CAD links child incidents to a master incident. Links are made when
a site opens (or first meets its event) and recorded as decisions on both.

Which sites an event takes: the families its family lists under `sites`, in the counties the event covers (a
warning's area; a county event's county; anywhere in the theater for a theater-wide event), while the event is open.
"""

from __future__ import annotations

from collections.abc import Callable

from playbooks.evidence import Signal
from playbooks.incident import Decision, Incident
from streams.fusion.rules import FusionRules


def covers(event: Incident, site: Incident, rules: FusionRules) -> bool:
    """Whether a site of this family, in this place and time, is part of the event."""
    family = rules.families.get(event.family)
    if family is None or site.family not in family.sites or event.status != "open":
        return False
    if site.opened_at_ms - event.last_evidence_ms > family.window_ms:
        return False
    if family.cluster == "theater":
        return True
    area = event_area(event)
    return bool(area) and any(code in area for code in (site.adcode, *site.adcodes))


def event_area(event: Incident) -> set[str]:
    for signal in event.evidence:
        if signal.attr("area"):
            return set(signal.attr("area").split(","))
    return set(event.adcodes)


def event_for(incidents: dict[str, Incident], site: Incident, rules: FusionRules) -> Incident | None:
    """The open event a site is part of: the earliest opened one that covers it."""
    found = [e for e in incidents.values() if e.scale == "event" and covers(e, site, rules)]
    return min(found, key=lambda e: (e.opened_at_ms, e.id), default=None)


def link(
    site: Incident, event: Incident, at_ms: int, signal: Signal | None, evolve: Callable[..., Incident]
) -> Incident:
    """The site, named part of the event."""
    why = f"{site.type} in {site.adcode} during {event.type} {event.id}"
    evidence = (signal.signal_id,) if signal is not None else ()
    decision = Decision(at_ms, f"part of event {event.id}", "fusion", evidence, why)
    return evolve(site, event_id=event.id, decisions=(*site.decisions, decision))
