"""Watermarks: input is released when every source partition has passed it, whether the partitions' ticks come
one by one (Kafka) or as one tick every partition has passed (the embedded runtime)."""

from __future__ import annotations

from ebrain.compose import Core
from streams import theater
from streams.wire.records import EVERY_PARTITION, TheaterInput, Tick
from tests.streams.theater.merges_kit import MIN, T0, at, sig


def fed(core: Core, items: list[TheaterInput]) -> tuple[theater.TheaterState, list[theater.Delta]]:
    state = theater.TheaterState(fleet=core.initial_fleet)
    deltas: list[theater.Delta] = []
    for item in items:
        deltas += theater.step(state, item, core.theater)[1]
    return state, deltas


def test_one_tick_for_every_partition_releases_what_the_last_partitions_tick_releases(core: Core) -> None:
    signals: list[TheaterInput] = [sig(1, "sensor:gas_lel", at(0), 1), sig(2, "call:gas_leak", at(0.2), 1.5)]
    sources = core.theater.tick_sources
    one_by_one: list[TheaterInput] = [*signals, *(Tick(T0 + 2 * MIN, source) for source in sources)]
    state, deltas = fed(core, one_by_one)
    assert deltas and state.now_ms == T0 + 2 * MIN
    together, together_deltas = fed(core, [*signals, Tick(T0 + 2 * MIN, EVERY_PARTITION)])
    assert together_deltas == deltas
    assert together.watermarks == state.watermarks == dict.fromkeys(sources, T0 + 2 * MIN)


def test_nothing_is_released_until_the_last_partition_has_passed(core: Core) -> None:
    first, *others = core.theater.tick_sources
    items: list[TheaterInput] = [sig(1, "sensor:gas_lel", at(0), 1), Tick(T0 + 5 * MIN, first)]
    items += [Tick(T0 + 2 * MIN, source) for source in others[:-1]]
    state, deltas = fed(core, items)
    assert not deltas and len(state.buffer) == 1
    # a partition ahead keeps its own watermark: the low one is the slowest partition's
    _, deltas = theater.step(state, Tick(T0 + 3 * MIN, EVERY_PARTITION), core.theater)
    assert deltas and state.now_ms == T0 + 3 * MIN
    assert state.watermarks[first] == T0 + 5 * MIN
