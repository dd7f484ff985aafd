"""`kill -9` of a worker while healthy, silent and alarming sensors report under a warning: the restarted worker
resumes with every device's detector state (last-seen time included), so the feed equals the undisturbed run.

The scenario (data/restart_sensors.yaml): a rainstorm warning over 朝阳; six healthy water-depth sensors reading
every minute to the end; one that falls silent (a real blackout risk, an incident in both runs); one in alarm to
the end. A detector restored with a stale last-seen time finds the healthy sensors silent on the first tick after
the restart, and under the warning that is a false `sensor_blackout` incident on the feed.
"""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any

import pytest

from ebrain import kafka_kit as kit
from ebrain.broker import KafkaBroker
from ebrain.compose import Core
from scenarios.model import load_scenario

pytestmark = pytest.mark.kafka

SCENARIO = Path(__file__).parent / "data" / "restart_sensors.yaml"
MIN = 60_000
HEALTHY = [f"LL-110105-WD-{i:04d}" for i in range(1, 7)]
SILENT = "LL-110105-WD-0101"


def _blackout_devices(deltas: list[dict[str, Any]]) -> set[str]:
    """Devices named by the evidence of the sensor_blackout incidents, as the feed last showed them."""
    latest = {d["key"]: d["data"] for d in deltas if d["kind"] == "incident"}
    return {
        device
        for incident in latest.values()
        if incident["type"] == "sensor_blackout"
        for text in _strings(incident)
        for device in re.findall(r"LL-110105-WD-\d{4}", text)
    }


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("when", ["idle", "busy"])
def test_kill9_and_restart_finds_no_healthy_sensor_silent(
    fault_broker: KafkaBroker, core: Core, tmp_path: Path, prefix: str, when: str
) -> None:
    """idle: killed once the silent sensor's blackout is on the feed and the worker has committed since;
    busy: killed 1 s after the rest of the scenario was sent, a transaction open."""
    scenario = load_scenario(SCENARIO)
    expected = kit.embedded_deltas(core, scenario)
    assert _blackout_devices(expected) == {SILENT}  # the scenario does what it is for
    blackout_at = next(
        i for i, d in enumerate(expected) if d["kind"] == "incident" and d["data"]["type"] == "sensor_blackout"
    )
    bootstrap = fault_broker.bootstrap
    first, rest = kit.split_at(scenario, scenario.t0_ms - 10 * MIN)  # healthy sensors have read for half an hour
    started = time.monotonic()

    async def run(workers: kit.Workers) -> tuple[kit.Worker, list[dict[str, Any]]]:
        worker = workers.start("first")
        async with kit.Ingress(bootstrap, prefix) as ingress:
            await ingress.send(first)
            await kit.wait_for_deltas(bootstrap, prefix, blackout_at + 1, [worker])
            if when == "idle":
                await asyncio.sleep(4.0)  # more than a commit interval: the detector tables are committed
            else:
                await ingress.send(rest)
                await asyncio.sleep(1.0)
            restarted = await workers.kill9_and_restart(worker, len(expected), when)
            if when == "idle":
                await ingress.send(rest)
        return restarted, await kit.read_feed(bootstrap, prefix, len(expected))

    with kit.Workers(bootstrap, prefix, tmp_path) as workers:
        restarted, got = asyncio.run(run(workers))
        kit.assert_alive(restarted, "the restarted worker")
    print(f"kill -9 ({when}) and restart: {len(got)} deltas in {time.monotonic() - started:.0f} s")
    falsely_silent = _blackout_devices(got) & set(HEALTHY)
    assert not falsely_silent, f"healthy sensors reported silent after the restart: {sorted(falsely_silent)}"
    kit.assert_same_outcome(got, expected)
