"""The broker stopped and restarted mid-stream (same data, same ports): the producer sending into the outage
and the worker consuming through it both recover on their own, and nothing is lost or repeated.

This test runs its own broker, since it stops it; the topics and offsets survive in its data folder.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from ebrain import kafka_kit as kit
from ebrain.compose import Core
from scenarios.model import load_scenario

pytestmark = pytest.mark.kafka

SCENARIO = kit.PROJECT_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"
MIN = 60_000
OUTAGE_S = 8.0


def test_broker_restart_mid_stream_loses_nothing(core: Core, tmp_path: Path, prefix: str) -> None:
    scenario = load_scenario(SCENARIO)
    expected = kit.embedded_deltas(core, scenario)
    first, rest = kit.split_at(scenario, scenario.t0_ms - 8 * MIN)
    broker = kit.new_broker(tmp_path / "kafka")
    broker.start()
    bootstrap = broker.bootstrap
    worker = kit.start_worker(bootstrap, prefix, tmp_path, "worker")
    started = time.monotonic()

    async def run() -> list[dict[str, object]]:
        async with kit.Ingress(bootstrap, prefix) as ingress:
            await ingress.send(first)
            before = await kit.wait_for_deltas(bootstrap, prefix, 1, [worker])
            await asyncio.to_thread(broker.stop)
            print(f"\nbroker stopped after {before} deltas")
            # the producer keeps sending into the outage: its records wait in its buffer and are retried
            sending = asyncio.create_task(ingress.send(rest))
            await asyncio.sleep(OUTAGE_S)
            seconds = await asyncio.to_thread(broker.start)
            print(f"broker back after {OUTAGE_S:.0f} s down and {seconds:.1f} s starting")
            await asyncio.wait_for(sending, timeout=180)
        return await kit.read_feed(bootstrap, prefix, len(expected), timeout_s=300)

    try:
        got = asyncio.run(run())
        assert worker.alive(), f"the worker died in the outage:\n{worker.tail()}"
    finally:
        worker.stop()
        broker.stop()
    print(f"broker restart: {len(got)} deltas in {time.monotonic() - started:.0f} s")
    kit.assert_same_outcome(got, expected)
