"""Who leads an incident's response (指挥权): the county, the prefecture city, the province, the provinces jointly,
or the State Council. The plans move the lead with the event grade (一般 county, 较大 city, 重大 province, 特别重大
State Council), with the response level (IV county, III city, II province, I State Council) and with the regions
the incident touches (several counties: their city; several cities: their province; several provinces: jointly,
under their common superior). The lead is the highest of these, computed from the incident as it is, so it moves
up and back down with them; each move is a decision naming what moved it.

Mutual-aid lenders joining an incident (`Incident.provinces`) do not make it cross-region: only where it is does
(`Incident.adcodes`).
"""

from __future__ import annotations

from dataclasses import replace

from playbooks.incident import Decision, Incident

LEADS = ("county", "city", "province", "joint", "state_council")  # ascending
_BY_GRADE = {"一般": "county", "较大": "city", "重大": "province", "特别重大": "state_council"}
_BY_LEVEL = {"IV": "county", "III": "city", "II": "province", "I": "state_council"}
LEAD_RULE = "lead"  # the decision's actor: the lead rules above, not a playbook's


def lead_of(incident: Incident) -> tuple[str, str]:
    """(lead, what moved it there): the highest lead any of grade, level and regions calls for; what moved it is
    `event_grade`, `response_level`, or the regions it spans (`counties`, `cities`, `provinces`)."""
    provinces = {code[:2] for code in incident.adcodes}
    cities = {code[:4] for code in incident.adcodes}
    candidates = [("county", "")]
    if len(provinces) > 1:
        candidates.append(("joint", "provinces"))
    elif len(cities) > 1:
        candidates.append(("province", "cities"))
    elif len(incident.adcodes) > 1:
        candidates.append(("city", "counties"))
    if incident.event_grade in _BY_GRADE:
        candidates.append((_BY_GRADE[incident.event_grade], "event_grade"))
    if incident.response_level in _BY_LEVEL:
        candidates.append((_BY_LEVEL[incident.response_level], "response_level"))
    best = max(LEADS.index(lead) for lead, _ in candidates)
    why = next(reason for lead, reason in candidates if LEADS.index(lead) == best)
    return LEADS[best], why


def follow(incident: Incident, now_ms: int) -> Incident:
    """The incident with its lead brought up to date, and a decision when it moved."""
    lead, why = lead_of(incident)
    if lead == incident.lead or incident.status == "merged":
        return incident
    decision = Decision(now_ms, f"lead {incident.lead}→{lead}", LEAD_RULE, (), why)
    return replace(incident, lead=lead, decisions=(*incident.decisions, decision))
