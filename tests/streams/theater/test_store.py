"""A theater rebuilt from its durable records continues exactly as if it had never stopped."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import msgspec
import pytest

from ebrain.compose import Core
from ebrain.settings import PACKAGE_ROOT
from scenarios.model import load_scenario
from scenarios.replay import ReplayControl, replay
from streams import theater
from streams.testing import StepPipeline
from streams.wire.records import TheaterInput
from tests.streams.theater.store_kit import restored_copy

FILES = PACKAGE_ROOT / "scenarios" / "files"
# (scenario, cut after the first input of this kind, and this many more): Yanjiao after the blast (incident open,
# timers pending, units assigned); Nangang after its first casualty report (the wind kept, hazards carried, burns
# routed)
SCENARIOS = [
    ("yanjiao_gas_explosion_2024", "report:explosion", 50),
    ("chemical_explosion_nangang_2018", "casualties", 60),
]


def theater_inputs(core: Core, name: str) -> list[TheaterInput]:
    pipeline = StepPipeline(core.ingest, core.theater, core.initial_fleet, theater_steps=False)
    asyncio.run(replay(load_scenario(FILES / f"{name}.yaml"), pipeline, ReplayControl()))
    return pipeline.items


def run(core: Core, items: list[TheaterInput], state: theater.TheaterState) -> Iterator[theater.Delta]:
    for item in items:
        _, deltas = theater.step(state, item, core.theater)
        yield from deltas


@pytest.mark.parametrize(("name", "cut_kind", "more"), SCENARIOS)
def test_restored_theater_continues_identically(core: Core, name: str, cut_kind: str, more: int) -> None:
    items = theater_inputs(core, name)
    uninterrupted = list(run(core, items, theater.TheaterState(fleet=core.initial_fleet)))

    # stop, persist, restore, continue
    cut = next(i for i, item in enumerate(items) if getattr(item, "kind", "") == cut_kind) + more
    state = theater.TheaterState(fleet=core.initial_fleet)
    before = list(run(core, items[:cut], state))
    if name.startswith("chemical"):
        assert state.winds and state.burns_routed, "the cut must fall where there is something to restore"
    restored = restored_copy(state, core.initial_fleet)
    assert restored.fusion.incidents == state.fusion.incidents
    rules = core.theater.fusion  # the spatial index is derived: rebuilt from the incidents, equal to the live one
    assert restored.fusion.index(rules).grids == state.fusion.index(rules).grids
    after = list(run(core, items[cut:], restored))

    encode = msgspec.json.encode
    assert [encode(d) for d in before + after] == [encode(d) for d in uninterrupted]
