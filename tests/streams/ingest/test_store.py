"""The durable form of an ingest partition: ids, counts and the clock come back after a restart."""

from __future__ import annotations

from ebrain.compose import Core
from streams import ingest
from streams.ingest import store
from tests.streams.ingest.test_ingest import MIN, T0, raw, reading
from tests.streams.ingest.test_limits import tick


def test_a_restarted_partition_knows_its_clock_before_its_first_tick(core: Core) -> None:
    part = ingest.IngestPartition.new("ingest.sensor", 2, core.ingest)
    log = store.restore(part, [], None)
    for offset, message in enumerate([tick(T0), raw(reading(1, at_ms=T0))]):
        ingest.step(part, message, offset, core.ingest)
    table: dict[str, bytes] = {}
    store.save(part, log, table)
    again = ingest.IngestPartition.new("ingest.sensor", 2, core.ingest)
    store.restore(again, table.items(), table["counts/2"])
    assert again.seen.clock_ms == T0
    assert again.counts == part.counts
    _, out = ingest.step(again, raw(reading(2, at_ms=T0 + 60 * MIN)), 9, core.ingest)
    assert "ahead of the event time" in out[0].reason  # refused at once, not only after the next tick
    _, out = ingest.step(again, raw(reading(1, at_ms=T0)), 10, core.ingest)
    assert out[0].reason.startswith("duplicate")
