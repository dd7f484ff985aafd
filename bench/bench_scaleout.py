"""Scale-out: ingest throughput with one and with two workers on the partitioned sensor topic (4 partitions),
beside a raw consumer reading the same records. Run: .venv/bin/python bench/bench_scaleout.py

For each worker count: the workers start and form their group first; then a burst of synthetic normal readings
from 2,000 gas sensors is produced to `ingest.sensor` (keys spread by murmur2 over the 4 partitions) and the
group's committed offsets are sampled every 0.5 s. Throughput is records committed per second over the window
from the first commit to the last, so start-up and group formation are not counted. Workers run exactly-once,
as deployed; `--guarantee at_least_once` shows what the transactions cost.

What this machine can show is bounded by it: workers, the broker and the producer share its cores, so a second
worker helps only as far as a core is free (see docs/scaling.md for what grows with more machines).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVICES = 2000


def readings(count: int, seed: int = 7) -> Iterator[tuple[bytes, bytes]]:
    from geo.regions import RegionIndex
    from streams.wire.timefmt import format_time_ms

    rng = random.Random(seed)
    units = list(RegionIndex.load().units)
    sensors = []
    for n in range(DEVICES):
        u = rng.choice(units)
        sensors.append((f"LL-{u.adcode}-GAS-{n:06d}", u.label_lon, u.label_lat))
    start_ms = int(time.time() * 1000)
    for n in range(count):
        device, lon, lat = sensors[n % DEVICES]
        at = format_time_ms(start_ms + n)
        value = (
            f'{{"type":"sensor.reading","schema_version":"1.0","event_id":"s{n}","device_id":"{device}",'
            f'"kind":"gas_lel","value":{rng.uniform(0, 2):.1f},"unit":"%LEL","observed_at":"{at}",'
            f'"position":{{"lon":{lon:.5f},"lat":{lat:.5f},"crs":"WGS84"}}}}'
        )
        yield device.encode(), value.encode()


async def produce(bootstrap: str, topic: str, count: int) -> float:
    from aiokafka import AIOKafkaProducer

    from streams.wire import topics

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20, max_batch_size=256 * 1024)
    await producer.start()
    started = time.monotonic()
    try:
        for key, value in readings(count):
            partition = topics.partition_for(key.decode(), topics.INGEST_SENSOR.partitions)
            await producer.send(topic, value=value, key=key, partition=partition)
        await producer.flush()
    finally:
        await producer.stop()
    return count / (time.monotonic() - started)


def committed(admin: object, group: str, topic: str) -> int:
    offsets = admin.list_group_offsets({group: None})  # type: ignore[attr-defined]
    per_group = offsets.get(group, offsets) if isinstance(offsets, dict) else {}
    return sum(max(0, meta.offset) for tp, meta in per_group.items() if getattr(tp, "topic", None) == topic)


def group_members(admin: object, group: str) -> int:
    try:
        described = admin.describe_groups([group])[group]  # type: ignore[attr-defined]
    except Exception:
        return 0
    if described.get("group_state") != "Stable":
        return 0
    return sum(
        1
        for m in described.get("members") or []
        if any(e["partitions"] for e in (m.get("member_assignment") or {}).get("assigned_partitions", []))
    )


def run_workers(bootstrap: str, count: int, messages: int, tmp: Path, guarantee: str) -> tuple[float, float]:
    """(records/s committed by `count` workers, producer records/s)."""
    from bench_ingest import worker_command
    from kafka.admin import KafkaAdminClient

    from streams.runtime.faust_app import ensure_topics
    from streams.wire import topics

    prefix = f"scale{count}-{os.getpid()}-{int(time.time())}."
    ensure_topics(bootstrap, prefix)
    group = topics.pipeline_id(prefix)
    topic = topics.physical(topics.INGEST_SENSOR, prefix)
    env = {**os.environ, "BROKER_SESSION_TIMEOUT": "10", "BROKER_HEARTBEAT_INTERVAL": "1"}
    procs = []
    logs = []
    for n in range(count):
        log = (tmp / f"{prefix}{n}.log").open("wb")
        logs.append(log)
        command = worker_command(bootstrap, tmp / f"{prefix}{n}", prefix, guarantee)
        procs.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=env))
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        deadline = time.monotonic() + 240
        while group_members(admin, group) < count:
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise RuntimeError(f"{count} worker(s) did not form a stable group; logs in {tmp}")
            time.sleep(1)
        produced_rate = asyncio.run(produce(bootstrap, topic, messages))
        samples: list[tuple[float, int]] = []
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            done = committed(admin, group, topic)
            samples.append((time.monotonic(), done))
            if done >= messages:
                break
            time.sleep(0.5)
        moving = [(t, c) for t, c in samples if c > 0]
        if len(moving) < 2 or moving[-1][1] < messages:
            raise RuntimeError(f"{count} worker(s) committed {samples[-1][1]} of {messages} in time; logs in {tmp}")
        (t0, c0), (t1, c1) = moving[0], moving[-1]
        return (c1 - c0) / (t1 - t0), produced_rate
    finally:
        admin.close()
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        for log in logs:
            log.close()


async def raw_consumer_rate(bootstrap: str, messages: int) -> float:
    """The ceiling: a bare aiokafka consumer reading the same number of records from a 4-partition topic."""
    from aiokafka import AIOKafkaConsumer
    from kafka.admin import KafkaAdminClient, NewTopic

    topic = f"scale-raw-{os.getpid()}-{int(time.time())}"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    admin.create_topics([NewTopic(topic, 4, 1)])
    admin.close()
    await produce(bootstrap, topic, messages)
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    seen = 0
    started = time.monotonic()
    try:
        while seen < messages:
            batch = await consumer.getmany(timeout_ms=500, max_records=5000)
            seen += sum(len(records) for records in batch.values())
    finally:
        await consumer.stop()
    return messages / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description="ingest throughput with one and two workers")
    # enough for several commits (every 2.8 s) at the rate one worker reaches
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--guarantee", choices=["exactly_once", "at_least_once"], default="exactly_once")
    args = parser.parse_args()
    print(
        f"scale-out: {args.messages:,} sensor readings on ingest.sensor (4 partitions), workers {args.guarantee}, "
        f"{os.cpu_count()} cores shared by broker, producer and workers"
    )
    from ebrain.kafka_kit import bench_broker

    with tempfile.TemporaryDirectory(prefix="ebrain-scale-") as tmp, bench_broker(Path(tmp) / "kafka") as bootstrap:
        raw = asyncio.run(raw_consumer_rate(bootstrap, args.messages))
        rates = {}
        for count in (1, 2):
            rates[count], produced = run_workers(bootstrap, count, args.messages, Path(tmp), args.guarantee)
            print(
                f"  {count} worker{'s' if count > 1 else ' '}  {rates[count]:10,.0f} readings/s committed"
                f"   (producer {produced:,.0f}/s)",
                flush=True,
            )
        print(f"  two workers / one: x{rates[2] / rates[1]:.2f}")
        print(f"  ceiling: raw aiokafka consumer {raw:10,.0f} records/s (no processing, no commits)")


if __name__ == "__main__":
    main()
