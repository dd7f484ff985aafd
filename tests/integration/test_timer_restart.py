"""On real Kafka: a worker restarted while an incident's timer is pending fires it exactly once.

Timers are state in the incident (the incidents table and its changelog), driven by event time (ticks), not
by the worker's clock: the first worker opens the incident and starts the gas playbook's 10-minute
acknowledgement timer, then stops before the timer is due; a second worker, on a fresh local state folder,
rebuilds the incident from the changelog, and the tick past the due time fires the timer — once.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import msgspec
import pytest

from ebrain.broker import KafkaBroker
from ebrain.kafka_kit import start_worker
from streams.wire import contract
from streams.wire.timefmt import format_time_ms, parse_time_ms
from tests.integration.hotline_kit import feed_until, produce

pytestmark = pytest.mark.kafka

PREFIX = "timer-restart."
T0 = parse_time_ms("2024-03-13T07:40:00+08:00", "t0")
MIN = 60_000
FIRED = "timer ack-leak fired"


def gas_smell_call(at_ms: int) -> bytes:
    return msgspec.json.encode(
        {
            "type": "hotline.work_order",
            "schema_version": contract.CURRENT_VERSION,
            "event_id": "timer-restart-0001",
            "order_id": "HE12345-TIMER-0001",
            "received_at": format_time_ms(at_ms),
            "hotline": "130000",
            "category": "求助",
            "urgency": "紧急",
            "content": "小张各庄一楼商铺附近闻到很浓的燃气味",
            "address": "河北省廊坊市三河市燕郊镇小张各庄",
            "caller": {"name": "测试", "phone": "13800000000"},
        }
    )


def fired_count(deltas: list[dict[str, Any]]) -> int:
    incidents = [d["data"] for d in deltas if d["kind"] == "incident"]
    return sum(1 for dec in incidents[-1]["decisions"] if dec["what"] == FIRED) if incidents else 0


def test_restart_with_a_pending_timer_fires_it_exactly_once(kafka_broker: KafkaBroker, tmp_path: Path) -> None:
    bootstrap = kafka_broker.bootstrap
    first = start_worker(bootstrap, PREFIX, tmp_path, name="worker-1")  # a state folder of its own
    try:
        asyncio.run(produce(bootstrap, PREFIX, [("HE12345-TIMER-0001", gas_smell_call(T0))], [T0 + MIN]))
        before = asyncio.run(feed_until(bootstrap, PREFIX, lambda s: any(d["kind"] == "incident" for d in s), 120.0))
        assert first.alive(), first.tail()
    finally:
        first.stop()
    incident = next(d["data"] for d in before if d["kind"] == "incident")
    assert [t["id"] for t in incident["timers"]] == ["ack-leak"]  # pending when the worker stopped
    assert fired_count(before) == 0

    time.sleep(1.0)
    second = start_worker(bootstrap, PREFIX, tmp_path, name="worker-2")  # a state folder of its own
    try:
        asyncio.run(produce(bootstrap, PREFIX, [], [T0 + 5 * MIN, T0 + 11 * MIN, T0 + 30 * MIN, T0 + 60 * MIN]))
        after = asyncio.run(
            feed_until(bootstrap, PREFIX, lambda s: fired_count(s) >= 1 and len(s) > len(before) + 3, 180.0)
        )
        time.sleep(5.0)  # anything a repeated timer would add arrives by now
        everything = asyncio.run(feed_until(bootstrap, PREFIX, lambda s: False, 8.0))
        assert second.alive(), second.tail()
    finally:
        second.stop()
    assert fired_count(after) == 1
    assert fired_count(everything) == 1
    decisions = [d["data"] for d in everything if d["kind"] == "incident"][-1]["decisions"]
    fired = next(dec for dec in decisions if dec["what"] == FIRED)
    assert fired["at_ms"] == T0 + 10 * MIN  # at its event time, not at the restart or the next tick
    escalations = [n for n in everything if n["kind"] == "notification" and "10分钟未确认" in n["data"]["message"]]
    assert len(escalations) == 1
    seqs = [d["seq"] for d in everything]
    assert seqs == sorted(set(seqs)), "the feed repeated or reordered deltas across the restart"
