"""A theater rebuilt from its durable records continues exactly as if it had never stopped."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import msgspec

from ebrain.compose import Core
from ebrain.settings import PACKAGE_ROOT
from scenarios.model import load_scenario
from scenarios.replay import Producer, ReplayControl, replay
from streams import ingest, theater
from streams.theater import store as theater_store
from streams.wire import topics
from streams.wire.codec import Rejected
from streams.wire.records import TheaterInput
from streams.wire.timefmt import format_time_ms

SCENARIO = PACKAGE_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"


class Recorder(Producer):
    """Collects what the ingest stage sends to the theater, in order, without running the theater."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.parts = {
            (spec.name, p): ingest.IngestPartition.new(spec.name, p, core.ingest)
            for spec in topics.SOURCES
            for p in range(spec.partitions)
        }
        self.items: list[TheaterInput] = []

    def _feed(self, topic: str, partition: int, value: bytes) -> None:
        _, routed = ingest.step(self.parts[(topic, partition)], value, 0, self.core.ingest)
        self.items.extend(item for item in routed if not isinstance(item, Rejected))

    async def produce(self, topic: str, key: str, value: bytes) -> None:
        spec = next(s for s in topics.SOURCES if s.name == topic)
        self._feed(topic, topics.partition_for(key, spec.partitions), value)

    async def produce_tick(self, at_ms: int) -> None:
        value = b'{"type":"tick","schema_version":"1.0","at":"%s"}' % format_time_ms(at_ms).encode()
        for spec in topics.SOURCES:
            for p in range(spec.partitions):
                self._feed(spec.name, p, value)


def theater_inputs(core: Core) -> list[TheaterInput]:
    recorder = Recorder(core)
    asyncio.run(replay(load_scenario(SCENARIO), recorder, ReplayControl()))
    return recorder.items


def run(core: Core, items: list[TheaterInput], state: theater.TheaterState) -> Iterator[theater.Delta]:
    for item in items:
        _, deltas = theater.step(state, item, core.theater)
        yield from deltas


def test_restored_theater_continues_identically(core: Core) -> None:
    items = theater_inputs(core)
    uninterrupted = list(run(core, items, theater.TheaterState(fleet=core.initial_fleet)))

    # stop after the blast (incident open, timers pending, units assigned), persist, restore, continue
    cut = next(i for i, item in enumerate(items) if getattr(item, "kind", "") == "report:explosion") + 50
    state = theater.TheaterState(fleet=core.initial_fleet)
    before = list(run(core, items[:cut], state))
    tables: dict[str, dict[str, bytes]] = {"incident": {}, "task": {}, "responder": {}, "meta": {}}
    for table, key, value in theater_store.changed_records(state):
        assert value is not None
        tables[table][key] = value
    restored = theater_store.restore(
        core.initial_fleet,
        incidents=tables["incident"].values(),
        tasks=tables["task"].values(),
        statuses=tables["responder"].items(),
        meta=tables["meta"]["meta"],
    )
    assert restored.fusion.incidents == state.fusion.incidents
    rules = core.theater.fusion  # the spatial index is derived: rebuilt from the incidents, equal to the live one
    assert restored.fusion.index(rules).grids == state.fusion.index(rules).grids
    after = list(run(core, items[cut:], restored))

    encode = msgspec.json.encode
    assert [encode(d) for d in before + after] == [encode(d) for d in uninterrupted]
