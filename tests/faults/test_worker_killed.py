"""`kill -9` of a worker in the middle of a replay: nothing lost, nothing done twice.

1. One worker, killed, then restarted.
2. Two workers sharing the partitions; the one running the theater is killed; the other takes over its
   partitions, rebuilds the theater from the tables and fires the timer that fell due after the kill.

The worker runs with exactly-once processing: what it had not committed when it died is aborted (a reader with
read_committed never sees it), and the restarted worker rebuilds the theater from its tables and carries on from
the committed offsets. The feed must then equal the undisturbed embedded run delta for delta, ids and sequence
numbers included — which says no incident was lost and no task was dispatched twice.
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

pytestmark = pytest.mark.kafka

SCENARIO = kit.PROJECT_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"
MIN = 60_000
KILL_AFTER_S = 1.0


@pytest.mark.parametrize("when", ["early", "late"])
def test_kill9_mid_replay_then_restart_loses_nothing_and_repeats_nothing(
    fault_broker: KafkaBroker, core: Core, tmp_path: Path, prefix: str, when: str
) -> None:
    """early: 1 s after the rest of the scenario was sent, a transaction open; late: as soon as all but the
    last delta are committed, the worker busy with the last events (a commit landing inside an event once
    applied that event twice after the restart)."""
    scenario = load_scenario(SCENARIO)
    expected = kit.embedded_deltas(core, scenario)
    bootstrap = fault_broker.bootstrap
    first, rest = kit.split_at(scenario, scenario.t0_ms - 8 * MIN)  # the gas-smell call and the first alarm
    started = time.monotonic()

    async def run(workers: kit.Workers) -> tuple[kit.Worker, list[dict[str, object]]]:
        worker = workers.start("first")
        async with kit.Ingress(bootstrap, prefix) as ingress:
            await ingress.send(first)
            before = await kit.wait_for_deltas(bootstrap, prefix, 1, [worker])
            print(f"\n{before} deltas before the rest was sent")
            await ingress.send(rest)
            # kill while it works through the rest (about a thousand records): with a transaction open
            if when == "early":
                await asyncio.sleep(KILL_AFTER_S)
            else:
                await kit.wait_for_deltas(bootstrap, prefix, len(expected) - 1, [worker])
            restarted = await workers.kill9_and_restart(worker, len(expected), when)
        return restarted, await kit.read_feed(bootstrap, prefix, len(expected))

    with kit.Workers(bootstrap, prefix, tmp_path) as workers:
        restarted, got = asyncio.run(run(workers))
        kit.assert_alive(restarted, "the restarted worker")
    print(f"kill -9 and restart: {len(got)} deltas in {time.monotonic() - started:.0f} s")
    kit.assert_same_outcome(got, expected)


def _timer_fired(deltas: list[dict[str, object]], what: str) -> bool:
    return any(
        d["kind"] == "incident" and any(x["what"] == what for x in d["data"]["decisions"])  # type: ignore[index]
        for d in deltas
    )


def test_two_workers_one_killed_the_other_takes_over_partitions_and_timers(
    fault_broker: KafkaBroker, core: Core, tmp_path: Path, prefix: str
) -> None:
    scenario = load_scenario(SCENARIO)
    expected = kit.embedded_deltas(core, scenario)
    assert _timer_fired(expected, "timer ack-leak fired")  # due 10 min after the first call: T0-4m
    bootstrap = fault_broker.bootstrap
    first, rest = kit.split_at(scenario, scenario.t0_ms - 8 * MIN)  # the leak's incident is open, its timer pending
    started = time.monotonic()

    async def run(crew: kit.Workers) -> tuple[str, str, list[dict[str, object]]]:
        workers = {name: crew.start(name) for name in ("a", "b")}
        owned = await kit.wait_for_group(bootstrap, prefix, 2)
        async with kit.Ingress(bootstrap, prefix) as ingress:
            await ingress.send(first)
            await kit.wait_for_deltas(bootstrap, prefix, 1, list(workers.values()))
            before = await kit.read_feed(bootstrap, prefix, 1, settle_s=2.0)
            assert not _timer_fired(before, "timer ack-leak fired"), "the timer fired before the kill"
            theater_owner = next(client for client, tps in owned.items() if ("signals", 0) in tps)
            victim = theater_owner.removeprefix("ebrain-")
            workers[victim].kill9()
            print(f"\nkilled -9 worker {victim} (it ran the theater) after {len(before)} deltas")
            await ingress.send(rest)
        survivor_owns = await kit.wait_for_group(bootstrap, prefix, 1)
        (survivor,) = survivor_owns
        return victim, survivor, await kit.read_feed(bootstrap, prefix, len(expected))

    with kit.Workers(bootstrap, prefix, tmp_path) as crew:
        victim, survivor, got = asyncio.run(run(crew))
        assert survivor != f"ebrain-{victim}"
        for worker in crew.started:
            if worker.name != victim:
                kit.assert_alive(worker, "the surviving worker")
    print(f"takeover by {survivor}: {len(got)} deltas in {time.monotonic() - started:.0f} s")
    assert _timer_fired(got, "timer ack-leak fired"), "the survivor did not fire the timer it took over"
    kit.assert_same_outcome(got, expected)
