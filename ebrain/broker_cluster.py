"""A local three-broker KRaft cluster on 127.0.0.1: three ``KafkaBroker`` nodes, each broker and controller at once.

Combined nodes (``process.roles=broker,controller``) rather than three brokers beside three controllers: on one
machine six JVMs would cost twice the memory and start-up for no more fault tolerance, since a machine failure
takes all of them anyway. The quorum is static (three voters, ``controller.quorum.voters``), so losing one node
leaves two controllers (a majority) and two replicas of every partition (``min.insync.replicas=2``): writes with
``acks=all`` go on. ``broker/cluster.properties`` holds the replication settings; each node has its own data
directory, ports and log, and all are formatted with one cluster id.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from ebrain.broker import BrokerConfig, KafkaBroker, _new_cluster_id, free_port

NODES = 3


class KafkaCluster:
    def __init__(self, data_dir: Path, lib_dir: Path, nodes: int = NODES, heap: str = "384m") -> None:
        ports = _distinct_ports(2 * nodes)
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
                ),
                lib_dir,
            )
            for i in range(nodes)
        ]
        self._cluster_id = _new_cluster_id()

    @property
    def bootstrap(self) -> str:
        """Every node's address: a client reaches the cluster through whichever answers."""
        return ",".join(node.bootstrap for node in self.nodes)

    def start(self, timeout_s: float = 180) -> float:
        """Start every node (a node serves only once a majority of controllers runs), wait until each answers
        with all brokers live; returns the seconds taken."""
        began = time.monotonic()
        try:
            for node in self.nodes:
                node.launch(self._cluster_id)
            for node in self.nodes:
                node.wait_until_serving(self._cluster_id, began + timeout_s, brokers=len(self.nodes))
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
