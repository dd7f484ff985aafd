"""A declared response level stays in force for incidents that open later; a county whose command post is down
hands its work to the level above."""

from __future__ import annotations

from ebrain.compose import Core
from playbooks.evidence import Signal
from playbooks.incident import Notification
from streams import theater
from tests.streams.theater.posts_kit import BAODING, MENTOUGOU, T0, ZHUOZHOU, report, run
from tests.streams.theater.store_kit import restored_copy


def level_i_flood_response(at_ms: int) -> Signal:
    return Signal(
        signal_id="bj-level-i",
        source="agency",
        kind="response_level",
        at_ms=at_ms,
        province="110000",
        precision="province",
        text="全市启动防汛一级应急响应",
        attrs=(("agency", "beijing-flood-hq"), ("action", "raise"), ("level", "I"), ("hazard", "flood")),
    )


def test_declared_level_applies_to_incidents_opened_later(core: Core) -> None:
    state = theater.TheaterState(fleet=core.initial_fleet)
    run(core, state, level_i_flood_response(T0 + 90 * 60_000))
    train = report("train_stranded", "k396", T0 + 19 * 3_600_000, MENTOUGOU, 115.98, 39.96, "110000")
    run(core, state, train)
    (incident,) = state.fusion.incidents.values()
    assert incident.type == "flood_rescue"
    assert incident.response_level == "I"
    assert any(d.rule == "agency:beijing-flood-hq" and d.what.endswith("→I") for d in incident.decisions)
    # it survives a restart: the declared level is part of the durable state
    restored = restored_copy(state, core.initial_fleet)
    assert restored.declared_levels == state.declared_levels


def test_post_down_tells_the_level_above_about_its_incidents(core: Core) -> None:
    state = theater.TheaterState(fleet=core.initial_fleet)
    flooded = report("village_flooded", "matou", T0 + 36 * 3_600_000, ZHUOZHOU, 116.04, 39.56, "130000")
    run(core, state, flooded)
    (incident_id,) = state.fusion.incidents
    down = report("command_post_down", "zz-down", T0 + 64 * 3_600_000, ZHUOZHOU, 115.97, 39.48, "130000")
    deltas = run(core, state, down)
    notes = [d.entity for d in deltas if d.kind == "notification"]
    assert notes and all(isinstance(n, Notification) for n in notes)
    assert [(n.incident_id, n.to_province, n.to_adcodes) for n in notes] == [(incident_id, "130000", (BAODING,))]
    assert ZHUOZHOU in state.posts_down
    # the report itself opens no incident
    assert list(state.fusion.incidents) == [incident_id]
    restored = report("command_post_restored", "zz-up", T0 + 70 * 3_600_000, ZHUOZHOU, 115.97, 39.48, "130000")
    run(core, state, restored)
    assert ZHUOZHOU not in state.posts_down
