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

import pytest

from ebrain.broker import KafkaBroker
from ebrain.compose import Core
from ebrain.kafka_kit import PROJECT_ROOT, Ingress, embedded_deltas, start_worker
from scenarios.model import load_scenario
from scenarios.replay import Step, plan
from streams.runtime.kafka_io import read_feed

pytestmark = pytest.mark.kafka

SCENARIO = PROJECT_ROOT / "scenarios" / "files" / "border_gas_tongzhou_yanjiao_synthetic.yaml"
PREFIX = "fusion-recovery."


async def send(bootstrap: str, steps: list[Step]) -> None:
    async with Ingress(bootstrap, PREFIX) as ingress:
        await ingress.send(steps)


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
    expected = embedded_deltas(core, scenario)
    steps = list(plan(scenario))
    cut = next(i for i, s in enumerate(steps) if s.entry is not None and s.entry.name == "beijing-app-call")
    first = start_worker(kafka_broker.bootstrap, PREFIX, tmp_path)
    try:
        asyncio.run(send(kafka_broker.bootstrap, steps[:cut]))
        # let the worker get well into the first part (state in tables, timers running), then kill it
        before = asyncio.run(feed(kafka_broker.bootstrap, len(expected), idle_s=15.0, timeout_s=180.0))
        assert before, f"the first worker published nothing: {first.tail(2000)}"
        assert first.alive()
    finally:
        first.kill9()
    second = start_worker(kafka_broker.bootstrap, PREFIX, tmp_path)  # on the same state folder
    try:
        started = time.monotonic()
        asyncio.run(send(kafka_broker.bootstrap, steps[cut:]))
        # a restarted worker first rebuilds its tables from their changelogs: allow it a long quiet start
        got = asyncio.run(feed(kafka_broker.bootstrap, len(expected), idle_s=240.0, timeout_s=480.0))
        seconds = time.monotonic() - started
        print(
            f"\nrecovery: {len(before)} deltas before the kill, {len(got)} of {len(expected)} in all, {seconds:.1f} s"
        )
        assert second.alive(), second.tail()
    finally:
        second.stop()
    missing = [(d["seq"], d["kind"], d["key"]) for d in expected if d not in got]
    assert incidents(got) == incidents(expected), f"missing or different: {missing}; last got: {got[-1]}"
    border = incidents(got)["JINGJINJI-000001"]
    assert isinstance(border, dict) and sorted(border["provinces"]) == ["110000", "130000"]
    # exactly once: the feed is the uninterrupted one, delta for delta, without gaps or repeats
    assert [d["seq"] for d in got] == list(range(1, len(expected) + 1))
    assert got == expected
