"""`kill -9` of the worker in the middle of a replay, then a restart: nothing lost, nothing done twice.

The worker runs with exactly-once processing: what it had not committed when it died is aborted (a reader with
read_committed never sees it), and the restarted worker rebuilds the theater from its tables and carries on from
the committed offsets. The feed must then equal the undisturbed embedded run delta for delta, ids and sequence
numbers included — which says no incident was lost and no task was dispatched twice.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path

import pytest

from ebrain.broker import KafkaBroker
from ebrain.compose import Core
from scenarios.model import load_scenario
from tests.faults.kafka_harness import (
    PROJECT_ROOT,
    Ingress,
    difference,
    dispatches,
    embedded_deltas,
    final_state,
    read_feed,
    split_at,
    start_worker,
    wait_for_deltas,
)

pytestmark = pytest.mark.kafka

SCENARIO = PROJECT_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"
MIN = 60_000


def test_kill9_mid_replay_then_restart_loses_nothing_and_repeats_nothing(
    fault_broker: KafkaBroker, core: Core, tmp_path: Path, prefix: str
) -> None:
    scenario = load_scenario(SCENARIO)
    expected = embedded_deltas(core, scenario)
    bootstrap = fault_broker.bootstrap
    first, rest = split_at(scenario, scenario.t0_ms - 8 * MIN)  # the gas-smell call and the first alarm
    worker = start_worker(bootstrap, prefix, tmp_path, "first")
    restarted = None
    started = time.monotonic()

    async def run() -> list[dict[str, object]]:
        nonlocal restarted
        async with Ingress(bootstrap, prefix) as ingress:
            await ingress.send(first)
            before = await wait_for_deltas(bootstrap, prefix, 1, [worker])
            await ingress.send(rest)
            # kill while it works through the rest: at least one more delta committed, far from all of them
            during = await wait_for_deltas(bootstrap, prefix, before + 1, [worker])
            assert worker.alive(), f"the worker died on its own:\n{worker.tail()}"
            worker.kill9()
            print(f"\nkilled -9 after {during} of {len(expected)} deltas were committed")
            restarted = start_worker(bootstrap, prefix, tmp_path, "restarted")
        return await read_feed(bootstrap, prefix, len(expected))

    try:
        got = asyncio.run(run())
        assert restarted is not None and restarted.alive(), (
            f"the restarted worker died:\n{restarted and restarted.tail()}"
        )
    finally:
        worker.stop()
        if restarted is not None:
            restarted.stop()
    print(f"kill -9 and restart: {len(got)} deltas in {time.monotonic() - started:.0f} s")
    assert Counter(dispatches(got)) == Counter(dispatches(expected)), "a task was dispatched twice, or never"
    assert final_state(got) == final_state(expected), "the final incidents or tasks differ from the undisturbed run"
    problem = difference(got, expected)
    assert problem is None, problem
