"""The earthquake case (issue 22): a gas-smell call joins a collapse with a pending `ack-collapse` timer and makes
it a gas incident; the timer falls due under the gas playbook. The theater goes on, the clock is carried over."""

from __future__ import annotations

from dataclasses import replace

from ebrain.compose import Core
from playbooks import lifecycle
from playbooks.evidence import Signal
from playbooks.incident import Timer
from streams.theater.state import TheaterState
from tests.streams.theater.theater_geo_kit import T0, YANJIAO, incident_at, of_kind, run, stepwise

MIN = 60_000


def call(n: int, topic: str, minute: int) -> Signal:
    return Signal(
        signal_id=f"c{n}", source="hotline", kind=f"call:{topic}", at_ms=T0 + minute * MIN, province="130000",
        adcode="131082", lon=YANJIAO[0], lat=YANJIAO[1], precision="gps", attrs=(("topics", topic),),
    )  # fmt: skip


def test_a_gas_smell_at_a_collapse_with_a_pending_timer_does_not_stop_the_theater(core: Core) -> None:
    state = TheaterState(fleet=core.initial_fleet)
    deltas = run(state, stepwise(core.theater), call(1, "collapse", 1), call(2, "gas_smell", 3), until_ms=T0 + 30 * MIN)
    assert of_kind(deltas, "rejected") == []
    (incident,) = state.fusion.incidents.values()
    assert (incident.type, incident.playbook) == ("gas_leak", "gas_explosion")
    whats = [d.what for d in incident.decisions]
    assert "timer ack-collapse mapped to ack-leak (playbook building_collapse→gas_explosion)" in whats
    fired = next(d for d in incident.decisions if d.what == "timer ack-leak fired")
    assert fired.at_ms == T0 + 11 * MIN  # the collapse's acknowledgement clock, not restarted at minute 3
    assert all(core.theater.playbooks[incident.type].timer(t.id) for t in incident.timers if ":" not in t.id)


def test_a_timer_no_playbook_knows_is_dropped_with_a_decision_not_raised(core: Core) -> None:
    gas = core.theater.playbooks["gas_explosion"]
    incident = replace(incident_at(), playbook=gas.id, timers=(Timer("ack-collapse", T0 + MIN, "collapse-response"),))
    fired, effects = lifecycle.fire_timers(incident, gas, T0 + 2 * MIN)
    assert fired.timers == () and effects == ()
    assert fired.decisions[-1].what == "timer ack-collapse dropped (not in playbook gas_explosion)"
