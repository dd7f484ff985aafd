"""The corpus of bad input (tests/streams/ingest/test_bad_input_corpus.py) against a real worker on Kafka, fed by the
clock with signed ticks: every bad message, and an unsigned tick, lands in `ingest.dlq` with its reason, the counts
of the source partitions reconcile, and the worker runs from start to end without a restart."""

from __future__ import annotations

import asyncio
import base64
import os
import time
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from ebrain.broker import KafkaBroker
from ebrain.kafka_kit import read_topic, source_counts, start_worker
from streams.runtime.clock import KafkaClock, live_tick
from streams.runtime.faust_app import ensure_topics
from streams.runtime.kafka_io import KafkaIngress
from streams.wire import topics
from streams.wire.tick_signature import TickKey
from tests.streams.ingest.bad_input_kit import CORPUS, DEVICE, T0, reading, text

pytestmark = pytest.mark.kafka

FORGED_TICK = live_tick(T0 + 10**9)  # an agency's tick, unsigned, on its own topic


def test_every_bad_input_lands_in_the_dead_letters_and_the_worker_keeps_running(
    kafka_broker: KafkaBroker, tmp_path: Path
) -> None:
    bootstrap, prefix = kafka_broker.bootstrap, f"bad-{uuid.uuid4().hex[:6]}."
    ensure_topics(bootstrap, prefix)
    key_file = tmp_path / "tick.key"
    with open(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        out.write("a tick key for this test only, 32 characters or more\n")
    worker = start_worker(bootstrap, prefix, tmp_path, options=["--tick-key", str(key_file)])
    now = [T0]
    clock = KafkaClock(bootstrap, prefix, tick_key=TickKey.from_file(key_file))
    clock.wall_ms = lambda: now[0]
    good = text(reading(0))

    async def run() -> list[dict[str, object]]:
        await clock.start()
        ingress = KafkaIngress(bootstrap, prefix)
        agency = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
        await ingress.start()
        await agency.start()
        try:
            await clock.beat()  # the time the corpus's reasons are judged by
            await clock.flush()
            await ingress.produce("ingest.sensor", DEVICE, good)  # the good one, resent in the corpus
            for _, topic, key, payload, _ in CORPUS:
                await ingress.produce(topic, key, payload)
            await ingress.flush()
            await agency.send_and_wait(topics.physical(topics.INGEST_AGENCY, prefix), FORGED_TICK, partition=0)
            now[0] = T0 + 60_000
            await clock.beat()  # every partition saves its counts at a tick
            await clock.flush()
            return await read_topic(bootstrap, prefix + "ingest.dlq", len(CORPUS) + 1, timeout_s=300, settle_s=3)
        finally:
            await agency.stop()
            await ingress.stop()
            await clock.stop()

    try:
        letters = asyncio.run(run())
        expected_rejected = len(CORPUS) + 1
        deadline = time.monotonic() + 120
        counts: dict[str, dict[str, int]] = {}
        while time.monotonic() < deadline:
            counts = asyncio.run(source_counts(bootstrap, prefix))
            if sum(c["rejected"] for c in counts.values()) >= expected_rejected:
                break
        assert worker.alive(), f"the worker stopped:\n{worker.tail()}"
        log = worker.log.read_text(errors="replace")
    finally:
        worker.stop()
    assert "Traceback" not in log and log.count("state rebuilt from changelogs") == 1, log[-3000:]  # one start
    by_raw: dict[bytes, list[str]] = {}
    for letter in letters:
        by_raw.setdefault(base64.b64decode(str(letter["raw_base64"])), []).append(str(letter["reason"]))
    for name, _, _, payload, expected in CORPUS:
        assert any(expected in reason for reason in by_raw.get(payload, [])), (name, by_raw.get(payload))
    (forged,) = by_raw[FORGED_TICK]
    assert forged.startswith("a tick must be signed by the clock: this tick on ingest.agency/0 has no signature")
    received = sum(c["received"] for c in counts.values())
    accepted = sum(c["accepted"] for c in counts.values())
    rejected = sum(c["rejected"] for c in counts.values())
    assert (received, accepted, rejected) == (accepted + rejected, 1, expected_rejected), counts
    assert len(letters) == rejected
