"""A defect met by one input or one incident's timers is contained: kept as a failure, the incident flagged,
and the theater goes on with everything else (issue 22)."""

from __future__ import annotations

from typing import Any

import pytest

from ebrain.compose import Core
from playbooks import lifecycle
from playbooks.evidence import Signal
from streams.theater.state import TheaterState
from streams.wire.envelope import decode_input
from streams.wire.records import OperatorCommand
from tests.streams.theater.theater_geo_kit import T0, YANJIAO, of_kind, run, stepwise

MIN = 60_000
FAR = (117.20, 39.13)  # Tianjin: another incident


def call(ident: str, minute: int, where: tuple[float, float] = YANJIAO, adcode: str = "131082") -> Signal:
    return Signal(
        signal_id=ident, source="hotline", kind="call:gas_smell", at_ms=T0 + minute * MIN,
        province=adcode[:2] + "0000", adcode=adcode, lon=where[0], lat=where[1], precision="gps",
        attrs=(("topics", "gas_smell"),),
    )  # fmt: skip


def test_an_input_that_fails_is_kept_its_incident_flagged_and_the_next_one_handled(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    evaluate = lifecycle.evaluate

    def faulty(incident: Any, playbook: Any, trigger: Signal | None, *args: Any) -> Any:
        if trigger is not None and trigger.signal_id == "boom":
            raise StopIteration  # the crash: inside a coroutine it stopped the whole stage
        return evaluate(incident, playbook, trigger, *args)

    monkeypatch.setattr(lifecycle, "evaluate", faulty)
    state = TheaterState(fleet=core.initial_fleet)
    deltas = run(
        state,
        stepwise(core.theater),
        call("first", 1),
        call("boom", 2),
        call("after", 3, FAR, "120101"),
        until_ms=T0 + 5 * MIN,
    )
    assert state.failed_count == 1
    (failure,) = state.failures
    assert failure.what == "Signal boom" and failure.error.startswith("StopIteration")
    assert "test_containment.py:" in failure.error  # where it was raised
    kept = decode_input(failure.input)
    assert isinstance(kept, Signal) and kept.signal_id == "boom"
    flagged = state.fusion.incidents[failure.incident_id]
    assert flagged.attention and flagged.decisions[-1].what == "failed: Signal boom"
    assert any(d.kind == "incident" and d.entity.attention for d in deltas)  # on the feed
    assert [r for r in of_kind(deltas, "rejected") if "boom" in r] != []
    assert len(state.fusion.incidents) == 2  # the input after the failure was handled: Tianjin's incident
    ack = OperatorCommand(
        event_id="E1", at_ms=T0 + 6 * MIN, action="acknowledge", incident_id=flagged.id, operator="li", centre="130000"
    )
    run(state, stepwise(core.theater), ack, until_ms=T0 + 7 * MIN)
    assert state.fusion.incidents[flagged.id].attention == ""


def test_timers_that_fail_are_set_aside_and_other_incidents_timers_still_fire(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    fire = lifecycle.fire_timers

    def faulty(incident: Any, playbook: Any, now_ms: int) -> Any:
        if incident.adcode == "131082":
            raise KeyError("ack-leak")
        return fire(incident, playbook, now_ms)

    monkeypatch.setattr(lifecycle, "fire_timers", faulty)
    state = TheaterState(fleet=core.initial_fleet)
    run(state, stepwise(core.theater), call("a", 1), call("b", 2, FAR, "120101"), until_ms=T0 + 30 * MIN)
    by_place = {i.adcode: i for i in state.fusion.incidents.values()}
    yanjiao, tianjin = by_place["131082"], by_place["120101"]
    assert yanjiao.attention.startswith("KeyError") and not any(t.id == "ack-leak" for t in yanjiao.timers)
    assert any(d.what == "timer ack-leak fired" for d in tianjin.decisions)
    assert [f.what for f in state.failures] == [f"timers ack-leak of {yanjiao.id}"]
