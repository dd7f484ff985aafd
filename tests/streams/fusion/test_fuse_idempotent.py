"""Evidence delivered again (a redelivery after a crash) changes nothing: attaching is idempotent."""

from __future__ import annotations

from playbooks.evidence import Signal
from streams.fusion import fuse
from streams.testing import gas_call


def call(signal_id: str, at_ms: int) -> Signal:
    return gas_call(signal_id, at_ms, severity=2)


def test_the_same_signal_twice_joins_once() -> None:
    rules = fuse.FusionRules.load()
    state = fuse.FusionState()
    _, first = fuse.step(state, rules, call("a", 1_000), "jingjinji")
    _, second = fuse.step(state, rules, call("b", 2_000), "jingjinji")
    assert first.incident is not None and second.incident is not None
    before = state.incidents[first.incident.id]
    _, again = fuse.step(state, rules, call("b", 2_000), "jingjinji")
    assert again.incident is None
    assert state.incidents[first.incident.id] == before
    assert before.count(frozenset({"call:gas_smell"})) == 2


def test_an_earlier_signal_delivered_again_is_recognised_and_a_late_new_one_joins() -> None:
    rules = fuse.FusionRules.load()
    state = fuse.FusionState()
    _, first = fuse.step(state, rules, call("a", 1_000), "jingjinji")
    fuse.step(state, rules, call("b", 2_000), "jingjinji")
    assert first.incident is not None
    _, again = fuse.step(state, rules, call("a", 1_000), "jingjinji")
    assert again.incident is None
    _, late = fuse.step(state, rules, call("c", 1_500), "jingjinji")  # new evidence, older than the last
    assert late.incident is not None and late.incident.id == first.incident.id
    assert state.incidents[first.incident.id].count(frozenset({"call:gas_smell"})) == 3
    assert state.incidents[first.incident.id].counts == (("call:gas_smell", 3),)
