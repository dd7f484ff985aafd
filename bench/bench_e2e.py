"""End-to-end latency: an event produced → its delta received on a command centre's websocket, at a steady
2,000 events/s, on the embedded runtime and on Kafka. Run: .venv/bin/python bench/bench_e2e.py

The load (synthetic, seeded): 99 % normal lifeline readings from 2,000 gas sensors across the theater's counties
(they move detector state but open nothing), 1 % gas-smell calls to 12345 in a random county, each of which opens
or joins an incident and so produces a delta. A call's latency is from the moment it is handed to the producer to
the moment the websocket client (its own process) first sees a delta carrying its event id. Ticks go to every
source partition every 100 ms, as a live clock would send them; the theater releases input at the watermark.

Printed beside each figure, its ceiling:
- embedded: the same websocket path with no pipeline (a delta published straight into the feed hub);
- Kafka: a raw aiokafka produce → consume round trip at the same rate (no worker, no exactly-once).
On Kafka the worker runs exactly-once by default, so a delta becomes visible (read_committed) only when its
transaction commits: the worker commits every 100 ms under exactly-once (WorkerConfig.commit_interval), and a
call crosses two commits (signals, then feed). The worker's own report of its commits (count, median, p99, max
every 10 s) is printed after the Kafka phases: the commit cost at that interval.

Bounded: each phase has a deadline; child processes are stopped at the end. Everything binds 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "demo-joint-3f9c1a7e"
MARK = re.compile(rb'"(E2E-\d+)"')
TICK_EVERY_S = 0.1
PROBE_SHARE = 100  # one call in this many events
KAFKA_SUSTAINED = 400.0  # a rate far below what one worker keeps up with: the latency floor, without queueing


# --- the websocket client (its own process) ------------------------------------------------------------


async def client_main(url: str, out: Path, seconds: float, stop: str) -> None:
    """Record the first arrival time of every marker seen on the feed; stop after `seconds` or on `stop`."""
    import websockets

    first: dict[str, float] = {}
    deadline = time.monotonic() + seconds
    async with websockets.connect(url, max_size=None) as ws:
        print("connected", flush=True)
        while time.monotonic() < deadline:
            try:
                text = await asyncio.wait_for(ws.recv(), timeout=max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                break
            now = time.time()
            raw = text.encode() if isinstance(text, str) else text
            for match in MARK.finditer(raw):
                first.setdefault(match.group(1).decode(), now)
            if stop.encode() in raw:
                break
    out.write_text(json.dumps(first))


async def start_client(port: int, out: Path, seconds: float, stop: str) -> subprocess.Popen[bytes]:
    url = f"ws://127.0.0.1:{port}/ws/feed?token={TOKEN}"  # one frame per delta, as latency is what counts
    proc = subprocess.Popen(
        [sys.executable, __file__, "--client", url, "--out", str(out), "--seconds", str(seconds), "--stop", stop],
        stdout=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    await asyncio.to_thread(proc.stdout.readline)  # "connected": the server in this loop must answer meanwhile
    return proc


# --- the load ----------------------------------------------------------------------------------------


class Load:
    """2,000 sensors and a stream of calls; event time is the wall clock (this is a live run, not a replay)."""

    def __init__(self, seed: int = 20240313) -> None:
        from geo.regions import RegionIndex

        regions = RegionIndex.load()
        rng = random.Random(seed)
        units = list(regions.units)
        self.sensors = []
        for n in range(2000):
            u = rng.choice(units)
            self.sensors.append((f"LL-{u.adcode}-GAS-{n:06d}", u.label_lon, u.label_lat))
        self.places = [(u.adcode, u.label_lon, u.label_lat, u.name) for u in units]
        self.rng = rng
        self.n = 0

    def next(self, now: float) -> tuple[str, str, bytes, str | None]:
        """(topic, key, value, marker or None) for the next event."""
        from streams.wire.timefmt import format_time_ms

        self.n += 1
        at = format_time_ms(int(now * 1000))
        if self.n % PROBE_SHARE == 0:
            mark = f"E2E-{self.n}"
            adcode, lon, lat, name = self.rng.choice(self.places)
            order = {
                "type": "hotline.work_order",
                "schema_version": "1.0",
                "event_id": mark,
                "order_id": mark,
                "hotline": adcode[:2] + "0000",
                "received_at": at,
                "category": "求助",
                "urgency": "紧急",
                "content": f"{name}一小区楼道里燃气味很浓（合成负载）",
                "address": name,
                "position": {"lon": lon, "lat": lat, "crs": "WGS84"},
            }
            return "ingest.hotline", mark, json.dumps(order, ensure_ascii=False).encode(), mark
        device, lon, lat = self.sensors[self.n % len(self.sensors)]
        value = self.rng.uniform(0.0, 2.0)
        reading = (
            f'{{"type":"sensor.reading","schema_version":"1.0","event_id":"r{self.n}","device_id":"{device}",'
            f'"kind":"gas_lel","value":{value:.1f},"unit":"%LEL","observed_at":"{at}",'
            f'"position":{{"lon":{lon:.5f},"lat":{lat:.5f},"crs":"WGS84"}}}}'
        )
        return "ingest.sensor", device, reading.encode(), None


async def drive(
    produce: Callable[[str, str, bytes], Awaitable[None]],
    tick: Callable[[int], Awaitable[None]],
    rate: float,
    seconds: float,
    sent: dict[str, float],
) -> float:
    """Produce at a steady `rate` for `seconds` (in 10 ms slots), ticking every 100 ms; returns the rate reached."""
    load = Load()
    start = time.monotonic()
    total = int(rate * seconds)
    done = 0
    next_tick = 0.0
    while done < total:
        elapsed = time.monotonic() - start
        due = min(total, int(elapsed * rate) + 1)
        while done < due:
            topic, key, value, mark = load.next(time.time())
            if mark is not None:
                sent[mark] = time.time()
            await produce(topic, key, value)
            done += 1
        if elapsed >= next_tick:
            await tick(int(time.time() * 1000))
            next_tick += TICK_EVERY_S
        await asyncio.sleep(0.01)
    achieved = done / (time.monotonic() - start)
    for _ in range(30):  # let the watermark pass the last call
        await asyncio.sleep(TICK_EVERY_S)
        await tick(int(time.time() * 1000))
    return achieved


def latencies(sent: dict[str, float], seen: dict[str, float]) -> np.ndarray:
    return np.array([(seen[k] - t) * 1000 for k, t in sent.items() if k in seen])


def report(label: str, lat: np.ndarray, sent: int, ceiling: str = "") -> str:
    if len(lat) == 0:
        return f"  {label:<44} no deltas seen ({sent} calls sent)"
    p50, p99 = np.percentile(lat, [50, 99])
    line = f"  {label:<44} p50 {p50:8.1f} ms   p99 {p99:8.1f} ms   ({len(lat)}/{sent} calls seen)"
    return line + (f"   {ceiling}" if ceiling else "")


# --- the API server in this process ------------------------------------------------------------------


async def serve(core: Any, port: int) -> tuple[Any, Any, Any]:
    import uvicorn

    from dashboard_api import AccessPolicy, FeedHub, Picture, create_app

    picture = Picture()
    hub = FeedHub(picture)

    class NoCommands:
        async def submit(self, command: Any) -> None:
            return None

    app = create_app(picture=picture, hub=hub, regions=core.regions, commands=NoCommands(), access=AccessPolicy.demo())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    return hub, server, task


def publish_safely(hub: Any) -> Callable[[Any], None]:
    """Deltas of a kind this API version does not know are left out of the feed, not fatal to the bench."""
    from dashboard_api import DeltaError

    def publish(delta: Any) -> None:
        with contextlib.suppress(DeltaError):
            hub.publish(delta)

    return publish


def stop_marker(seq: int, at_ms: int, name: str) -> dict[str, Any]:
    return {"seq": seq, "at_ms": at_ms, "kind": "rejected", "key": name, "data": f"{name}: end of the phase"}


# --- embedded ----------------------------------------------------------------------------------------


async def run_embedded(rate: float, seconds: float, port: int, tmp: Path) -> list[str]:
    from ebrain.broker import free_port
    from ebrain.compose import build_core, embedded_runtime
    from ebrain.settings import Settings

    core = build_core(Settings())
    lines = []
    hub, server, task = await serve(core, port)

    # ceiling: the websocket path alone, a delta published straight into the hub per call
    out = tmp / "ceiling.json"
    client = await start_client(port, out, seconds + 30, "E2E-STOP-ceiling")
    sent: dict[str, float] = {}
    seq = 0

    async def ceiling_produce(topic: str, key: str, value: bytes) -> None:
        nonlocal seq
        if key.startswith("E2E-"):
            seq += 1
            hub.publish(
                {"seq": seq, "at_ms": int(time.time() * 1000), "kind": "rejected", "key": key, "data": f"{key} ceiling"}
            )

    async def no_tick(at_ms: int) -> None:
        return None

    await drive(ceiling_produce, no_tick, rate, seconds, sent)
    hub.publish(stop_marker(seq + 1, int(time.time() * 1000), "E2E-STOP-ceiling"))
    await asyncio.to_thread(client.wait, 60)
    ceiling = latencies(sent, json.loads(out.read_text()))
    await stop_server(server, task)

    port = free_port()
    hub, server, task = await serve(core, port)
    runtime = embedded_runtime(core)
    runtime.sinks.append(publish_safely(hub))
    await runtime.start()
    out = tmp / "embedded.json"
    client = await start_client(port, out, seconds + 60, "E2E-STOP-embedded")
    sent = {}
    achieved = await drive(runtime.produce, runtime.produce_tick, rate, seconds, sent)
    await runtime.drain()
    hub.publish(stop_marker(hub.picture.seq + 1, hub.picture.at_ms, "E2E-STOP-embedded"))
    await asyncio.to_thread(client.wait, 60)
    seen = json.loads(out.read_text())
    await runtime.stop()
    await stop_server(server, task)
    lines.append(f"embedded runtime, {achieved:,.0f} events/s for {seconds:.0f} s:")
    lines.append(report("produced → delta on the websocket", latencies(sent, seen), len(sent)))
    lines.append(report("ceiling: hub.publish → websocket only", ceiling, len(sent)))
    return lines


async def stop_server(server: Any, task: Any) -> None:
    server.should_exit = True
    with contextlib.suppress(asyncio.CancelledError, TimeoutError):
        await asyncio.wait_for(task, timeout=10)


# --- Kafka -------------------------------------------------------------------------------------------


async def raw_round_trip(bootstrap: str, rate: float, seconds: float) -> np.ndarray:
    """The ceiling: produce to a one-partition topic and consume it back, nothing in between."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    from kafka.admin import KafkaAdminClient, NewTopic

    name = f"bench-raw-{os.getpid()}-{int(time.time())}"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    admin.create_topics([NewTopic(name, 1, 1)])
    admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5)
    consumer = AIOKafkaConsumer(name, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None)
    await producer.start()
    await consumer.start()
    sent: dict[str, float] = {}
    seen: dict[str, float] = {}

    async def produce(topic: str, key: str, value: bytes) -> None:
        await producer.send(name, value=key.encode() if key.startswith("E2E-") else b"x", key=key.encode())

    async def no_tick(at_ms: int) -> None:
        return None

    async def consume() -> None:
        while True:
            batch = await consumer.getmany(timeout_ms=100)
            now = time.time()
            for records in batch.values():
                for r in records:
                    if r.value.startswith(b"E2E-"):
                        seen.setdefault(r.value.decode(), now)

    reader = asyncio.create_task(consume())
    await drive(produce, no_tick, rate, seconds, sent)
    await producer.flush()
    await asyncio.sleep(2)
    reader.cancel()
    await producer.stop()
    await consumer.stop()
    return latencies(sent, seen)


