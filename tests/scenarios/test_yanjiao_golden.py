"""Golden test: the Yanjiao gas explosion replayed on the embedded runtime.

Expectations written by hand from the scenario file and the gas playbook: one incident for every report of
the blast (both hotlines, the sensor, the fire brigade), the stage path before → during → after, the levels
kept apart, the escalation timer, and units sent from both sides of the Beijing-Hebei border.
"""

from __future__ import annotations

import asyncio

from ebrain.compose import Core, embedded_runtime
from ebrain.settings import PACKAGE_ROOT
from scenarios.model import load_scenario
from scenarios.run import Outcome, replay_embedded

SCENARIO = PACKAGE_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"


def replay(core: Core) -> Outcome:
    return asyncio.run(replay_embedded(load_scenario(SCENARIO), embedded_runtime(core)))


def test_one_incident_through_every_stage(core: Core) -> None:
    outcome = replay(core)
    assert list(outcome.incidents) == ["JINGJINJI-000001"]
    incident = outcome.incidents["JINGJINJI-000001"]
    assert incident.type == "gas_explosion"
    stages = [d.what for d in incident.decisions if d.what.startswith("stage")]
    assert stages == ["stage before→during", "stage during→after"]
    assert incident.stage == "after"
    # three separate scales
    assert incident.response_level == "II"
    assert incident.event_grade == "较大"
    assert incident.warning_colour == "blue"
    # every report of the blast joined it: 4 calls (2 hotlines), 2 sensor alarms, 4 fire/gas reports, casualties
    assert incident.evidence_count == 12
    # who leads moves up with the response level: the county, then the city (III), then the province (II)
    leads = [d.what for d in incident.decisions if d.what.startswith("lead ")]
    assert (leads, incident.lead) == (["lead county→city", "lead city→province"], "province")
    assert set(incident.provinces) == {"130000", "110000"}
    assert outcome.counts["received"] == outcome.counts["accepted"] + outcome.counts["rejected"] == 12


def test_unacknowledged_leak_escalates_and_acknowledged_blast_does_not(core: Core) -> None:
    incident = replay(core).incidents["JINGJINJI-000001"]
    by_what = {d.what: d for d in incident.decisions}
    assert by_what["timer ack-leak fired"].at_ms - incident.opened_at_ms == 10 * 60_000
    assert by_what["response_level -→IV"].rule == "timer:ack-leak"
    assert "timer ack-explosion cancelled (acknowledged)" in by_what
    assert by_what["response_level III→II"].rule == "larger-blast-response"  # graded 较大 by base.yaml, met at II


def test_units_dispatched_by_capability_across_the_border(core: Core) -> None:
    outcome = replay(core)
    tasks = sorted((t for t in outcome.tasks.values() if not t.agency_kind), key=lambda t: t.id)
    recovery = {t.capability: t.responder_id for t in outcome.tasks.values() if t.agency_kind}
    # in recovery the work goes to the agencies that own it in 三河 (no province-wide body in Hebei but power)
    assert recovery == {
        "damage_assessment": "county_government@131082",
        "gas_restoration": "gas_utility@131082",
        "road_clearance": "transport@131082",
    }
    by_capability: dict[str, int] = {}
    for task in tasks:
        assert task.status == "dispatched"
        by_capability[task.capability] = by_capability.get(task.capability, 0) + 1
    # the leak: 1 gas + 1 fire; the blast: 4 fire, 2 rescue, 2 medical, 1 gas
    assert by_capability == {"gas_isolation": 2, "fire_suppression": 5, "search_rescue": 2, "medical": 2}
    # 燕郊 lies on the Beijing border: some of the nearest units are Beijing's (通州), marked cross-border
    cross = [t for t in tasks if t.cross_border]
    assert cross and all(t.responder_province == "110000" for t in cross)
    assert all(t.responder_id for t in tasks)
    assert len({t.responder_id for t in tasks}) == len(tasks)  # nobody sent twice


def test_replay_is_deterministic(core: Core) -> None:
    first, second = replay(core), replay(core)
    assert [(d.seq, d.kind, d.key) for d in first.deltas] == [(d.seq, d.kind, d.key) for d in second.deltas]
    assert first.incidents == second.incidents
    assert first.tasks == second.tasks
