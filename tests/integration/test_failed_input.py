"""On real Kafka: a valid input the theater cannot handle is parked on `theater.failed` with its error, its incident
is flagged on the feed, the worker goes on with the next input, and after a restart the input is not handled
again: no crash loop, the offset moved on exactly once (issue 22)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import msgspec
import pytest

from ebrain.broker import KafkaBroker
from ebrain.kafka_kit import PROJECT_ROOT, read_records, stop_process
from streams.wire import contract, topics
from streams.wire.envelope import decode_input
from streams.wire.records import Failure
from streams.wire.timefmt import format_time_ms, parse_time_ms
from tests.integration.hotline_kit import feed_until, produce

pytestmark = pytest.mark.kafka

PREFIX = "failed-input."
T0 = parse_time_ms("2024-05-02T09:00:00+08:00", "t0")
MIN = 60_000


def start_failing_worker(bootstrap: str, data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "tests.integration.failing_worker", "worker", "--broker", bootstrap]
    with log.open("wb") as out:
        return subprocess.Popen(
            [*command, "--data-dir", str(data_dir), "--topic-prefix", PREFIX],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT,
            env=env,
        )


def work_order(order_id: str, event_id: str, at_ms: int, content: str, address: str, hotline: str) -> bytes:
    return msgspec.json.encode(
        {
            "type": "hotline.work_order",
            "schema_version": contract.CURRENT_VERSION,
            "event_id": event_id,
            "order_id": order_id,
            "received_at": format_time_ms(at_ms),
            "hotline": hotline,
            "category": "求助",
            "urgency": "紧急",
            "content": content,
            "address": address,
            "caller": {"name": "测试", "phone": "13800000000"},
        }
    )


async def parked(bootstrap: str, wait_s: float) -> list[Failure]:
    records = await read_records(bootstrap, topics.physical(topics.FAILED, PREFIX), 10**6, wait_s)
    return [msgspec.json.decode(value, type=Failure) for _, value in records]


def _incidents(deltas: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["key"]: d["data"] for d in deltas if d["kind"] == "incident"}


def test_a_failing_input_is_parked_once_and_the_worker_goes_on(kafka_broker: KafkaBroker, tmp_path: Path) -> None:
    bootstrap = kafka_broker.bootstrap
    faulty = work_order(
        "HE-FAIL-1",
        "failed-input-1-FAULT",
        T0,
        "小张各庄闻到很浓的燃气味",
        "河北省廊坊市三河市燕郊镇小张各庄",
        "130000",
    )
    fine = work_order("TJ-FAIL-2", "failed-input-2", T0 + MIN, "楼道里燃气味很大", "天津市和平区南营门街道", "120000")
    first = start_failing_worker(bootstrap, tmp_path / "w1", tmp_path / "w1.log")
    try:
        asyncio.run(produce(bootstrap, PREFIX, [("HE-FAIL-1", faulty), ("TJ-FAIL-2", fine)], [T0 + 2 * MIN]))

        def both_seen(seen: list[dict[str, Any]]) -> bool:
            incidents = _incidents(seen).values()
            return any(i["attention"] for i in incidents) and any(i["province"] == "120000" for i in incidents)

        deltas = asyncio.run(feed_until(bootstrap, PREFIX, both_seen, 150.0))
        assert first.poll() is None, (tmp_path / "w1.log").read_text(errors="replace")[-3000:]
    finally:
        stop_process(first)
    assert both_seen(deltas), "the failing input stopped the worker, or its incident was not flagged"
    failures = asyncio.run(parked(bootstrap, 5.0))
    assert len(failures) == 1 and failures[0].error.startswith("StopIteration")
    kept = decode_input(failures[0].input)
    assert getattr(kept, "signal_id", "").endswith("-FAULT")

    second = start_failing_worker(bootstrap, tmp_path / "w2", tmp_path / "w2.log")
    try:
        asyncio.run(produce(bootstrap, PREFIX, [], [T0 + 5 * MIN, T0 + 20 * MIN]))
        time.sleep(20.0)  # a worker that handled the input again (a crash loop) would park it again by now
        assert second.poll() is None, (tmp_path / "w2.log").read_text(errors="replace")[-3000:]
    finally:
        stop_process(second)
    assert len(asyncio.run(parked(bootstrap, 5.0))) == 1
