"""What the theater soak found, replayed (the inputs of each finding, as `make soak --trace` wrote them): each
used to fail an invariant of theater_machine.py; they must now keep them all.

- split_warning_keyerror: a warning record split so that the new incident's best-located evidence was no warning
  (KeyError 'hazard' typing it);
- merge_rank_restore, split_rank_restore: after a merge or a split the fusion index kept a location rank that a
  restored theater computed differently, so the same late report refined the location in one and not the other;
- merged_event_join: a report perceived from afar joined the event record its site was linked to, though an operator
  had merged that event into another (KeyError in the index).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from playbooks.evidence import Signal
from streams import theater
from streams.theater import store
from streams.theater.state import TheaterState
from streams.wire.envelope import encode_delta
from streams.wire.records import OperatorCommand, TaskReply, TheaterInput, Tick
from tests.streams.theater.store_kit import empty_tables, restore_from, write_changes
from tests.streams.theater.theater_geo_kit import stepwise
from tests.streams.theater.theater_machine import shared_core

FINDINGS = Path(__file__).parent / "soak_findings"
_TYPES = {"Signal": Signal, "OperatorCommand": OperatorCommand, "TaskReply": TaskReply, "Tick": Tick}


def _inputs(path: Path) -> list[TheaterInput | None]:
    """The trace's lines: an input's repr, or `save_and_restore` (None)."""
    items: list[TheaterInput | None] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line == "save_and_restore":
            items.append(None)
        elif line:
            items.append(eval(line, {"__builtins__": {}}, _TYPES))  # the reprs of frozen records, written by the soak
    return items


@pytest.mark.parametrize("path", sorted(FINDINGS.glob("*.txt")), ids=lambda p: p.stem)
def test_a_soak_finding_keeps_every_invariant_now(path: Path) -> None:
    core = shared_core()
    ctx = stepwise(core.theater)
    state = TheaterState(fleet=core.initial_fleet)
    state.fusion.ledger = {}
    tables = empty_tables()
    twin: TheaterState | None = None
    sent = 0
    for item in _inputs(path):
        if item is None:
            twin = restore_from(tables, core.initial_fleet)
            assert list(store.all_records(twin)) == list(store.all_records(state))
            continue
        sent += isinstance(item, Signal)
        _, deltas = theater.step(state, item, ctx)
        write_changes(tables, state)
        if twin is not None:
            _, said = theater.step(twin, item, ctx)
            twin.dirty.clear()
            assert [encode_delta(d) for d in said] == [encode_delta(d) for d in deltas]
        assert state.failed_count == 0, [f.error for f in state.failures]
        buffered = sum(1 for *_, queued in state.buffer if isinstance(queued, Signal))
        assert len(state.fusion.ledger) + state.unfused_signals == sent - buffered
    if twin is not None:
        assert list(store.all_records(twin)) == list(store.all_records(state))
