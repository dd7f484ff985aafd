"""Fusion inside the theater: operator merge and split, their audit trail and feed, surge pacing, timers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ebrain.compose import Core
from playbooks.evidence import Personal
from scenarios.run import Outcome
from streams import theater
from streams.wire.records import OperatorCommand, TheaterInput, Tick
from tests.streams.theater.merges_kit import MIN, T0, at, sig


def command(n: int, minute: float, action: str, incident: str, **kw: object) -> OperatorCommand:
    return OperatorCommand(f"c{n}", T0 + int(minute * MIN), "duty", "130000", action, incident, **kw)  # type: ignore[arg-type]


class Run:
    def __init__(self, core: Core) -> None:
        self.ctx = replace(core.theater, tick_sources=())  # a tick releases everything up to its time
        self.state = theater.TheaterState(fleet=core.initial_fleet)
        self.outcome = Outcome()

    def feed(self, *items: TheaterInput) -> list[theater.Delta]:
        deltas: list[theater.Delta] = []
        for item in items:
            _, out = theater.step(self.state, item, self.ctx)
            deltas += out
        release = max(i.at_ms for i in items) + 1
        _, out = theater.step(self.state, Tick(release), self.ctx)
        deltas += out
        for delta in deltas:
            self.outcome.apply(delta)
        return deltas


@pytest.fixture
def two_leaks(core: Core) -> Run:
    run = Run(core)
    run.feed(sig(1, "sensor:gas_lel", at(0), 0), sig(2, "call:gas_smell", at(5), 1, precision="place"))
    assert sorted(run.state.fusion.incidents) == ["JINGJINJI-000001", "JINGJINJI-000002"]
    return run


def test_operator_merge_keeps_the_id_audits_and_announces(two_leaks: Run) -> None:
    tasks_of_second = sorted(t for t, task in two_leaks.state.tasks.items() if task.incident_id == "JINGJINJI-000002")
    assert tasks_of_second, "the gas playbook dispatched units for the second leak"
    deltas = two_leaks.feed(command(1, 5, "merge", "JINGJINJI-000001", target="JINGJINJI-000002", reason="one main"))
    merged = two_leaks.outcome.incidents["JINGJINJI-000002"]
    survivor = two_leaks.outcome.incidents["JINGJINJI-000001"]
    assert (merged.status, merged.merged_into) == ("merged", "JINGJINJI-000001")
    assert survivor.status == "open" and survivor.evidence_count == 2
    audit = survivor.decisions[-1]
    assert (audit.what, audit.rule, audit.reason) == (
        "merged JINGJINJI-000002 into this incident",
        "operator:duty@130000",
        "one main",
    )
    assert merged.decisions[-1].what == "merged into JINGJINJI-000001"
    assert audit.at_ms == T0 + 5 * MIN
    # the feed alone gives the same picture: tasks follow the survivor, and every region involved is told
    assert all(two_leaks.outcome.tasks[t].incident_id == "JINGJINJI-000001" for t in tasks_of_second)
    notes = [d.entity for d in deltas if d.kind == "notification"]
    assert notes and all("JINGJINJI-000002 merged into JINGJINJI-000001" in n.message for n in notes)
    assert two_leaks.outcome.incidents == {
        k: v for k, v in two_leaks.state.fusion.incidents.items() if k in two_leaks.outcome.incidents
    }


def test_operator_split_opens_a_new_incident_under_its_playbook(two_leaks: Run) -> None:
    two_leaks.feed(command(1, 5, "merge", "JINGJINJI-000001", target="JINGJINJI-000002"))
    deltas = two_leaks.feed(command(2, 9, "split", "JINGJINJI-000001", evidence_ids=("e2",), reason="two leaks"))
    new = two_leaks.outcome.incidents["JINGJINJI-000003"]
    assert [e.signal_id for e in new.evidence] == ["e2"]
    assert (new.decisions[0].what, new.decisions[0].reason) == ("split from JINGJINJI-000001", "two leaks")
    assert new.playbook  # run through its playbook: units are sent to it
    assert any(d.kind == "task" and d.entity.incident_id == "JINGJINJI-000003" for d in deltas)
    remaining = two_leaks.outcome.incidents["JINGJINJI-000001"]
    assert [e.signal_id for e in remaining.evidence] == ["e1"]
    assert remaining.decisions[-1].what == "split JINGJINJI-000003 off"
    assert any(d.kind == "notification" and "split off JINGJINJI-000001" in d.entity.message for d in deltas)


@pytest.mark.parametrize(
    ("cmd", "message"),
    [
        (command(1, 5, "split", "JINGJINJI-000001", evidence_ids=("e9",)), "'e9' is not evidence of"),
        (command(1, 5, "split", "JINGJINJI-000001", evidence_ids=("e1",)), "every piece of evidence"),
        (command(1, 5, "merge", "JINGJINJI-000001", target="JINGJINJI-000001"), "cannot be merged into itself"),
        (command(1, 5, "merge", "JINGJINJI-000001", target="JINGJINJI-00002"), "did you mean 'JINGJINJI-000002'"),
    ],
)
def test_bad_merge_and_split_commands_are_rejected_with_the_reason(
    two_leaks: Run, cmd: OperatorCommand, message: str
) -> None:
    before = dict(two_leaks.state.fusion.incidents)
    deltas = two_leaks.feed(cmd)
    assert [d.kind for d in deltas] == ["rejected"]
    assert message in str(deltas[0].entity)
    assert two_leaks.state.fusion.incidents == before


def test_a_merged_incident_takes_no_more_commands(two_leaks: Run) -> None:
    two_leaks.feed(command(1, 5, "merge", "JINGJINJI-000001", target="JINGJINJI-000002"))
    deltas = two_leaks.feed(command(2, 6, "merge", "JINGJINJI-000002", target="JINGJINJI-000001"))
    assert "JINGJINJI-000002 is merged into JINGJINJI-000001" in str(deltas[0].entity)


def test_a_surge_of_calls_is_one_incident_with_counts_and_a_readable_feed(core: Core) -> None:
    run = Run(core)
    calls, minutes = 6_000, 60
    signals = [
        sig(i, "call:roof_leak", at(i % 17, i % 13), i * minutes / calls, adcode="110111", province="110000")
        for i in range(calls)
    ]
    deltas = run.feed(*signals)
    incidents = [d for d in deltas if d.kind == "incident"]
    assert sorted(run.state.fusion.incidents) == ["JINGJINJI-000001"]
    pacing = run.ctx.fusion.feed
    playbook_changes = 10  # the surge playbook's own steps (levels, notifications) are published at once
    assert len(incidents) <= pacing.aggregate_from + calls // pacing.every_signals + minutes + 1 + playbook_changes
    # held back, never lost: once event time crosses the next minute the feed shows every call
    run.feed(Tick(T0 + (minutes + 1) * MIN))
    shown = run.outcome.incidents["JINGJINJI-000001"]
    assert shown.evidence_count == calls == run.state.fusion.incidents["JINGJINJI-000001"].evidence_count
    assert not run.state.fusion.feed_pending


def test_cross_border_calls_through_both_hotlines_and_a_sensor_are_one_incident(core: Core) -> None:
    run = Run(core)
    run.feed(
        sig(1, "call:explosion", at(0.1), 0, precision="place", personal=Personal("130000")),
        sig(2, "call:explosion", at(0.3), 1, precision="place", personal=Personal("110000")),
        sig(3, "sensor:gas_lel", at(-1.0), 2, province="110000", adcode="110112"),
    )
    (incident,) = run.outcome.incidents.values()
    assert incident.provinces == ("130000", "110000")
    notified = {d.to_province for d in run.outcome.notifications}
    assert {"110000", "130000"} <= notified


def test_timers_of_many_incidents_fire_in_due_order(core: Core) -> None:
    run = Run(core)
    run.feed(*(sig(i, "sensor:gas_lel", at(i * 4.0), i * 0.5) for i in range(6)))
    run.feed(Tick(T0 + 30 * MIN))
    fired = sorted(
        (d.at_ms, inc.id)
        for inc in run.state.fusion.incidents.values()
        for d in inc.decisions
        if d.what.startswith("timer") and d.what.endswith("fired")
    )
    assert [iid for _, iid in fired] == [f"JINGJINJI-{n:06d}" for n in range(1, 7)]
    assert all(
        not inc.timers or min(t.due_ms for t in inc.timers) > T0 + 30 * MIN
        for inc in run.state.fusion.incidents.values()
    )
