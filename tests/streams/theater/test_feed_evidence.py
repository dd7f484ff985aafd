"""An incident delta carries what changed of the incident's evidence: folded in seq order, the feed alone gives
each incident's whole evidence, through merges, splits, surge pacing and a restart."""

from __future__ import annotations

import json

from ebrain.compose import Core
from scenarios.run import Outcome
from streams.wire.envelope import delta_to_builtins, encode_delta
from streams.wire.records import Tick

from .store_kit import restored_copy
from .test_merges import MIN, T0, Run, at, command, sig


def wire(deltas: list) -> list[dict]:
    return [json.loads(encode_delta(d)) for d in deltas]


def incident_data(deltas: list, key: str) -> list[dict]:
    return [r["data"] for r in wire(deltas) if r["kind"] == "incident" and r["key"] == key]


def folded(run: Run) -> Outcome:
    return Outcome.from_feed(wire(run.outcome.deltas))


def assert_feed_gives_the_state(run: Run) -> None:
    again = folded(run)
    assert again.incidents == {k: run.state.fusion.incidents[k] for k in again.incidents}
    # and an incident delta written again from the outcome read back is the same (replay --out of a Kafka run)
    assert [delta_to_builtins(d) for d in again.deltas if d.kind == "incident"] == [
        delta_to_builtins(d) for d in run.outcome.deltas if d.kind == "incident"
    ]


def two_leaks(core: Core) -> Run:
    run = Run(core)
    run.feed(sig(1, "sensor:gas_lel", at(0), 0), sig(2, "call:gas_smell", at(5), 1, precision="place"))
    return run


def test_an_update_carries_the_new_evidence_and_the_counts(core: Core) -> None:
    run = Run(core)
    run.feed(sig(1, "call:gas_smell", at(0), 0, precision="place"))
    deltas = run.feed(sig(2, "call:gas_smell", at(0.1), 1, precision="place"))
    first, *_ = incident_data(run.outcome.deltas, "JINGJINJI-000001")
    assert [e["signal_id"] for e in first["evidence_added"]] == ["e1"] and first["evidence_complete"] is True
    last = incident_data(deltas, "JINGJINJI-000001")[-1]
    assert "evidence" not in last
    assert [e["signal_id"] for e in last["evidence_added"]] == ["e2"]
    assert (last["evidence_removed"], last["evidence_complete"]) == ([], False)
    assert (last["evidence_kept"], last["evidence_total"], last["evidence_by_source"]) == (2, 2, {"hotline": 2})
    assert_feed_gives_the_state(run)


def test_a_merge_that_reorders_the_evidence_sends_it_whole_and_a_split_sends_what_left(core: Core) -> None:
    run = two_leaks(core)
    # the second leak survives: its evidence becomes the union in time order, e1 before its own e2
    merge = run.feed(command(1, 5, "merge", "JINGJINJI-000002", target="JINGJINJI-000001"))
    survivor = incident_data(merge, "JINGJINJI-000002")[-1]
    assert survivor["evidence_complete"] is True
    assert [e["signal_id"] for e in survivor["evidence_added"]] == ["e1", "e2"]
    split = run.feed(command(2, 9, "split", "JINGJINJI-000002", evidence_ids=("e1",), reason="two leaks"))
    remaining = incident_data(split, "JINGJINJI-000002")[0]
    assert (remaining["evidence_removed"], remaining["evidence_added"], remaining["evidence_kept"]) == (["e1"], [], 1)
    new = incident_data(split, "JINGJINJI-000003")[0]
    assert new["evidence_complete"] is True and [e["signal_id"] for e in new["evidence_added"]] == ["e1"]
    assert_feed_gives_the_state(run)


def test_a_merge_in_order_carries_the_moved_evidence_only(core: Core) -> None:
    run = two_leaks(core)
    merge = run.feed(command(1, 5, "merge", "JINGJINJI-000001", target="JINGJINJI-000002"))
    survivor = incident_data(merge, "JINGJINJI-000001")[-1]
    assert survivor["evidence_complete"] is False
    assert [e["signal_id"] for e in survivor["evidence_added"]] == ["e2"]
    assert_feed_gives_the_state(run)


def test_evidence_held_back_by_surge_pacing_survives_a_restart(core: Core) -> None:
    run = Run(core)
    calls = [sig(i, "call:roof_leak", at(i % 3, i % 2), i * 0.1, adcode="110111", province="110000") for i in range(30)]
    run.feed(*calls[:25])
    assert run.state.fusion.feed_pending, "the surge's latest calls are held back from the feed"
    run.state = restored_copy(run.state, core.initial_fleet)
    run.feed(*calls[25:])
    run.feed(Tick(T0 + 5 * MIN))  # event time crosses a minute: the held-back update goes out
    assert not run.state.fusion.feed_pending
    shown = folded(run).incidents["JINGJINJI-000001"]
    assert [e.signal_id for e in shown.evidence] == [e.signal_id for e in run.state.fusion.incidents[shown.id].evidence]
    assert_feed_gives_the_state(run)
