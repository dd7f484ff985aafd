"""Start-up of an API instance on Kafka: the view rebuilt from the compacted `picture` topic, beside the naive
alternative, folding the whole `feed` topic from its first delta. Run: .venv/bin/python bench/bench_api_start.py

The load (synthetic, seeded): a long-running theater's history of `--deltas` deltas over `--entities` entities
(incidents, tasks, responders, notifications, mutual-aid exchanges, closures), each delta a copy of a real one from
the Yanjiao scenario's embedded run under the entity's own id, written as the worker writes them: in transactions,
to `feed` (an incident's delta with what changed of its evidence) and, keyed `<kind>/<key>`, to `picture` (the same
delta whole: an incident with all its evidence). Three figures, each the time from nothing to a picture ready to
serve (topics read committed, records decoded and applied):
- the picture topic as the cleaner leaves it (the latest delta of each entity only), as `ebrain api` meets it;
- the picture topic before any compaction (every version still there; the cleaner is held back): the worst case;
- the naive alternative: the feed from its first delta, folded.
Everything binds 127.0.0.1; a broker of its own is started unless EBRAIN_BENCH_BROKER names one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


Template = tuple[dict[str, Any], dict[str, Any]]  # a delta as the feed carries it, and as the picture keeps it


def templates() -> dict[str, list[Template]]:
    """Real deltas by kind, from the embedded run of the Yanjiao scenario."""
    import asyncio

    from ebrain.compose import build_core, embedded_runtime
    from ebrain.settings import Settings
    from scenarios.model import load_scenario
    from scenarios.run import replay_embedded
    from streams.wire.envelope import delta_to_builtins

    core = build_core(Settings())
    scenario = load_scenario(ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml")
    deltas = asyncio.run(replay_embedded(scenario, embedded_runtime(core))).deltas
    by_kind: dict[str, list[Template]] = {}
    for delta in deltas:
        feed = delta_to_builtins(delta)
        if isinstance(feed["data"], dict):
            by_kind.setdefault(delta.kind, []).append((feed, delta_to_builtins(delta, whole=True)))
    return by_kind


def history(count: int, entities: int, by_kind: dict[str, list[Template]], seed: int = 7) -> list[tuple[bytes, bytes]]:
    """`count` deltas (for the feed, for the picture); entity n is of the n-th kind in turn; which entity changes
    next is drawn at random."""
    import msgspec

    rng = random.Random(seed)
    kinds = sorted(by_kind)
    out = []
    for seq in range(1, count + 1):
        n = rng.randrange(entities)
        kind = kinds[n % len(kinds)]
        template = rng.choice(by_kind[kind])
        key = f"{kind}-{n:06d}"
        pair = []
        for form in template:
            data = dict(form["data"])
            for field in ("id", "identifier", "request_id"):
                if field in data:
                    data[field] = key
            delta = {"seq": seq, "at_ms": form["at_ms"] + seq, "kind": kind, "key": key, "data": data}
            pair.append(msgspec.json.encode(delta))
        out.append((pair[0], pair[1]))
    return out


async def write(bootstrap: str, prefix: str, deltas: list[tuple[bytes, bytes]], picture_latest_only: bool) -> None:
    import msgspec
    from aiokafka import AIOKafkaProducer

    from streams.wire import topics

    feed, picture = topics.physical(topics.FEED, prefix), topics.physical(topics.PICTURE, prefix)
    keys = [
        f"{d['kind']}/{d['key']}".encode() for d in (msgspec.json.decode(raw, type=dict[str, Any]) for raw, _ in deltas)
    ]
    last = {key: i for i, key in enumerate(keys)}
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, transactional_id=f"{prefix}bench", linger_ms=5, max_batch_size=1 << 20
    )
    await producer.start()
    try:
        for start in range(0, len(deltas), 500):
            async with producer.transaction():
                for i in range(start, min(start + 500, len(deltas))):
                    await producer.send(feed, deltas[i][0], key=b"jingjinji")
                    if not picture_latest_only or last[keys[i]] == i:
                        await producer.send(picture, deltas[i][1], key=keys[i])
    finally:
        await producer.stop()


def hold_back_cleaner(bootstrap: str, prefix: str) -> None:
    """The worst case's picture topic, created before the others: the cleaner leaves records younger than a day."""
    from kafka.admin import KafkaAdminClient, NewTopic

    from streams.wire import topics

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="bench-api-start")
    try:
        configs = {"cleanup.policy": "compact", "min.compaction.lag.ms": str(24 * 3_600_000)}
        admin.create_topics([NewTopic(topics.physical(topics.PICTURE, prefix), 1, 1, topic_configs=configs)])
    finally:
        admin.close()


