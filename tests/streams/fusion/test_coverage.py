"""No incident without a plan: every type fusion can open has a playbook, and every call kind leads somewhere."""

from __future__ import annotations

from dataclasses import replace

from ebrain.compose import Core
from streams.fusion import coverage
from streams.words.phrasebook import Phrasebook


def _hazards() -> list[str]:
    return sorted(Phrasebook.load().vocabulary["hazard"])


def test_every_type_fusion_can_open_has_a_shipped_playbook(core: Core) -> None:
    rules = core.theater.fusion
    assert coverage.gaps(rules, core.theater.playbooks, _hazards()) == []
    opened = coverage.opened_types(rules, _hazards())
    assert {"fire", "earthquake", "hazmat_plume", "blast_damage", "power_outage", "gas_warning"} <= set(opened)


def test_a_type_without_a_playbook_is_named_with_where_fusion_opens_it(core: Core) -> None:
    playbooks = {t: p for t, p in core.theater.playbooks.items() if t != "fire"}
    (gap,) = coverage.gaps(core.theater.fusion, playbooks, _hazards())
    assert str(gap) == "incident type 'fire' (family fire opens) has no playbook"


def test_a_call_topic_no_family_takes_is_named(core: Core) -> None:
    rules = core.theater.fusion
    families = {name: f for name, f in rules.families.items() if name != "power_supply"}
    gaps = coverage.gaps(replace(rules, families=families), core.theater.playbooks, _hazards())
    assert [str(g) for g in gaps] == [
        "call:power_outage: the call reader gives it (hotline topic) but no fusion family takes it"
    ]
