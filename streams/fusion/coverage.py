"""No incident without a plan: every incident type fusion can open, or change an incident to, has a playbook.

The types come from the fusion rules (streams/data/fusion.yaml): each family's `opens` (a warning's
`{hazard}_warning` for every hazard the operator language names), its `upgrades`, and its effects' `opens`.
Every hotline topic the call reader gives (streams/data/hotline_topics.yaml) must also lead somewhere: its call
kind belongs to a family, or only joins incidents (`attach_only`, `attach_by_place`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from streams.fusion.rules import FusionRules, hotline_topics


@dataclass(frozen=True)
class Gap:
    incident_type: str  # the type, or the call kind that leads nowhere
    source: str  # where fusion gets it: "family gas opens", "family chemical effect plume", …

    def __str__(self) -> str:
        if self.incident_type.startswith("call:"):
            return f"{self.incident_type}: the call reader gives it ({self.source}) but no fusion family takes it"
        return f"incident type {self.incident_type!r} ({self.source}) has no playbook"


def opened_types(rules: FusionRules, hazards: Iterable[str]) -> dict[str, str]:
    """Every type fusion can give an incident, with the first place in the rules it comes from."""
    found: dict[str, str] = {}
    for name, family in sorted(rules.families.items()):
        opens = [family.opens.format(hazard=h) for h in sorted(hazards)] if "{" in family.opens else [family.opens]
        for incident_type in opens:
            found.setdefault(incident_type, f"family {name} opens")
        for kind, incident_type in family.upgrades:
            found.setdefault(incident_type, f"family {name} upgrades on {kind}")
        for effect in family.effects:
            if effect.per != "join":
                found.setdefault(effect.opens, f"family {name} effect {effect.name}")
    return found


def gaps(
    rules: FusionRules, playbook_types: Iterable[str], hazards: Iterable[str], call_topics: Iterable[str] | None = None
) -> list[Gap]:
    """What fusion can open with no playbook to run it, and call kinds no family takes (default: the shipped
    call reader's topics)."""
    call_topics = hotline_topics() if call_topics is None else call_topics
    covered = set(playbook_types)
    problems = [Gap(t, where) for t, where in sorted(opened_types(rules, hazards).items()) if t not in covered]
    taken = {kind for family in rules.families.values() for kind in family.kinds}
    taken |= rules.attach_only | rules.attach_by_place
    problems += [Gap(f"call:{t}", "hotline topic") for t in sorted(call_topics) if f"call:{t}" not in taken]
    return problems