async def rebuild(bootstrap: str, prefix: str) -> tuple[float, int, int]:
    from dashboard_api.kafka_view import KafkaView

    view = KafkaView(bootstrap, prefix)
    started = time.perf_counter()
    try:
        picture = await view.start()
        return time.perf_counter() - started, picture.seq, view.entities
    finally:
        await view.stop()


async def fold_feed(bootstrap: str, prefix: str) -> tuple[float, int, int]:
    """The naive start: every committed delta of the feed from its beginning, applied in order."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from dashboard_api.deltas import delta_from_json
    from dashboard_api.picture import Picture
    from streams.wire import topics

    tp = TopicPartition(topics.physical(topics.FEED, prefix), 0)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, isolation_level="read_committed"
    )
    await consumer.start()
    started = time.perf_counter()
    picture = Picture()
    try:
        consumer.assign([tp])
        end = (await consumer.end_offsets([tp]))[tp]
        consumer.seek(tp, (await consumer.beginning_offsets([tp]))[tp])
        while await consumer.position(tp) < end:
            batch = await consumer.getmany(tp, timeout_ms=500, max_records=5000)
            for record in batch.get(tp, ()):
                picture.apply(delta_from_json(record.value))
        entities = sum(len(m) for m in (picture.incidents, picture.tasks, picture.responders, picture.notifications))
        entities += sum(len(m) for m in (picture.warnings, picture.mutual_aid, picture.closures))
        entities += len(picture.casualty_routings)
        return time.perf_counter() - started, picture.seq, entities
    finally:
        await consumer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="API start-up on Kafka: rebuild from the picture topic vs the feed")
    parser.add_argument("--deltas", type=int, default=60_000)
    parser.add_argument("--entities", type=int, default=3_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from ebrain.kafka_kit import bench_broker
    from streams.runtime.faust_app import ensure_topics

    deltas = history(args.deltas, args.entities, templates())
    size, whole = sum(len(f) for f, _ in deltas), sum(len(p) for _, p in deltas)
    print(
        f"API start-up on Kafka: {args.deltas:,} deltas ({size / 2**20:.0f} MiB on the feed, {whole / 2**20:.0f} MiB "
        f"whole) over {args.entities:,} entities, {os.cpu_count()} cores shared with the broker; load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    with tempfile.TemporaryDirectory(prefix="ebrain-api-start-") as tmp, bench_broker(Path(tmp) / "kafka") as bootstrap:
        stamp = f"{os.getpid()}-{int(time.time())}"
        compacted, uncompacted = f"bench-start-c-{stamp}.", f"bench-start-u-{stamp}."
        hold_back_cleaner(bootstrap, uncompacted)
        for prefix, latest_only in ((compacted, True), (uncompacted, False)):
            ensure_topics(bootstrap, prefix)
            asyncio.run(write(bootstrap, prefix, deltas, latest_only))
        figures = [
            ("rebuilt from the compacted picture topic", asyncio.run(rebuild(bootstrap, compacted))),
            ("rebuilt from the picture topic, not yet compacted", asyncio.run(rebuild(bootstrap, uncompacted))),
            ("naive: the feed folded from its first delta", asyncio.run(fold_feed(bootstrap, compacted))),
        ]
    naive = figures[-1][1][0]
    for what, (seconds, seq, entities) in figures:
        print(f"  {what:52s} {seconds:6.2f} s  (x{naive / seconds:5.1f} vs naive)  seq {seq:,}, {entities:,} entities")


if __name__ == "__main__":
    main()
