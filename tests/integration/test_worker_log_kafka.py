"""A normal replay through `ebrain worker` logs no ERROR line.

faust's livelock detector logs `Has not committed TP(...)` at ERROR for every partition with a backlog once
`broker_commit_livelock_soft_timeout` (5 min) has passed without a commit it knows of; under exactly-once it never
knew of one (streams/runtime/faust_patches.record_transactional_commits). The worker here gets that timeout at 15 s
through faust's own environment setting (longer than its start-up and first commit, shorter than the replay keeps
it busy: without the correction this replay logged it dozens of times, from 15 s to 38 s after the start).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from ebrain.broker import KafkaBroker
from ebrain.compose import Core
from ebrain.kafka_kit import PROJECT_ROOT, Ingress, embedded_deltas, read_feed, start_worker
from scenarios.model import load_scenario
from scenarios.replay import plan
from streams.runtime.faust_app import ensure_topics

pytestmark = pytest.mark.kafka

SCENARIO = PROJECT_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"


def test_a_normal_replay_leaves_no_error_in_the_worker_log(
    kafka_broker: KafkaBroker, core: Core, tmp_path: Path
) -> None:
    bootstrap, prefix = kafka_broker.bootstrap, f"quiet-{os.getpid()}."
    scenario = load_scenario(SCENARIO)
    expected = embedded_deltas(core, scenario)
    ensure_topics(bootstrap, prefix)  # as `ebrain replay --broker` does before it produces
    worker = start_worker(bootstrap, prefix, tmp_path, env={"BROKER_COMMIT_LIVELOCK_SOFT_TIMEOUT": "15"})
    try:

        async def go() -> list[dict[str, object]]:
            async with Ingress(bootstrap, prefix) as ingress:
                await ingress.send(list(plan(scenario)))
            return await read_feed(bootstrap, prefix, len(expected), timeout_s=300, settle_s=8)

        got = asyncio.run(go())
        assert len(got) == len(expected), worker.tail()
        assert worker.alive(), worker.tail()
    finally:
        worker.stop()
    log = worker.log.read_text(errors="replace")
    errors = [line for line in log.splitlines() if "ERROR" in line]
    assert not errors, "\n".join(errors[:20])
