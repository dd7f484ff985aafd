"""Sensor ingest throughput, each figure beside its ceiling or naive alternative.

    .venv/bin/python bench/bench_ingest.py            # embedded: ingest.step on one core
    .venv/bin/python bench/bench_ingest.py --kafka    # also the Kafka runtime, on a broker this script starts

The mix: 10,000 devices spread over the theater, the eight sensor kinds, 1 % of devices alarming, one reading a
device a minute of event time, a tick a minute; a normal device drifts by at most 2 % of its normal band a minute
(`--jumpy`: drawn anew across the band, which sets off rate-of-change alarms on ~8 % of readings). Every reading is
decoded, normalised (located, timed, device id checked), de-duplicated and run through its device's state machine.

Embedded figures (readings per CPU-second of this process, and per wall-second):
- ceiling: decoding alone (msgspec into the contract's Structs), nothing else;
- ingest.step on single-reading messages (target >= 100,000/s on one core);
- ingest.step on gateway batches of 100 readings;
- naive: ingest.step with no memo, a point-in-polygon region look-up for every reading.

Kafka figures (records/s from committed consumer offsets, start-up excluded; readings/s beside them), all on the
same topic, for each processing guarantee asked for:
- ceiling 1: a plain aiokafka consumer reading it;
- ceiling 2: a Faust agent that does nothing, with the worker's settings and faust corrections, taking its input
  in batches as the worker does (and, beside it, one that iterates event by event);
- the pipeline worker (`ebrain worker`), its sensor ingest agent consuming the same readings;
- the worker again on gateway batches (100 readings a message, a form the contract allows): readings/s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import msgspec
from machine import cpu_model

from ebrain.compose import Core, build_core
from ebrain.settings import Settings
from streams import ingest
from streams.ingest.normalize import Memo, NormalizeContext
from streams.runtime.faust_app import WorkerConfig
from streams.wire import codec, contract, topics
from streams.wire.timefmt import format_time_ms

ROOT = Path(__file__).resolve().parents[1]
T0 = 1_690_623_000_000  # 2023-07-29T17:30:00+08:00
WORKER_BATCH = WorkerConfig(bootstrap="").batch_max
DRIFT = 0.02  # a normal sensor moves by at most this share of its normal band in a minute
NORMAL = {  # value range below the first tier, and an alarming value, per kind
    "gas_lel": ((0.0, 3.0), 30.0, "%LEL"),
    "water_depth": ((0.0, 10.0), 35.0, "cm"),
    "river_flow": ((50.0, 250.0), 950.0, "m3/s"),
    "pipe_pressure": ((0.29, 0.30), 0.22, "MPa"),
    "bridge_deflection": ((10.0, 50.0), 95.0, "%limit"),
    "building_tilt": ((5.0, 40.0), 90.0, "%allowed"),
    "manhole_cover": ((0.0, 3.0), 90.0, "deg"),
    "rain_gauge": ((0.0, 8.0), 60.0, "mm/h"),
}


def devices(core: Core, n: int, seed: int = 11) -> list[tuple[str, str, float, float, bool]]:
    rng = random.Random(seed)
    kinds = list(NORMAL)
    out: list[tuple[str, str, float, float, bool]] = []
    while len(out) < n:
        unit = core.regions.units[rng.randrange(len(core.regions.units))]
        lon, lat = unit.label_lon + rng.gauss(0, 0.03), unit.label_lat + rng.gauss(0, 0.03)
        located = core.regions.locate(lon, lat)
        if located is None:
            continue
        kind = kinds[len(out) % len(kinds)]
        code = contract.DEVICE_KIND_CODES[kind]
        device_id = f"LL-{located.adcode}-{code}-{len(out):06d}"
        out.append((device_id, kind, round(lon, 6), round(lat, 6), len(out) % 100 == 0))  # 1 % alarming
    return out


def reading(device: tuple[str, str, float, float, bool], at_ms: int, level: float) -> dict:
    device_id, kind, lon, lat, alarming = device
    _, alarm, unit = NORMAL[kind]
    return {
        "type": "sensor.reading",
        "schema_version": "1.0",
        "event_id": f"{device_id}@{at_ms}",
        "device_id": device_id,
        "kind": kind,
        "value": alarm if alarming else round(level, 3),
        "unit": unit,
        "observed_at": format_time_ms(at_ms),
        "position": {"lon": lon, "lat": lat, "crs": "WGS84"},
        "interval_s": 60,
    }


def drift(level: float, band: tuple[float, float], rng: random.Random, jumpy: bool) -> float:
    """A normal sensor's next reading: a step of at most DRIFT of its normal band, kept inside the band; `jumpy`
    draws it anew across the band instead, fast enough to set off rate-of-change alarms on ~8 % of readings."""
    low, high = band
    if jumpy:
        return rng.uniform(low, high)
    level += rng.uniform(-DRIFT, DRIFT) * (high - low)
    return min(high, max(low, level))


def stream(core: Core, n_devices: int, rounds: int, batch: int = 1, jumpy: bool = False) -> list[bytes]:
    """Messages in order: per round (a minute of event time) every device's reading, then a tick."""
    rng = random.Random(5)
    fleet = devices(core, n_devices)
    levels = [rng.uniform(*NORMAL[kind][0]) for _, kind, *_ in fleet]
    enc = msgspec.json.Encoder()
    out: list[bytes] = []
    for r in range(rounds):
        at = T0 + r * 60_000
        if r:
            levels = [drift(level, NORMAL[d[1]][0], rng, jumpy) for level, d in zip(levels, fleet, strict=True)]
        readings = [reading(d, at, level) for d, level in zip(fleet, levels, strict=True)]
        if batch == 1:
            out += [enc.encode(m) for m in readings]
        else:
            for k in range(0, len(readings), batch):
                chunk = readings[k : k + batch]
                gateway = {"type": "sensor.batch", "schema_version": "1.0", "event_id": f"gw{r}-{k}"}
                out.append(enc.encode({**gateway, "gateway_id": f"GW-{k // batch}", "readings": chunk}))
        out.append(enc.encode({"type": "tick", "schema_version": "1.0", "at": format_time_ms(at + 59_000)}))
    return out


