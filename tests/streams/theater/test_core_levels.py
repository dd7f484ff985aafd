"""A declared response level moves an incident only the way the report says, with a decision naming who asked."""

from __future__ import annotations

from dataclasses import asdict

from ebrain.compose import Core
from playbooks.evidence import Signal
from playbooks.incident import Incident
from streams import theater
from tests.streams.theater.posts_kit import MENTOUGOU, T0, report, run

HOUR = 3_600_000


def declared(signal_id: str, at_ms: int, action: str, level: str, agency: str, why: str = "") -> Signal:
    return Signal(
        signal_id=signal_id,
        source="agency",
        kind="response_level",
        at_ms=at_ms,
        province="110000",
        precision="province",
        text=why,
        attrs=(("agency", agency), ("action", action), ("level", level), ("hazard", "flood")),
    )


def an_incident_at_level_i(core: Core) -> tuple[theater.TheaterState, str]:
    state = theater.TheaterState(fleet=core.initial_fleet)
    run(core, state, declared("bj-i", T0, "raise", "I", "beijing-flood-control", "全市启动防汛一级应急响应"))
    run(core, state, report("train_stranded", "k396", T0 + HOUR, MENTOUGOU, 115.98, 39.96, "110000"))
    (incident,) = state.fusion.incidents.values()
    assert incident.response_level == "I"
    return state, incident.id


def said(core: Core, incident: Incident) -> list[str]:
    """The incident's decisions as an operator reads them (English), with who decided."""
    lines = []
    for d in incident.decisions:
        entry = {"kind": "decision", "at_ms": d.at_ms, "data": asdict(d)}
        lines.append(core.words.timeline_entry(entry, {"playbook": incident.playbook or ""})["en"])
    return lines


def test_a_raise_to_ii_never_lowers_an_incident_at_i(core: Core) -> None:
    state, incident_id = an_incident_at_level_i(core)
    run(core, state, declared("mg-ii", T0 + 2 * HOUR, "raise", "II", "fangshan-flood-control", "区防汛二级响应"))
    incident = state.fusion.incidents[incident_id]
    assert incident.response_level == "I"
    last = incident.decisions[-1]
    assert (last.rule, last.what) == (
        "agency:fangshan-flood-control",
        "response_level I kept: raise to II is not above it",
    )
    assert last.evidence == ("mg-ii",)
    line = said(core, incident)[-1]
    assert line == (
        "Fangshan Flood Control HQ: response level stays at level I: asked to raise it to level II, which is not above"
        " it, so nothing changed (区防汛二级响应)"
    )


def test_a_lower_level_comes_only_from_a_lower_command_naming_who_asked(core: Core) -> None:
    state, incident_id = an_incident_at_level_i(core)
    run(core, state, declared("bj-iii", T0 + 3 * HOUR, "lower", "III", "beijing-flood-control", "雨势减弱"))
    incident = state.fusion.incidents[incident_id]
    assert incident.response_level == "III"
    assert (incident.decisions[-2].rule, incident.decisions[-2].what) == (
        "agency:beijing-flood-control",
        "response_level I→III",
    )
    assert incident.decisions[-1].what == "lead state_council→city"  # who leads follows the level down
    # a "lower" that is not below the level in force changes nothing either
    run(core, state, declared("bj-ii", T0 + 4 * HOUR, "lower", "II", "beijing-flood-control"))
    incident = state.fusion.incidents[incident_id]
    assert incident.response_level == "III"
    assert incident.decisions[-1].what == "response_level III kept: lower to II is not below it"
    assert "response level stays at level III" in said(core, incident)[-1]
    # and a raise above it moves it up again
    run(core, state, declared("bj-ii-up", T0 + 5 * HOUR, "raise", "II", "beijing-flood-control"))
    assert state.fusion.incidents[incident_id].response_level == "II"
