"""Partition leadership as a worker sees it: which broker leads each partition of the topic map, and one plain line
whenever that changes, so a worker's log tells when a broker of a cluster died and where its partitions went.

`leader_changes` is the pure part (two snapshots in, lines out); `LeaderWatch` only asks a broker for metadata.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence

from aiokafka import TopicPartition
from aiokafka.client import AIOKafkaClient

from streams.runtime.kafka_auth import KafkaCredentials, aiokafka_options

#: a partition with no leader (its brokers are all gone, or an election is under way)
NO_LEADER = -1


def leader_changes(before: Mapping[str, int], now: Mapping[str, int]) -> list[str]:
    """One line per partition whose leader differs between two snapshots ("signals/0" → broker id); a partition
    seen for the first time is not a change."""
    lines = []
    for partition in sorted(set(before) & set(now)):
        old, new = before[partition], now[partition]
        if old == new:
            continue
        if new == NO_LEADER:
            lines.append(f"{partition}: no leader (it was broker {old})")
        elif old == NO_LEADER:
            lines.append(f"{partition}: led by broker {new} again")
        else:
            lines.append(f"{partition}: leader moved from broker {old} to broker {new}")
    return lines


class LeaderWatch:
    """Asks the cluster for the leaders of `names`' partitions; `check` returns what changed since the last call."""

    def __init__(self, bootstrap: str, names: Sequence[str], credentials: KafkaCredentials | None = None) -> None:
        self.bootstrap = bootstrap
        self.names = list(names)
        self.credentials = credentials
        self._client: AIOKafkaClient | None = None
        self._leaders: dict[str, int] = {}

    async def check(self) -> list[str]:
        if self._client is None:
            client = AIOKafkaClient(
                bootstrap_servers=self.bootstrap,
                client_id="ebrain-leader-watch",
                request_timeout_ms=10_000,
                **aiokafka_options(self.credentials),
            )
            await client.bootstrap()
            await client.set_topics(self.names)
            self._client = client
        await self._client.force_metadata_update()
        cluster = self._client.cluster
        now: dict[str, int] = {}
        for name in self.names:
            for p in cluster.partitions_for_topic(name) or ():
                leader = cluster.leader_for_partition(TopicPartition(name, p))
                now[f"{name}/{p}"] = NO_LEADER if leader is None or leader < 0 else int(leader)
        lines = leader_changes(self._leaders, now)
        self._leaders.update(now)
        return lines

    async def close(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            with contextlib.suppress(Exception):
                await client.close()
