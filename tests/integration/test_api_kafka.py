"""`ebrain api --broker`: command-centre API instances fed from Kafka.

The view's edge first, on topics written here (no worker): the picture topic ends before the feed does, by a
little or by a lot, and the feed holds an aborted transaction; the view rebuilt from the one and fed from the other
equals the fold of every committed delta, and a feed whose retention removed deltas the picture does not cover is
refused with the reason.

The Yanjiao scenario runs through a worker (its own process). An API instance started after most deltas were
committed rebuilds its view from the compacted picture topic and follows the feed for the rest; a second one
started after the end rebuilds only. Both serve the embedded run's final picture (REST and websocket snapshot, for
three centres), the same ingest counts, and the same epoch: a client that read up to seq N from one resumes on the
other with `since=N` and gets exactly the deltas after N. An operator command posted to the second reaches the
worker through the `commands` topic and its effect shows in both instances' timelines.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from aiokafka import AIOKafkaProducer
from fastapi.testclient import TestClient
from kafka import TopicPartition as SyncTopicPartition
from kafka.admin import KafkaAdminClient

from dashboard_api import AccessPolicy, FeedHub, Picture, create_app
from dashboard_api.deltas import delta_from_json
from dashboard_api.kafka_view import KafkaView, ViewError
from ebrain import kafka_kit as kit
from ebrain.broker import KafkaBroker
from ebrain.compose import Core
from scenarios.model import load_scenario
from scenarios.replay import plan
from streams.runtime.faust_app import ensure_topics
from streams.wire import contract, topics

pytestmark = pytest.mark.kafka

SCENARIO = kit.PROJECT_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"
TOKENS = {"joint": "demo-joint-3f9c1a7e", "hebei": "demo-hebei-1a6f3d98", "beijing": "demo-beijing-8b2d4e61"}
INCIDENT = "JINGJINJI-000001"
READS = (
    "/api/incidents",
    "/api/tasks",
    "/api/responders",
    "/api/notifications",
    "/api/warnings",
    "/api/mutual-aid",
    "/api/closures",
    f"/api/incidents/{INCIDENT}",
    f"/api/incidents/{INCIDENT}/timeline",
)
SNAPSHOT_LISTS = ("incidents", "tasks", "responders", "notifications", "warnings", "mutual_aid", "closures")


def synthetic_deltas(first: int, last: int) -> list[dict[str, Any]]:
    """Closures (any JSON object is a closure's entity) updated over and over, and now and then a rejection."""
    out = []
    for seq in range(first, last + 1):
        if seq % 50 == 0:
            out.append({"seq": seq, "at_ms": seq * 1000, "kind": "rejected", "key": f"cmd-{seq}", "data": "no such"})
        else:
            key = f"C{seq % 37:02d}"
            out.append({"seq": seq, "at_ms": seq * 1000, "kind": "closure", "key": key, "data": {"id": key, "n": seq}})
    return out


async def write_transactions(bootstrap: str, prefix: str, deltas: list[dict[str, Any]], picture_upto: int) -> None:
    """As the worker writes: each transaction of 10 deltas to the feed and, up to `picture_upto`, to the picture
    topic; one aborted transaction in the middle of the feed."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, transactional_id=f"{prefix}writer")
    await producer.start()
    feed, picture = topics.physical(topics.FEED, prefix), topics.physical(topics.PICTURE, prefix)
    try:
        for start in range(0, len(deltas), 10):
            if start == len(deltas) // 2:
                await producer.begin_transaction()
                poison = {"seq": 999_999, "at_ms": 0, "kind": "closure", "key": "POISON", "data": {"id": "POISON"}}
                await producer.send(feed, msgspec.json.encode(poison), key=b"jingjinji")
                await producer.abort_transaction()
            async with producer.transaction():
                for delta in deltas[start : start + 10]:
                    raw = msgspec.json.encode(delta)
                    await producer.send(feed, raw, key=b"jingjinji")
                    if delta["seq"] <= picture_upto:
                        await producer.send(picture, raw, key=f"{delta['kind']}/{delta['key']}".encode())
    finally:
        await producer.stop()


def folded(deltas: list[dict[str, Any]]) -> dict[str, Any]:
    picture = Picture()
    for delta in deltas:
        picture.apply(delta_from_json(msgspec.json.encode(delta)))
    return {"seq": picture.seq, "closures": picture.closures, "rejected": list(picture.rejected)}


@pytest.mark.parametrize("picture_upto", [480, 100])
def test_the_view_is_rebuilt_from_the_picture_topic_and_the_feed_takes_over(
    kafka_broker: KafkaBroker, unique_name: Any, picture_upto: int
) -> None:
    bootstrap, prefix = kafka_broker.bootstrap, unique_name("view") + "."
    ensure_topics(bootstrap, prefix)
    deltas = synthetic_deltas(1, 500)

    async def go() -> tuple[dict[str, Any], dict[str, Any], str, str]:
        await write_transactions(bootstrap, prefix, deltas, picture_upto)
        view = KafkaView(bootstrap, prefix)
        try:
            picture = await view.start()
            assert view.rebuilt_seq == picture.seq == picture_upto
            hub = FeedHub(picture)
            follower = asyncio.create_task(view.follow(hub))
            later = synthetic_deltas(501, 520)  # written while the view follows
            await write_transactions(bootstrap, prefix, later, 0)
            deadline = time.monotonic() + 30
            while hub.picture.seq < 520 and time.monotonic() < deadline and not follower.done():
                await asyncio.sleep(0.1)
            follower.cancel()
            stats = hub.stats()
            got = {"seq": picture.seq, "closures": picture.closures, "rejected": list(picture.rejected)}
            second = KafkaView(bootstrap, prefix)  # another instance on the same topics
            try:
                await second.start()
            finally:
                await second.stop()
            return got, stats, view.epoch, second.epoch
        finally:
            await view.stop()

    got, stats, epoch, second_epoch = asyncio.run(go())
    assert got == folded(synthetic_deltas(1, 520))
    assert "POISON" not in got["closures"]
    assert stats["history_from_seq"] == picture_upto + 1 and stats["gaps"] == 0 and stats["redelivered"] == 0
    assert epoch == second_epoch and len(epoch) == 12


def test_a_feed_that_lost_deltas_the_picture_does_not_cover_is_refused(
    kafka_broker: KafkaBroker, unique_name: Any
) -> None:
    bootstrap, prefix = kafka_broker.bootstrap, unique_name("gap") + "."
    ensure_topics(bootstrap, prefix)
    asyncio.run(write_transactions(bootstrap, prefix, synthetic_deltas(1, 100), 20))
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="api-kafka-tests")
    try:  # retention: the feed's first 55 records (50 deltas and their commit markers) are gone
        admin.delete_records({SyncTopicPartition(topics.physical(topics.FEED, prefix), 0): 55})
    finally:
        admin.close()

    async def go() -> None:
        view = KafkaView(bootstrap, prefix)
        try:
            await view.start(attempts=2)
        finally:
            await view.stop()

    with pytest.raises(ViewError, match=r"feed: the deltas after seq 20 are no longer retained, 2 times"):
        asyncio.run(go())


class NoCommands:
    async def submit(self, command: contract.Command) -> None:
        raise AssertionError("the embedded reference takes no commands")


@pytest.fixture
def embedded_api(core: Core) -> Iterator[tuple[TestClient, list[dict[str, Any]]]]:
    """The embedded run's final picture behind the same API: the reference every instance must equal."""
    deltas = kit.embedded_deltas(core, load_scenario(SCENARIO))
    picture = Picture()
    hub = FeedHub(picture)
    app = create_app(
        picture=picture,
        hub=hub,
        regions=core.regions,
        commands=NoCommands(),
        access=AccessPolicy.demo(),
        fleet=core.initial_fleet,
        words=core.words,  # as `ebrain api` speaks: with the playbooks' titles
    )
    for delta in deltas:
        hub.publish(delta)
    with TestClient(app) as client:
        yield client, deltas


def canonical(value: Any) -> Any:
    """A REST body or snapshot with every list as a sorted multiset: a rebuilt picture lists entities in the order
    of their latest change, a fold in the order of their first (docs/api.md, On Kafka)."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items() if k != "epoch"}
    if isinstance(value, list):
        return sorted((canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def assert_same_view(instance: kit.ApiInstance, reference: TestClient, name: str) -> None:
    for who, token in TOKENS.items():
        for path in READS:
            got, want = instance.get(path, token), reference.get(path, headers={"Authorization": f"Bearer {token}"})
            assert got.status_code == want.status_code, f"{name} {who} {path}: {got.status_code} {got.text[:300]}"
            assert canonical(got.json()) == canonical(want.json()), f"{name} {who} {path} differs"
        with instance.feed(token) as ws:
            snapshot = json.loads(ws.recv(timeout=30))
        with reference.websocket_connect(f"/ws/feed?token={token}") as ws:
            expected = ws.receive_json()
        assert snapshot["type"] == "snapshot" and snapshot["seq"] == expected["seq"], (name, who, snapshot["seq"])
        assert snapshot["at_ms"] == expected["at_ms"]
        for kind in SNAPSHOT_LISTS:
            assert canonical(snapshot[kind]) == canonical(expected[kind]), f"{name} {who} snapshot {kind} differs"


def expected_counts() -> dict[str, int]:
    """What ingest counts for the replay: every message accepted, ticks on every source partition."""
    steps = list(plan(load_scenario(SCENARIO)))
    messages = sum(1 for s in steps if s.entry is not None)
    ticks = sum(1 for s in steps if s.entry is None) * len(topics.tick_sources())
    return {"received": messages, "accepted": messages, "rejected": 0, "duplicates": 0, "ticks": ticks} | {
        "dead_letters": 0
    }


def wait_for_counts(instance: kit.ApiInstance, wanted: dict[str, int], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    got: Any = None
    while time.monotonic() < deadline:
        got = instance.get("/api/counts").json()["runtime"]
        if got == wanted:
            return
        time.sleep(0.5)
    raise AssertionError(f"/api/counts runtime {got} != {wanted}")


def read_resumed(instance: kit.ApiInstance, since: int, epoch: str, count: int) -> list[dict[str, Any]]:
    """Connect with since/epoch: a `resumed` message, then `count` deltas, then nothing but heartbeats."""
    with instance.feed(query=f"&since={since}&epoch={epoch}") as ws:
        hello = json.loads(ws.recv(timeout=30))
        assert hello["type"] == "resumed" and hello["since"] == since and hello["epoch"] == epoch, hello
        deltas = [json.loads(ws.recv(timeout=30)) for _ in range(count)]
        try:
            extra = json.loads(ws.recv(timeout=2))
        except TimeoutError:
            extra = None
    assert extra is None or extra["type"] == "heartbeat", f"more than the missed deltas: {extra}"
    return deltas


def test_api_instances_rebuild_share_the_feed_and_carry_commands(
    kafka_broker: KafkaBroker, embedded_api: tuple[TestClient, list[dict[str, Any]]], tmp_path: Path
) -> None:
    reference, expected = embedded_api
    bootstrap, prefix = kafka_broker.bootstrap, f"api-kafka-{os.getpid()}."
    last = expected[-1]["seq"]
    # most of the scenario first: the deltas stamped before its last tick are then certain to come
    cut = expected[int(len(expected) * 0.8)]["at_ms"]
    first, rest = kit.split_at(load_scenario(SCENARIO), cut)
    before = max(s.at_ms for s in first if s.entry is None)
    early = sum(1 for d in expected if d["at_ms"] < before)
    worker: kit.Worker = kit.start_worker(bootstrap, prefix, tmp_path)
    instances: list[kit.ApiInstance] = []
    try:

        async def produce(steps: Any) -> None:
            async with kit.Ingress(bootstrap, prefix) as ingress:
                await ingress.send(steps)

        asyncio.run(produce(first))
        asyncio.run(kit.wait_for_deltas(bootstrap, prefix, early, [worker]))
        one = kit.ApiInstance(bootstrap, prefix, tmp_path, "api-1")
        instances.append(one)
        one.wait_for_seq(early)  # listening: the view is rebuilt
        asyncio.run(produce(rest))
        one.wait_for_seq(last)
        assert_same_view(one, reference, "instance 1 (started mid-stream)")

        two = kit.ApiInstance(bootstrap, prefix, tmp_path, "api-2")
        instances.append(two)
        two.wait_for_seq(last)
        assert_same_view(two, reference, "instance 2 (started after the end)")
        for instance in instances:
            wait_for_counts(instance, expected_counts())

        with one.feed() as ws:
            snapshot = json.loads(ws.recv(timeout=30))
        since, epoch = snapshot["seq"], snapshot["epoch"]
        assert since == last
        # the scenario's own operator acknowledged at +3 min, so the command is a change of response level
        level = "II" if two.get(f"/api/incidents/{INCIDENT}").json()["response_level"] != "II" else "I"
        posted = httpx.post(
            f"{two.base}/api/incidents/{INCIDENT}/level",
            headers={"Authorization": f"Bearer {TOKENS['joint']}"},
            json={"level": level, "reason": "second explosion risk"},
            timeout=30,
        )
        assert posted.status_code == 202, posted.text
        feed = asyncio.run(kit.read_feed(bootstrap, prefix, last + 1, timeout_s=60, settle_s=3))
        missed = [d for d in feed if d["seq"] > since]
        assert missed, f"the command made no delta; worker log:\n{worker.tail()}"
        for instance in instances:
            instance.wait_for_seq(missed[-1]["seq"])

        on_two = read_resumed(two, since, epoch, len(missed))
        on_one = read_resumed(one, since, epoch, len(missed))
        assert [(d["seq"], d["kind"], d["key"]) for d in on_two] == [(d["seq"], d["kind"], d["key"]) for d in missed]
        assert on_two == on_one

        timelines = [i.get(f"/api/incidents/{INCIDENT}/timeline").json()["entries"] for i in instances]
        decided = [
            [e for e in entries if e["kind"] == "decision" and e["data"]["rule"].endswith("@joint")]
            for entries in timelines
        ]
        assert len(decided[0]) == 1 and decided[0] == decided[1], decided
        assert decided[0][0]["summary"].endswith(f"→{level} (second explosion risk)"), decided[0][0]
        assert canonical(timelines[0]) == canonical(timelines[1])
        assert worker.alive(), worker.tail()
    finally:
        for instance in instances:
            instance.stop()
        worker.stop()
