"""The same scenario through real Kafka with a faust-streaming worker gives exactly the embedded run's output.

Every delta — incidents, tasks, notifications, responder changes, with their ids and feed sequence numbers —
must be equal, in the same order. The worker runs as a separate process with exactly-once processing.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import msgspec
import pytest

from ebrain.broker import KafkaBroker
from ebrain.compose import Core, embedded_runtime
from scenarios.drill import region_resolver, score_outcome
from scenarios.model import load_scenario
from scenarios.replay import ReplayControl, replay
from scenarios.run import Outcome, replay_embedded
from streams.runtime.kafka_io import KafkaIngress, read_feed
from streams.wire.envelope import delta_to_builtins

pytestmark = pytest.mark.kafka

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCENARIO = PROJECT_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"
# readiness under a warning: coverage, move-ups proposed and decided, a unit dispatched from where it was moved
READINESS = PROJECT_ROOT / "scenarios" / "files" / "rainstorm_forecast_beijing_2023.yaml"


def embedded_deltas(core: Core, scenario: Path = SCENARIO) -> list[dict[str, object]]:
    outcome = asyncio.run(replay_embedded(load_scenario(scenario), embedded_runtime(core)))
    # through JSON, as the Kafka side arrives
    return [msgspec.json.decode(msgspec.json.encode(delta_to_builtins(d))) for d in outcome.deltas]


PREFIX = "equivalence."


def start_worker(bootstrap: str, data_dir: Path, log: Path, prefix: str = PREFIX) -> subprocess.Popen[bytes]:
    """`ebrain worker` as its own process; topics carry a prefix so other tests' pipelines never mix in."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "ebrain.cli", "worker", "--broker", bootstrap, "--data-dir", str(data_dir)]
    with log.open("wb") as out:
        return subprocess.Popen(
            [*command, "--topic-prefix", prefix],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT,
            env=env,
        )


def stop_worker(proc: subprocess.Popen[bytes], grace_s: float = 15.0) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


async def replay_into_kafka(
    bootstrap: str, expected: int, prefix: str = PREFIX, scenario: Path = SCENARIO
) -> list[dict[str, object]]:
    ingress = KafkaIngress(bootstrap, prefix)
    await ingress.start()
    try:
        await replay(load_scenario(scenario), ingress, ReplayControl())
        await ingress.flush()
    finally:
        await ingress.stop()
    seen: list[dict[str, object]] = []
    async for delta in read_feed(bootstrap, idle_s=30.0, timeout_s=240.0, prefix=prefix):
        seen.append(delta)
        if len(seen) >= expected:
            break
    return seen


@pytest.mark.parametrize(("scenario", "prefix"), [(SCENARIO, PREFIX), (READINESS, "equivalence-readiness.")])
def test_kafka_worker_equals_embedded(
    kafka_broker: KafkaBroker, core: Core, tmp_path: Path, scenario: Path, prefix: str
) -> None:
    expected = embedded_deltas(core, scenario)
    assert expected, "the embedded run produced nothing to compare"
    log = tmp_path / "worker.log"
    worker = start_worker(kafka_broker.bootstrap, tmp_path / "worker", log, prefix)
    try:
        started = time.monotonic()
        got = asyncio.run(replay_into_kafka(kafka_broker.bootstrap, len(expected), prefix, scenario))
        print(f"\nKafka run: {len(got)} deltas in {time.monotonic() - started:.1f} s; worker log: {log}")
        assert worker.poll() is None, f"the worker died: {log.read_text(errors='replace')[-3000:]}"
    finally:
        stop_worker(worker)
    if got != expected:
        first = next(i for i, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b) if got else 0
        pytest.fail(
            f"Kafka gave {len(got)} deltas, embedded {len(expected)}; first difference at index {first}:\n"
            f"kafka:    {json.dumps(got[first] if first < len(got) else None, ensure_ascii=False)[:600]}\n"
            f"embedded: {json.dumps(expected[first], ensure_ascii=False)[:600]}"
        )
    incident_keys = [d["key"] for d in got if d["kind"] == "incident"]
    assert "JINGJINJI-000001" in incident_keys
    # the drill scored on what came back from Kafka: every expectation of the scenario file is met there too
    drilled = score_outcome(load_scenario(scenario), Outcome.from_feed(got), region_resolver(core.regions))
    assert drilled.results and not drilled.failed, [f"{r.expectation.text}: {r.detail}" for r in drilled.failed]
