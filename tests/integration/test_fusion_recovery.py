"""Restart recovery on real Kafka: the worker is killed in the middle of a replay and started again; the
incidents (and every delta of the feed) equal those of an uninterrupted run.

Exactly-once processing: what the killed worker had not committed is aborted and done again by the new one,
whose theater (incidents, counters, the fusion index rebuilt from the incident table) continues where the
last committed state left off. The scenario is the 通州/燕郊 border case: one incident fed from both hotlines
and a sensor across the border, beside three unrelated events.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import msgspec
import pytest

from ebrain.broker import KafkaBroker
from ebrain.compose import Core, embedded_runtime
from scenarios.model import Scenario, load_scenario
from scenarios.replay import Step, plan
from scenarios.run import replay_embedded
from streams.runtime.kafka_io import KafkaIngress, read_feed
from streams.wire.envelope import delta_to_builtins
from tests.integration.test_pipeline_equivalence import start_worker, stop_worker

pytestmark = pytest.mark.kafka

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCENARIO = PROJECT_ROOT / "scenarios" / "files" / "border_gas_tongzhou_yanjiao_synthetic.yaml"
PREFIX = "fusion-recovery."


def uninterrupted(core: Core, scenario: Scenario) -> list[dict[str, object]]:
    outcome = asyncio.run(replay_embedded(scenario, embedded_runtime(core)))
    return [msgspec.json.decode(msgspec.json.encode(delta_to_builtins(d))) for d in outcome.deltas]


async def send(bootstrap: str, steps: list[Step]) -> None:
    ingress = KafkaIngress(bootstrap, PREFIX)
    await ingress.start()
    try:
        for step in steps:
            if step.entry is None:
                await ingress.produce_tick(step.at_ms)
            else:
                await ingress.produce(step.entry.topic, step.entry.key, step.entry.value)
        await ingress.flush()
    finally:
        await ingress.stop()


async def feed(bootstrap: str, at_least: int, idle_s: float, timeout_s: float) -> list[dict[str, object]]:
    seen: list[dict[str, object]] = []
    async for delta in read_feed(bootstrap, idle_s=idle_s, timeout_s=timeout_s, prefix=PREFIX):
        seen.append(delta)
        if len(seen) >= at_least:
            break
    return seen


def incidents(deltas: list[dict[str, object]]) -> dict[str, object]:
    """The picture a command centre rebuilds from the feed: the last state of each incident."""
    return {str(d["key"]): d["data"] for d in deltas if d["kind"] == "incident"}


def test_a_worker_killed_mid_replay_recovers_the_same_incidents(
    kafka_broker: KafkaBroker, core: Core, tmp_path: Path
) -> None:
    scenario = load_scenario(SCENARIO)
    expected = uninterrupted(core, scenario)
    steps = list(plan(scenario))
    cut = next(i for i, s in enumerate(steps) if s.entry is not None and s.entry.name == "beijing-app-call")
    data_dir = tmp_path / "worker"
    first = start_worker(kafka_broker.bootstrap, data_dir, tmp_path / "worker-1.log", PREFIX)
    try:
        asyncio.run(send(kafka_broker.bootstrap, steps[:cut]))
        # let the worker get well into the first part (state in tables, timers running), then kill it
        before = asyncio.run(feed(kafka_broker.bootstrap, len(expected), idle_s=15.0, timeout_s=180.0))
        assert before, f"the first worker published nothing: {(tmp_path / 'worker-1.log').read_text()[-2000:]}"
        assert first.poll() is None
    finally:
        first.kill()  # SIGKILL: no shutdown, no final commit
        first.wait(10)
    second = start_worker(kafka_broker.bootstrap, data_dir, tmp_path / "worker-2.log", PREFIX)
    try:
        started = time.monotonic()
        asyncio.run(send(kafka_broker.bootstrap, steps[cut:]))
        # a restarted worker first rebuilds its tables from their changelogs: allow it a long quiet start
        got = asyncio.run(feed(kafka_broker.bootstrap, len(expected), idle_s=240.0, timeout_s=480.0))
        seconds = time.monotonic() - started
        print(
            f"\nrecovery: {len(before)} deltas before the kill, {len(got)} of {len(expected)} in all, {seconds:.1f} s"
        )
        assert second.poll() is None, (tmp_path / "worker-2.log").read_text(errors="replace")[-3000:]
    finally:
        stop_worker(second)
    missing = [(d["seq"], d["kind"], d["key"]) for d in expected if d not in got]
    assert incidents(got) == incidents(expected), f"missing or different: {missing}; last got: {got[-1]}"
    border = incidents(got)["JINGJINJI-000001"]
    assert isinstance(border, dict) and sorted(border["provinces"]) == ["110000", "130000"]
    # exactly once: the feed is the uninterrupted one, delta for delta, without gaps or repeats
    assert [d["seq"] for d in got] == list(range(1, len(expected) + 1))
    assert got == expected
