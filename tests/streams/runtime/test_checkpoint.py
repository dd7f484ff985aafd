"""The checkpoint's pure parts, without a broker: the commit gate around batches, table writes, the transactions.

The fake stream below hands out batches the way faust's `take_events` does: it acknowledges a batch's events
when the agent asks for the next batch, before it waits for more input.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest
from faust.types import TP

from streams.runtime.checkpoint import CommitGate, Outputs, TableWrites, UnfinishedBatch, forget_tables


class FakeStream:
    def __init__(self, batches: list[list[int]]) -> None:
        self.batches = batches
        self.acked: list[int] = []

    async def take_events(self, size: int, within: float) -> AsyncIterator[list[int]]:
        for batch in self.batches:
            await asyncio.sleep(0)  # waiting for input
            try:
                yield list(batch)
            finally:
                self.acked.extend(batch)  # as faust: no await between the agent's request and the acks


def test_a_commit_waits_for_the_batch_in_progress_and_covers_all_of_it_acknowledged() -> None:
    async def go() -> tuple[list[str], list[int]]:
        stream = FakeStream([[1, 2, 3], [4, 5]])
        gate = CommitGate()
        log: list[str] = []

        async def commit() -> bool:
            log.append(f"commit acked={sorted(stream.acked)}")
            return True

        wrapped = gate.wrap(commit)
        commits: list[asyncio.Future[bool]] = []

        async def agent() -> None:
            async for batch in gate.batches(stream, 10, 0.01):
                for event in batch:
                    log.append(f"event {event}")
                    if event == 2:
                        # a commit asked for in the middle of the batch must not run until the batch is over
                        commits.append(asyncio.ensure_future(wrapped()))
                    await asyncio.sleep(0)

        await agent()
        await asyncio.gather(*commits)
        return log, stream.acked

    log, acked = asyncio.run(go())
    assert log == ["event 1", "event 2", "event 3", "commit acked=[1, 2, 3]", "event 4", "event 5"]
    assert acked == [1, 2, 3, 4, 5]


def test_no_batch_starts_while_a_commit_is_running() -> None:
    async def go() -> list[str]:
        stream = FakeStream([[1], [2]])
        gate = CommitGate()
        log: list[str] = []
        release = asyncio.Event()

        async def slow_commit() -> bool:
            log.append("commit begins")
            await release.wait()
            log.append("commit ends")
            return True

        wrapped = gate.wrap(slow_commit)
        committing = asyncio.ensure_future(wrapped())
        await asyncio.sleep(0)

        async def agent() -> None:
            async for batch in gate.batches(stream, 10, 0.01):
                log.append(f"batch {batch}")

        running = asyncio.get_running_loop().create_task(agent())
        for _ in range(5):
            await asyncio.sleep(0)
        release.set()
        await asyncio.gather(committing, running)
        return log

    assert asyncio.run(go()) == ["commit begins", "commit ends", "batch [1]", "batch [2]"]


def test_hooks_run_before_the_commit_with_no_batch_in_progress() -> None:
    async def go() -> list[str]:
        gate = CommitGate()
        log: list[str] = []

        async def hook() -> None:
            log.append("hook")

        async def commit() -> bool:
            log.append("commit")
            return True

        gate.before_commit(hook)
        assert await gate.wrap(commit)() is True
        return log

    assert asyncio.run(go()) == ["hook", "commit"]


def test_after_a_batch_left_unfinished_the_next_commit_stops_the_worker() -> None:
    async def go() -> tuple[list[int], str | None, list[str]]:
        stream = FakeStream([[1, 2], [3]])
        gate = CommitGate()
        commits: list[str] = []

        async def commit() -> bool:
            commits.append("commit")
            return True

        async def agent() -> None:
            async for batch in gate.batches(stream, 10, 0.01):
                if 2 in batch:
                    raise RuntimeError("a defect half-way through the batch")

        with pytest.raises(RuntimeError):
            await agent()
        # faust's cleanup may acknowledge the unfinished batch: its offsets must never be committed
        await asyncio.sleep(0)
        with pytest.raises(UnfinishedBatch, match="unfinished"):
            await gate.wrap(commit)()
        return stream.acked, gate.broken, commits

    acked, broken, commits = asyncio.run(go())
    assert not commits
    assert broken is not None and "unfinished" in broken
    assert acked == [1, 2]  # acknowledged by the generator's cleanup, and still not committed


def test_table_writes_change_the_store_at_once_and_wait_to_be_sent() -> None:
    table = SimpleNamespace(data={"a": b"1"})
    writes = TableWrites(table)
    writes["b"] = b"2"
    writes.pop("a", None)
    writes.pop("missing", None)
    assert table.data == {"b": b"2"}
    assert writes["b"] == b"2" and len(writes) == 1 and list(writes) == ["b"]
    assert writes.pending == [(table, "b", b"2"), (table, "a", None)]


class FakeTopic:
    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[dict[str, Any]] = []

    def get_topic_name(self) -> str:
        return self.name

    def prepare_key(self, key: str, serializer: str) -> tuple[bytes, None]:
        return f'"{key}"'.encode(), None

    async def send(self, **kwargs: Any) -> None:
        self.sent.append(kwargs)


class FakeProducer:
    def __init__(self) -> None:
        self.sent: list[tuple[Any, ...]] = []

    async def send(self, topic: str, key: bytes, value: bytes | None, partition: int | None, *rest: Any, **kw: Any):
        self.sent.append((topic, key, value, partition, kw["transactional_id"]))


def fake_app(producer: FakeProducer) -> Any:
    return SimpleNamespace(
        conf=SimpleNamespace(id="ebrain"),
        assignor=SimpleNamespace(group_for_topic=lambda topic: 0),
        consumer=SimpleNamespace(transactions=SimpleNamespace(producer=producer)),
    )


def test_exactly_once_changelog_records_go_to_the_input_partition_in_its_transaction() -> None:
    producer = FakeProducer()
    outputs = Outputs(fake_app(producer), exactly_once=True)
    table = SimpleNamespace(data={}, changelog_topic=FakeTopic("ebrain-sensor-state-changelog"), key_serializer="json")
    writes = TableWrites(table)
    writes["2/LL-1"] = b"state"
    writes.pop("2/LL-1")
    asyncio.run(outputs.write(writes, TP("ingest.sensor", 2)))
    assert producer.sent == [
        ("ebrain-sensor-state-changelog", b'"2/LL-1"', b"state", 2, "ebrain-0-2"),
        ("ebrain-sensor-state-changelog", b'"2/LL-1"', None, 2, "ebrain-0-2"),
    ]
    assert writes.pending == []


def test_at_least_once_changelog_records_go_through_the_changelog_topic_to_the_input_partition() -> None:
    outputs = Outputs(fake_app(FakeProducer()), exactly_once=False)
    topic = FakeTopic("ebrain-theater-meta-changelog")
    table = SimpleNamespace(data={}, changelog_topic=topic, key_serializer="json")
    writes = TableWrites(table)
    writes["meta"] = b"{}"
    asyncio.run(outputs.write(writes, TP("signals", 0)))
    assert topic.sent == [
        {"key": "meta", "value": b"{}", "partition": 0, "key_serializer": "json", "value_serializer": "raw"}
    ]


def test_forgetting_the_tables_empties_them_and_makes_recovery_read_from_the_start() -> None:

    store = SimpleNamespace(data={"incident/1": b"{}"}, _key_partition={"incident/1": 0})
    recovery = SimpleNamespace(active_offsets={("ebrain-incident-changelog", 0): 41})

    class Tables(dict[str, Any]):
        pass

    tables = Tables(incident=SimpleNamespace(data=store))
    tables.recovery = recovery  # type: ignore[attr-defined]
    forget_tables(SimpleNamespace(tables=tables))  # type: ignore[arg-type]
    assert store.data == {} and store._key_partition == {}
    assert recovery.active_offsets == {}  # no offset kept: recovery reads each changelog from its beginning
