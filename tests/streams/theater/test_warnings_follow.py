"""Public warnings as a drill sends them: CAP Exercise, a description in words, and an issuing authority's update
and lift of its warning republished as an Update / Cancel chain. Every message validates against CAP 1.2."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
import xmlschema

from ebrain.compose import Core
from playbooks.cap import parse_cap_xml
from streams.wire.records import Tick
from tests.streams.theater.warnings_kit import MIN, T0, XSD, flood_warning, run


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def with_colour(at_ms: int, action: str, signal_id: str, colour: str) -> object:
    signal = flood_warning(at_ms, action, signal_id)
    attrs = tuple((k, colour if k == "colour" else v) for k, v in signal.attrs)
    return dataclasses.replace(signal, attrs=attrs, severity={"red": 4, "orange": 3}[colour])


def test_an_agency_downgrade_and_lift_become_an_update_cancel_chain(core: Core, schema: xmlschema.XMLSchema) -> None:
    deltas = run(
        core,
        [
            flood_warning(T0, "issue", "W1"),
            Tick(T0 + MIN),
            with_colour(T0 + 30 * MIN, "update", "W2", "orange"),
            Tick(T0 + 31 * MIN),
            flood_warning(T0 + 60 * MIN, "cancel", "W3"),
            Tick(T0 + 61 * MIN),
        ],
    )
    warnings = [d.entity for d in deltas if d.kind == "warning"]
    assert [(w["msg_type"], w["colour"]) for w in warnings] == [
        ("Alert", "red"),
        ("Update", "orange"),
        ("Cancel", "orange"),
    ]
    for earlier, later in itertools.pairwise(warnings):
        schema.validate(later["cap_xml"])
        cap = parse_cap_xml(later["cap_xml"])
        assert cap.references == ((earlier["sender"], earlier["identifier"], earlier["sent_ms"]),)
        assert "<references>" in later["cap_xml"]
    update = parse_cap_xml(warnings[1]["cap_xml"])
    assert update.colour == "orange" and update.sent_ms == T0 + 30 * MIN
    assert "橙色" in update.headline


def test_an_update_in_the_same_colour_sends_nothing_new(core: Core) -> None:
    deltas = run(core, [flood_warning(T0, "issue", "W1"), Tick(T0 + MIN), flood_warning(T0 + 9 * MIN, "update", "W2")])
    assert [d.entity["msg_type"] for d in deltas if d.kind == "warning"] == ["Alert"]


def test_a_drill_sends_exercise_and_the_description_is_words_not_an_id(core: Core, schema: xmlschema.XMLSchema) -> None:
    live = run(core, [flood_warning(T0, "issue", "W1"), Tick(T0 + MIN)])
    drill_core = dataclasses.replace(core, theater=dataclasses.replace(core.theater, exercise=True))
    drill = run(drill_core, [flood_warning(T0, "issue", "W1"), Tick(T0 + MIN)])
    (live_w,) = [d.entity for d in live if d.kind == "warning"]
    (drill_w,) = [d.entity for d in drill if d.kind == "warning"]
    assert "<status>Actual</status>" in live_w["cap_xml"]
    assert "<status>Exercise</status>" in drill_w["cap_xml"]
    schema.validate(drill_w["cap_xml"])
    cap = parse_cap_xml(drill_w["cap_xml"])
    assert cap.status == "Exercise"
    # the flood playbook's warning gives no description: it is said from the incident type, in Chinese
    assert "flood" not in cap.description and "_" not in cap.description
    assert cap.description == "房山区、定兴县、涿州市、高碑店市洪水预警：洪水红色预警（上游来水）。"


def test_the_scenario_commands_run_as_an_exercise() -> None:
    """`ebrain replay`, `drill` and `demo` build their core with `core_for`: an exercise, whatever the settings."""
    from ebrain.replay_cmd import core_for
    from ebrain.settings import Settings

    core = core_for(Settings(), _FleetOnly())  # type: ignore[arg-type]
    assert core.theater.exercise and core.settings.exercise
    assert not Settings().exercise


class _FleetOnly:
    """What `core_for` reads of a scenario."""

    fleet_seed = 7
    fleet_scale = 1.0