def placed(messages: list[bytes]) -> list[tuple[int | None, bytes]]:
    """Each message with the sensor partition Kafka's default partitioner gives its key (None: a tick, for all)."""
    partitions = topics.INGEST_SENSOR.partitions
    out: list[tuple[int | None, bytes]] = []
    for raw in messages:
        if raw.startswith(b'{"type":"tick"'):
            out.append((None, raw))
        else:
            fields = msgspec.json.decode(raw)
            out.append((topics.partition_for(fields.get("device_id") or fields["gateway_id"], partitions), raw))
    return out


def measure(messages: list[bytes], ctx: ingest.IngestContext, readings: int) -> tuple[float, float, ingest.Counts]:
    """ingest.step over the sensor topic's partitions, each message on its key's partition (placed beforehand)."""
    parts = [ingest.IngestPartition.new("ingest.sensor", p, ctx) for p in range(topics.INGEST_SENSOR.partitions)]
    work = placed(messages)
    wall, cpu = time.perf_counter(), time.process_time()
    for offset, (partition, raw) in enumerate(work):
        for part in parts if partition is None else (parts[partition],):
            ingest.step(part, raw, offset, ctx)
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    return readings / cpu, readings / wall, ingest.total(parts)


def measure_decode(messages: list[bytes], readings: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for raw in messages:
        codec.decode_or_reason(raw)
    return readings / (time.process_time() - cpu), readings / (time.perf_counter() - wall)


def line(label: str, per_cpu: float, per_wall: float, note: str = "") -> None:
    print(f"  {label:<58} {per_cpu:>10,.0f}/s CPU {per_wall:>10,.0f}/s wall  {note}")


def embedded(core: Core, n_devices: int, rounds: int, jumpy: bool) -> None:
    n = n_devices * rounds
    single = stream(core, n_devices, rounds, jumpy=jumpy)
    batched = stream(core, n_devices, rounds, batch=100, jumpy=jumpy)
    print(f"embedded sensor path: {n:,} readings from {n_devices:,} devices over {rounds} minutes, 1 % alarming")
    line("ceiling: decode only (codec.decode_or_reason)", *measure_decode(single, n))
    per_cpu, per_wall, counts = measure(single, core.ingest, n)
    assert counts.received == counts.accepted == n, counts
    line("ingest.step, one reading a message, first sightings included", per_cpu, per_wall)
    # the same readings again on a fresh partition state: device positions are known (the memo is warm), as in
    # a system that has run for more than a minute
    per_cpu, per_wall, counts = measure(single, core.ingest, n)
    line("ingest.step, one reading a message, positions known", per_cpu, per_wall, "target >= 100,000/s")
    per_cpu, per_wall, counts = measure(batched, core.ingest, n)
    assert counts.accepted == n, counts
    line("ingest.step, gateway batches of 100", per_cpu, per_wall)
    naive_ctx = ingest.IngestContext(
        NormalizeContext(
            core.ingest.normalize.regions,
            core.ingest.normalize.gazetteer,
            core.ingest.normalize.topics,
            Memo(max_entries=1),
        ),
        core.ingest.thresholds,
        core.ingest.dedup,
    )
    short = single[: len(single) // 10]
    per_cpu, per_wall, _ = measure(short, naive_ctx, n // 10)
    line("naive: no memo, point-in-polygon per reading (1/10 of the run)", per_cpu, per_wall)


# --- Kafka -----------------------------------------------------------------------------------------------


async def produce(bootstrap: str, prefix: str, messages: list[bytes]) -> int:
    """Readings keyed by device id (gateway batches by gateway id), and each tick to every partition of every source
    topic (as the ingress does: the theater's watermark needs all of them). Returns how many records went to the
    sensor topic."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20, max_batch_size=512 * 1024, acks=1)
    await producer.start()
    sensor = 0
    partitions = topics.INGEST_SENSOR.partitions
    try:
        pending = []
        for raw in messages:
            if raw.startswith(b'{"type":"tick"'):
                targets = [
                    (topics.physical(spec, prefix), p) for spec in topics.SOURCES for p in range(spec.partitions)
                ]
                key = b"tick"
            else:
                fields = msgspec.json.decode(raw)
                sender = fields.get("device_id") or fields["gateway_id"]
                targets = [(topics.physical(topics.INGEST_SENSOR, prefix), topics.partition_for(sender, partitions))]
                key = sender.encode()
            for topic, partition in targets:
                pending.append(await producer.send(topic, raw, key=key, partition=partition))
                sensor += topic.endswith(topics.INGEST_SENSOR.name)
            if len(pending) >= 5000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return sensor


async def plain_consumer(bootstrap: str, topic: str, n: int) -> float:
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        max_poll_records=5000,
    )
    await consumer.start()
    try:
        seen = 0
        first = await consumer.getmany(timeout_ms=10_000)
        start = time.perf_counter()
        seen += sum(len(v) for v in first.values())
        while seen < n:
            batch = await consumer.getmany(timeout_ms=1000, max_records=5000)
            seen += sum(len(v) for v in batch.values())
        return (n - sum(len(v) for v in first.values())) / (time.perf_counter() - start)
    finally:
        await consumer.stop()


def committed(bootstrap: str, group: str, topic: str) -> int:
    from kafka.admin import KafkaAdminClient
    from kafka.errors import KafkaError

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="bench-offsets")
    try:
        offsets = admin.list_group_offsets({group: None}).get(group, {})
    except KafkaError:  # the group has no coordinator yet: nothing committed
        return 0
    finally:
        admin.close()
    return sum(meta.offset for tp, meta in offsets.items() if tp.topic == topic and meta.offset > 0)


def rate_of_group(
    proc: subprocess.Popen[bytes], log: Path, bootstrap: str, group: str, topic: str, n: int, timeout_s: float = 600.0
) -> float:
    """Records/s between the first commit and the last (start-up and table recovery excluded)."""
    deadline = time.monotonic() + timeout_s
    first: tuple[float, int] | None = None
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                text = log.read_text(errors="replace")
                at = text.find("[ERROR]")
                raise RuntimeError(f"worker exited with {proc.returncode}; its first error:\n{text[at : at + 4000]}")
            done = committed(bootstrap, group, topic)
            now = time.perf_counter()
            if done > 0 and first is None:
                first = (now, done)
            if done >= n and first is not None:
                return (done - first[1]) / (now - first[0]) if now > first[0] else float("nan")
            time.sleep(0.2)
        raise RuntimeError(f"{group}: not done within {timeout_s:.0f} s")
    finally:
        from ebrain.kafka_kit import stop_process

        stop_process(proc, 20.0)


NOOP_APP = """
import sys
import faust
from pathlib import Path
from streams.runtime.faust_patches import apply_all
from streams.runtime.faust_app import WorkerConfig, faust_settings, quiet_worker
bootstrap, topic, group, data_dir, guarantee, how = sys.argv[1:7]
sys.argv[1:] = []
config = WorkerConfig(bootstrap=bootstrap, data_dir=Path(data_dir), processing_guarantee=guarantee)
apply_all()  # the faust corrections the worker runs with
app = faust.App(group, **faust_settings(config))
source = app.topic(topic, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")

if how == "batches":
    @app.agent(source)
    async def nothing(stream):
        async for _ in stream.take_events(config.batch_max, within=config.batch_within):
            pass
else:
    @app.agent(source)
    async def nothing(stream):
        async for _ in stream.events():
            pass

quiet_worker(app).execute_from_commandline()
"""


def kafka_line(label: str, records_per_s: float, note: str = "") -> None:
    print(f"  {label:<62} {records_per_s:>9,.0f} records/s {note}")


def run_group(
    command: list[str], log: Path, bootstrap: str, group: str, topic: str, records: int, env: dict[str, str]
) -> float:
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    return rate_of_group(proc, log, bootstrap, group, topic, records)


def worker_command(bootstrap: str, data_dir: Path, prefix: str, guarantee: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "ebrain.cli",
        "worker",
        "--broker",
        bootstrap,
        "--data-dir",
        str(data_dir),
        "--topic-prefix",
        prefix,
        "--guarantee",
        guarantee,
    ]


def kafka(core: Core, n_devices: int, rounds: int, guarantees: list[str], gateway_rounds: int, jumpy: bool) -> None:
    from ebrain.kafka_kit import bench_broker
    from streams.runtime.faust_app import ensure_topics

    with tempfile.TemporaryDirectory(prefix="bench-kafka-") as tmp, bench_broker(Path(tmp) / "kafka") as bootstrap:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
        # one topic set per run: every consumer group below starts from an untouched topic of its own
        runs = [(g, "single") for g in guarantees] + [(g, "gateway") for g in guarantees if gateway_rounds]
        data: dict[str, tuple[str, int, int]] = {}  # form -> (prefix template, records, readings)
        for form, n_rounds, batch in (("single", rounds, 1), ("gateway", gateway_rounds, 100)):
            if not any(f == form for _, f in runs):
                continue
            messages = stream(core, n_devices, n_rounds, batch=batch, jumpy=jumpy)
            for guarantee, f in runs:
                if f != form:
                    continue
                prefix = f"bench{os.getpid()}-{form}-{guarantee[:3]}-"
                ensure_topics(bootstrap, prefix)
                t = time.perf_counter()
                records = asyncio.run(produce(bootstrap, prefix, messages))
                print(
                    f"produced {n_devices * n_rounds:,} readings ({form} form) to {prefix}ingest.sensor in "
                    f"{time.perf_counter() - t:.1f} s: {records:,} records on the sensor topic with the ticks"
                )
                data[f"{form}/{guarantee}"] = (prefix, records, n_devices * n_rounds)
        for guarantee in guarantees:
            prefix, records, readings = data[f"single/{guarantee}"]
            topic = topics.physical(topics.INGEST_SENSOR, prefix)
            plain = asyncio.run(plain_consumer(bootstrap, topic, records))
            nothing = {}
            for how in ("batches", "events"):
                group = f"noop-{how}-{prefix}"
                command = [
                    sys.executable,
                    "-c",
                    NOOP_APP,
                    bootstrap,
                    topic,
                    group,
                    f"{tmp}/{group}",
                    guarantee,
                    how,
                ]
                nothing[how] = run_group(command, Path(tmp) / f"{group}.log", bootstrap, group, topic, records, env)
            command = worker_command(bootstrap, Path(tmp) / f"worker-{prefix}", prefix, guarantee)
            ours = run_group(
                command, Path(tmp) / f"worker-{prefix}.log", bootstrap, topics.pipeline_id(prefix), topic, records, env
            )
            ceiling = max(nothing.values())
            per = readings / records
            print(f"Kafka sensor path, {guarantee}: {records:,} records ({readings:,} readings, one a message)")
            kafka_line("ceiling 1: plain aiokafka consumer", plain)
            kafka_line(f"ceiling 2: Faust agent that does nothing, batches of {WORKER_BATCH}", nothing["batches"])
            kafka_line("   (the same agent event by event)", nothing["events"])
            kafka_line(
                "ebrain worker: sensor ingest agent",
                ours,
                f"= {ours * per:,.0f} readings/s = {ours / ceiling:.0%} of the do-nothing agent; "
                "target >= 30,000 readings/s, or >= 80 %",
            )
            key = f"gateway/{guarantee}"
            if key in data:
                prefix, records, readings = data[key]
                topic = topics.physical(topics.INGEST_SENSOR, prefix)
                command = worker_command(bootstrap, Path(tmp) / f"worker-{prefix}", prefix, guarantee)
                log = Path(tmp) / f"worker-{prefix}.log"
                gw = run_group(command, log, bootstrap, topics.pipeline_id(prefix), topic, records, env)
                kafka_line(
                    "ebrain worker: gateway batches of 100 readings a message",
                    gw,
                    f"= {gw * readings / records:,.0f} readings/s ({readings:,} readings)",
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--minutes", type=int, default=20)
    parser.add_argument("--kafka", action="store_true", help="also measure the Kafka runtime")
    parser.add_argument("--kafka-only", action="store_true", help="only the Kafka runtime")
    parser.add_argument("--guarantee", choices=["exactly_once", "at_least_once", "both"], default="both")
    parser.add_argument(
        "--jumpy",
        action="store_true",
        help="normal readings drawn anew across their band every minute: ~8 %% raise rate-of-change alarms "
        "(signals, incidents and state writes on a large share of readings)",
    )
    parser.add_argument(
        "--gateway-minutes",
        type=int,
        default=None,
        help="minutes of gateway batches (100 readings a message) for the worker; default 3 x --minutes, 0 skips",
    )
    args = parser.parse_args()
    print(
        f"machine: {cpu_model()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"load average {os.getloadavg()[0]:.1f} at start"
    )
    core = build_core(Settings())
    if not args.kafka_only:
        embedded(core, args.devices, args.minutes, args.jumpy)
    if args.kafka or args.kafka_only:
        guarantees = ["exactly_once", "at_least_once"] if args.guarantee == "both" else [args.guarantee]
        gateway = 3 * args.minutes if args.gateway_minutes is None else args.gateway_minutes
        kafka(core, args.devices, args.minutes, guarantees, gateway, args.jumpy)


if __name__ == "__main__":
    main()
