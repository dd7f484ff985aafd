"""A whole batch delivered twice (a producer that retried without idempotence, or an agency that re-sent a
file): no duplicate incident, no task dispatched twice, and every copy is in the dead-letter topic as a
duplicate with its reason.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from ebrain import kafka_kit as kit
from ebrain.broker import KafkaBroker
from ebrain.compose import Core
from scenarios.model import load_scenario
from streams.wire import topics

pytestmark = pytest.mark.kafka

SCENARIO = kit.PROJECT_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"
MIN = 60_000


def test_a_batch_delivered_twice_changes_nothing(
    fault_broker: KafkaBroker, core: Core, tmp_path: Path, prefix: str
) -> None:
    scenario = load_scenario(SCENARIO)
    expected = kit.embedded_deltas(core, scenario)
    bootstrap = fault_broker.bootstrap
    head, tail = kit.split_at(scenario, scenario.t0_ms - 8 * MIN)
    batch, rest = tail[: len(tail) // 3], tail[len(tail) // 3 :]
    # the batch from the first call on: every message of the first minutes, both hotlines, the sensor alarm
    batch = head[-len(head) // 2 :] + batch
    head = head[: len(head) - len(head) // 2]
    copies = sum(1 for step in batch if step.entry is not None)
    assert copies >= 3, "the repeated batch should hold real messages, not only ticks"
    worker = kit.start_worker(bootstrap, prefix, tmp_path, "worker")
    started = time.monotonic()

    async def run() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
        async with kit.Ingress(bootstrap, prefix) as ingress:
            await ingress.send(head)
            await ingress.send(batch)
            await ingress.send(batch)  # the whole batch again, after it was processed
            await ingress.send(rest)
        got = await kit.read_feed(bootstrap, prefix, len(expected))
        dead = await kit.read_topic(bootstrap, topics.physical(topics.DLQ, prefix), copies, timeout_s=60)
        return got, dead

    try:
        got, dead = asyncio.run(run())
        assert worker.alive(), f"the worker died:\n{worker.tail()}"
    finally:
        worker.stop()
    duplicates = [d for d in dead if str(d["reason"]).startswith("duplicate")]
    print(
        f"\nbatch of {copies} messages delivered twice: {len(got)} deltas, {len(duplicates)} dead-lettered "
        f"as duplicates, in {time.monotonic() - started:.0f} s"
    )
    assert len(duplicates) == copies, f"expected {copies} duplicates in the dead-letter topic: {dead}"
    kit.assert_same_outcome(got, expected)
