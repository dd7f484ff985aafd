"""A local three-broker KRaft cluster on 127.0.0.1: three ``KafkaBroker`` nodes, each broker and controller at once.

Combined nodes (``process.roles=broker,controller``) rather than three brokers beside three controllers: on one
machine six JVMs would cost twice the memory and start-up for no more fault tolerance, since a machine failure
takes all of them anyway. The quorum is static (three voters, ``controller.quorum.voters``), so losing one node
leaves two controllers (a majority) and two replicas of every partition (``min.insync.replicas=2``): writes with
``acks=all`` go on. ``broker/cluster.properties`` holds the replication settings; each node has its own data
directory, ports and log, and all are formatted with one cluster id.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from ebrain.broker import (
    BrokerConfig,
    BrokerError,
    KafkaBroker,
    _new_cluster_id,
    _pid_alive_as_broker,
    _terminate_pid,
    ensure_jars,
    free_port,
    live_brokers,
    probe,
)
from ebrain.broker_access import ADMIN_USER
from streams.runtime.kafka_auth import KafkaCredentials

NODES = 3


class KafkaCluster:
    def __init__(
        self,
        data_dir: Path,
        lib_dir: Path,
        nodes: int = NODES,
        heap: str = "384m",
        first_port: int | None = None,
        access: Path | None = None,
        die_with_parent: bool = True,
    ) -> None:
        """Nodes on free ports, or from `first_port` on: node i (from 0) listens on first_port + 2i and its
        controller on the next port. With `access` the cluster is closed (one set of users for every node)."""
        ports = _distinct_ports(2 * nodes) if first_port is None else [first_port + k for k in range(2 * nodes)]
        voters = tuple((i + 1, ports[2 * i + 1]) for i in range(nodes))
        extra = (lib_dir.parent / "cluster.properties",)
        self.nodes: list[KafkaBroker] = [
            KafkaBroker(
                BrokerConfig(
                    data_dir / f"node{i + 1}",
                    port=ports[2 * i],
                    controller_port=ports[2 * i + 1],
                    heap=heap,
                    node_id=i + 1,
                    voters=voters,
                    extra_properties=extra,
                    access=access,
                    credentials_dir=data_dir / "credentials",
                ),
                lib_dir,
                die_with_parent=die_with_parent,
            )
            for i in range(nodes)
        ]
        self._cluster_id = _new_cluster_id()

    @property
    def bootstrap(self) -> str:
        """Every node's address: a client reaches the cluster through whichever answers."""
        return ",".join(node.bootstrap for node in self.nodes)

    def start(self, timeout_s: float = 180, skip: set[int] | frozenset[int] = frozenset()) -> float:
        """Start every node but those in `skip` (node ids already running), and wait until each answers with
        all brokers live (a node serves only once a majority of controllers runs); returns the seconds taken."""
        began = time.monotonic()
        starting = [node for node in self.nodes if node.config.node_id not in skip]
        try:
            # a node formatted before keeps its own id (the cluster's); a new one is formatted with this one
            ids = [node.launch(self._cluster_id) for node in starting]
            for node, cluster_id in zip(starting, ids, strict=True):
                node.wait_until_serving(cluster_id, began + timeout_s, brokers=len(self.nodes))
        except BaseException:
            self.stop()
            raise
        return time.monotonic() - began

    def node_of(self, node_id: int) -> KafkaBroker:
        return next(node for node in self.nodes if node.config.node_id == node_id)

    def stop(self, grace_s: float = 15) -> None:
        for node in self.nodes:
            node.stop(grace_s)


def _distinct_ports(count: int) -> Sequence[int]:
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


def main_cluster(
    action: Literal["up", "down", "status"], project_root: Path, port: int = 9092, access: Path | None = None
) -> int:
    """``ebrain kafka up|down|status --brokers 3``: a detached three-broker cluster, data in
    ``<project>/.kafka-cluster/node1..3``, nodes on ports `port`, `port`+2, `port`+4 (controllers one above).
    Exit codes as ``ebrain.broker.main_kafka``."""
    data_dir = project_root / ".kafka-cluster"
    record_path = data_dir / "cluster.json"
    nodes: list[dict[str, Any]] = []
    if record_path.is_file():
        nodes = json.loads(record_path.read_text(encoding="utf-8"))["nodes"]
    alive = [n for n in nodes if _pid_alive_as_broker(int(n["pid"]), Path(n["properties"]))]
    bootstrap = ",".join(n["bootstrap"] for n in nodes)

    if action == "status":
        if not alive:
            print(f"Kafka cluster: not running (data in {data_dir})")
            return 1
        admin_file = data_dir / "credentials" / f"{ADMIN_USER}.json"
        admin = KafkaCredentials.from_file(admin_file) if admin_file.is_file() else None
        try:
            live = len(live_brokers(probe(bootstrap, timeout_s=5, credentials=admin)))
        except Exception as exc:
            print(f"Kafka cluster: {len(alive)} of {len(nodes)} nodes up but not answering at {bootstrap}: {exc!r}")
            return 1
        print(f"Kafka cluster: {live} of {len(nodes)} brokers live, bootstrap {bootstrap}")
        for n in nodes:
            print(f"  node {n['node_id']}: pid {n['pid']} {'up' if n in alive else 'DOWN'}, log {n['log']}")
        return 0 if live == len(nodes) else 1

    if action == "down":
        for n in alive:
            _terminate_pid(int(n["pid"]), Path(n["properties"]), grace_s=15)
            print(f"Kafka node {n['node_id']} (pid {n['pid']}) stopped")
        record_path.unlink(missing_ok=True)
        return 0

    if action == "up":
        if alive and len(alive) == len(nodes):
            print(f"Kafka cluster: already running, bootstrap {bootstrap}")
            return 0
        if alive:  # the nodes that died come back on their ports and data, the others keep running
            port = int(nodes[0]["bootstrap"].rpartition(":")[2])
        try:
            cluster = KafkaCluster(
                data_dir, ensure_jars(project_root), first_port=port, access=access, die_with_parent=False
            )
            running = {int(n["node_id"]): n for n in alive}
            seconds = cluster.start(skip=set(running))
        except BrokerError as exc:
            print(f"ebrain kafka up: {exc}", file=sys.stderr)
            return 1
        record = [
            running.get(node.config.node_id)
            or {
                "node_id": node.config.node_id,
                "pid": node.detach(),
                "bootstrap": node.bootstrap,
                "log": str(node.log_path),
                "properties": str(node.properties_path),
            }
            for node in cluster.nodes
        ]
        record_path.write_text(json.dumps({"nodes": record}, indent=2) + "\n", encoding="utf-8")
        print(f"Kafka cluster: {len(record)} brokers running, bootstrap {cluster.bootstrap}, after {seconds:.1f} s")
        print(f"data and logs in {data_dir}; stop it with `ebrain kafka down --brokers 3`")
        return 0

    raise ValueError(f"action={action!r}: expected one of up, down, status")
