"""The same scenario through real Kafka with a faust-streaming worker gives exactly the embedded run's output.

Every delta — incidents, tasks, notifications, responder changes, with their ids and feed sequence numbers —
must be equal, in the same order. The worker runs as a separate process with exactly-once processing.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from ebrain.broker import KafkaBroker
from ebrain.compose import Core
from ebrain.kafka_kit import PROJECT_ROOT, assert_alive, difference, embedded_deltas, read_feed, start_worker
from scenarios.drill import region_resolver, score_outcome
from scenarios.model import load_scenario
from scenarios.replay import ReplayControl, replay
from scenarios.run import Outcome
from streams.runtime.kafka_io import KafkaIngress

pytestmark = pytest.mark.kafka

SCENARIO = PROJECT_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"
# readiness under a warning: coverage, move-ups proposed and decided, a unit dispatched from where it was moved
READINESS = PROJECT_ROOT / "scenarios" / "files" / "rainstorm_forecast_beijing_2023.yaml"
PREFIX = "equivalence."


async def replay_into_kafka(
    bootstrap: str, expected: int, prefix: str = PREFIX, scenario: Path = SCENARIO
) -> list[dict[str, Any]]:
    """The scenario through the replay driver, as `ebrain replay --broker` sends it; the feed read back."""
    ingress = KafkaIngress(bootstrap, prefix)
    await ingress.start()
    try:
        await replay(load_scenario(scenario), ingress, ReplayControl())
        await ingress.flush()
    finally:
        await ingress.stop()
    return await read_feed(bootstrap, prefix, expected)


@pytest.mark.parametrize(("scenario", "prefix"), [(SCENARIO, PREFIX), (READINESS, "equivalence-readiness.")])
def test_kafka_worker_equals_embedded(
    kafka_broker: KafkaBroker, core: Core, tmp_path: Path, scenario: Path, prefix: str
) -> None:
    expected = embedded_deltas(core, load_scenario(scenario))
    assert expected, "the embedded run produced nothing to compare"
    worker = start_worker(kafka_broker.bootstrap, prefix, tmp_path)
    try:
        started = time.monotonic()
        got = asyncio.run(replay_into_kafka(kafka_broker.bootstrap, len(expected), prefix, scenario))
        print(f"\nKafka run: {len(got)} deltas in {time.monotonic() - started:.1f} s; worker log: {worker.log}")
        assert_alive(worker, "the worker")
    finally:
        worker.stop()
    problem = difference(got, expected)
    assert problem is None, problem
    incident_keys = [d["key"] for d in got if d["kind"] == "incident"]
    assert "JINGJINJI-000001" in incident_keys
    # the drill scored on what came back from Kafka: every expectation of the scenario file is met there too
    drilled = score_outcome(load_scenario(scenario), Outcome.from_feed(got), region_resolver(core.regions))
    assert drilled.results and not drilled.failed, [f"{r.expectation.text}: {r.detail}" for r in drilled.failed]
