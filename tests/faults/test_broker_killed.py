"""One broker of a three-broker cluster killed (kill -9) in the middle of a replay, with a worker running: the
other two hold every partition (replication 3, min.insync.replicas 2), leadership moves, and the feed equals the
undisturbed run, nothing lost or repeated.

This test runs its own cluster (ebrain.broker_cluster), since it kills a node of it.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from ebrain import kafka_kit as kit
from ebrain.broker import ensure_jars
from ebrain.broker_cluster import KafkaCluster
from ebrain.compose import Core
from scenarios.model import load_scenario
from streams.wire import topics

pytestmark = pytest.mark.kafka

SCENARIO = kit.PROJECT_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"
MIN = 60_000


def _partitions(bootstrap: str, prefix: str) -> dict[str, list[dict[str, object]]]:
    """Every partition of the pipeline's topics and of faust's own (changelogs, leader topic)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="fault-tests-admin")
    try:
        names = [n for n in admin.list_topics() if n.startswith((prefix, topics.pipeline_id(prefix)))]
        return {t["name"]: t["partitions"] for t in admin.describe_topics(names)}
    finally:
        admin.close()


def _min_insync(bootstrap: str, names: list[str]) -> dict[str, str]:
    """Each topic's effective min.insync.replicas (the broker's default unless the topic overrides it)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="fault-tests-admin")
    try:
        wanted = [ConfigResource(ConfigResourceType.TOPIC, n, {"min.insync.replicas": None}) for n in names]
        described = admin.describe_configs(wanted, config_filter="all")
    finally:
        admin.close()
    by_name = {name: configs for resources in described.values() for name, configs in resources.items()}
    return {name: str(by_name[name]["min.insync.replicas"]["value"]) for name in names}


def test_a_broker_killed_mid_replay_loses_nothing(core: Core, tmp_path: Path, prefix: str) -> None:
    scenario = load_scenario(SCENARIO)
    expected = kit.embedded_deltas(core, scenario)
    first, rest = kit.split_at(scenario, scenario.t0_ms - 8 * MIN)
    cluster = KafkaCluster(tmp_path / "kafka", ensure_jars(kit.PROJECT_ROOT))
    began = time.monotonic()
    worker = None
    try:
        print(f"\nthree brokers at {cluster.bootstrap} serving after {cluster.start():.1f} s")
        bootstrap = cluster.bootstrap
        worker = kit.start_worker(bootstrap, prefix, tmp_path, "worker")
        signals = topics.physical(topics.SIGNALS, prefix)

        async def run() -> tuple[int, list[dict[str, object]]]:
            async with kit.Ingress(bootstrap, prefix) as ingress:
                await ingress.send(first)
                before = await kit.wait_for_deltas(bootstrap, prefix, 1, [worker])
                # the theater's input partition: its leader carries the worker's transactions and reads
                victim = int(str(_partitions(bootstrap, prefix)[signals][0]["leader_id"]))
                await asyncio.to_thread(cluster.node_of(victim).kill)
                print(f"broker {victim} (leader of {signals}) killed after {before} deltas")
                await ingress.send(rest)
            return victim, await kit.read_feed(bootstrap, prefix, len(expected), timeout_s=300)

        victim, got = asyncio.run(run())
        assert worker.alive(), f"the worker died when the broker did:\n{worker.tail()}"
        partitions = _partitions(bootstrap, prefix)
        min_insync = _min_insync(bootstrap, sorted(partitions))
        log = worker.log.read_text(errors="replace")
    finally:
        if worker is not None:
            worker.stop()
        cluster.stop()
    print(f"broker killed: {len(got)} deltas in {time.monotonic() - began:.0f} s")
    kit.assert_same_outcome(got, expected)
    # every topic and changelog has three replicas, and the dead broker leads none of them any more
    changelogs = [name for name in partitions if name.endswith("-changelog")]
    assert changelogs, f"no changelog among {sorted(partitions)}"
    for name, parts in partitions.items():
        for part in parts:
            assert len(part["replica_nodes"]) == 3, f"{name}: {part}"  # type: ignore[arg-type]
            assert part["leader_id"] != victim, f"{name}: still led by the killed broker {victim}"
    assert set(min_insync.values()) == {"2"}, min_insync
    # the worker saw its broker go and the theater's partition get a new leader, and carried on without a restart
    moved = f"partition leader: {signals}/0: leader moved from broker {victim} to broker "
    assert moved in log, f"the worker's log does not show the leader change:\n{log[-3000:]}"
    print("\n".join(line for line in log.splitlines() if "partition leader:" in line))