async def feed_into_hub(bootstrap: str, prefix: str, hub: Any, stop: asyncio.Event) -> None:
    """What an API instance does on Kafka: read the feed topic (committed only) and publish into its hub."""
    import msgspec
    from aiokafka import AIOKafkaConsumer

    from streams.wire import topics

    consumer = AIOKafkaConsumer(
        topics.physical(topics.FEED, prefix),
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        group_id=None,
        isolation_level="read_committed",
    )
    await consumer.start()
    publish = publish_safely(hub)
    try:
        while not stop.is_set():
            batch = await consumer.getmany(timeout_ms=50)
            for records in batch.values():
                for r in records:
                    publish(msgspec.json.decode(r.value))
    finally:
        await consumer.stop()


async def run_kafka(bootstrap: str, rate: float, seconds: float, port: int, tmp: Path, guarantee: str) -> list[str]:
    from bench_ingest import worker_command

    from ebrain.compose import build_core
    from ebrain.settings import Settings
    from streams.runtime.faust_app import ensure_topics
    from streams.runtime.kafka_io import KafkaIngress

    lines = []
    raw = await raw_round_trip(bootstrap, rate, seconds)
    prefix = f"bench-e2e-{os.getpid()}-{int(time.time())}."
    ensure_topics(bootstrap, prefix)
    log = (tmp / "worker.log").open("wb")
    worker = subprocess.Popen(
        worker_command(bootstrap, tmp / "worker", prefix, guarantee),
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    try:
        core = build_core(Settings())
        hub, server, task = await serve(core, port)
        stop = asyncio.Event()
        reader = asyncio.create_task(feed_into_hub(bootstrap, prefix, hub, stop))
        ingress = KafkaIngress(bootstrap, prefix)
        await ingress.start()
        await warm_up(ingress, hub)
        # a low rate first (the latency floor), then the target rate
        for phase_rate in sorted({min(rate, KAFKA_SUSTAINED), rate}):
            name = f"E2E-STOP-{phase_rate:.0f}"
            out = tmp / f"kafka-{phase_rate:.0f}.json"
            client = await start_client(port, out, seconds + 300, name)
            sent: dict[str, float] = {}
            achieved = await drive(ingress.produce, ingress.produce_tick, phase_rate, seconds, sent)
            await ingress.flush()
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and not set(list(sent)[-3:]) <= hub_marks(hub):
                await ingress.produce_tick(int(time.time() * 1000))
                await asyncio.sleep(0.5)
            hub.publish(stop_marker(hub.picture.seq + 1, hub.picture.at_ms, name))
            await asyncio.to_thread(client.wait, 60)
            seen = json.loads(out.read_text())
            lines.append(f"Kafka, one worker {guarantee}, {achieved:,.0f} events/s for {seconds:.0f} s:")
            lines.append(report("produced → delta on the websocket", latencies(sent, seen), len(sent)))
        await ingress.stop()
        stop.set()
        await reader
        await stop_server(server, task)
    finally:
        from ebrain.kafka_kit import stop_process

        stop_process(worker, 20.0)
        log.close()
    lines.append(report("ceiling: raw aiokafka produce → consume", raw, int(rate * seconds) // PROBE_SHARE))
    # the worker reports its commits every 10 s under exactly-once: what a commit costs at the interval it runs
    commits = [line.split("] ")[-1] for line in (tmp / "worker.log").read_text(errors="replace").splitlines()]
    lines += [f"  worker: {line}" for line in commits if line.startswith("commits:")]
    return lines


def hub_marks(hub: Any) -> set[str]:
    return {key for incident in hub.picture.incidents.values() for key in _evidence_ids(incident)}


def _evidence_ids(incident: dict[str, Any]) -> list[str]:
    return [str(s.get("signal_id")) for s in incident.get("evidence", [])]


async def warm_up(ingress: Any, hub: Any) -> None:
    """Wait until the worker has joined its group and answers (a tick round trip through the theater)."""
    deadline = time.monotonic() + 180
    start_seq = hub.picture.seq
    n = 0
    while time.monotonic() < deadline:
        n += 1
        order = {
            "type": "hotline.work_order",
            "schema_version": "1.0",
            "event_id": f"warm-{n}",
            "order_id": f"warm-{n}",
            "hotline": "130000",
            "received_at": _now_text(),
            "category": "咨询",
            "urgency": "一般",
            "content": "燕郊燃气味（预热）",
            "address": "三河市燕郊镇",
            "position": {"lon": 116.81, "lat": 39.96, "crs": "WGS84"},
        }
        await ingress.produce("ingest.hotline", f"warm-{n}", json.dumps(order, ensure_ascii=False).encode())
        for _ in range(10):
            await ingress.produce_tick(int(time.time() * 1000))
            await asyncio.sleep(0.5)
            if hub.picture.seq > start_seq:
                return
    raise RuntimeError("the worker did not answer within 180 s")


def _now_text() -> str:
    from streams.wire.timefmt import format_time_ms

    return format_time_ms(int(time.time() * 1000))


# --- main --------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description="end-to-end latency at a steady rate, embedded and Kafka")
    parser.add_argument("--rate", type=float, default=2000.0, help="events per second")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--runtime", choices=["embedded", "kafka", "both"], default="both")
    parser.add_argument("--guarantee", choices=["exactly_once", "at_least_once"], default="exactly_once")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--stop", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        asyncio.run(client_main(args.client, Path(args.out), args.seconds, args.stop))
        return
    from ebrain.broker import free_port
    from ebrain.kafka_kit import bench_broker

    print(
        f"end to end at {args.rate:,.0f} events/s (1 in {PROBE_SHARE} a call that produces a delta), "
        f"ticks every {TICK_EVERY_S * 1000:.0f} ms; websocket client in its own process; "
        f"load average {os.getloadavg()[0]:.1f} at the start ({os.cpu_count()} cores)"
    )
    with tempfile.TemporaryDirectory(prefix="ebrain-e2e-") as tmp:
        if args.runtime in ("embedded", "both"):
            for line in asyncio.run(run_embedded(args.rate, args.seconds, free_port(), Path(tmp))):
                print(line, flush=True)
        if args.runtime in ("kafka", "both"):
            with bench_broker(Path(tmp) / "kafka") as bootstrap:
                lines = asyncio.run(
                    run_kafka(bootstrap, args.rate, args.seconds, free_port(), Path(tmp), args.guarantee)
                )
                for line in lines:
                    print(line, flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
