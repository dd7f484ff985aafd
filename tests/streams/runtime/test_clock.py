"""The live clock's edge: what a tick says, which partitions it reaches, and that it never goes back."""

from __future__ import annotations

import asyncio

import msgspec
import pytest

from streams.runtime.clock import KafkaClock, clock_partitions, live_tick
from streams.wire import codec, contract, topics
from streams.wire.tick_signature import TickKey, refusal


def test_a_live_tick_is_a_contract_tick_with_milliseconds() -> None:
    decoded = codec.decode_or_reason(live_tick(1_710_287_640_123))
    assert isinstance(decoded, contract.Tick)
    assert decoded.at == "2024-03-13T07:54:00.123+08:00"
    assert msgspec.json.decode(live_tick(0))["source"] == "clock"


def test_the_clock_reaches_every_source_partition_but_those_it_is_told_to_skip() -> None:
    every = clock_partitions()
    assert [f"{t}/{p}" for t, p in every] == list(topics.tick_sources())
    assert ("ingest.hotline", 1) not in clock_partitions(["ingest.hotline/1"])
    with pytest.raises(ValueError, match=r"skip: signals/0 is not a source partition"):
        clock_partitions(["signals/0"])


class Recording:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes, int]] = []

    async def send(self, topic: str, value: bytes, key: bytes, partition: int) -> object:
        self.sent.append((topic, value, partition))
        done: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


async def test_a_beat_ticks_every_partition_at_the_wall_time_and_never_goes_back() -> None:
    times = iter([5_000, 3_000])
    clock = KafkaClock("127.0.0.1:1", "p.", wall_ms=lambda: next(times))
    clock._producer = recording = Recording()
    assert await clock.beat() == 5_000
    assert await clock.beat() == 5_000  # the machine's clock stepped back: the ticks do not
    await asyncio.sleep(0)  # delivery callbacks
    sent = recording.sent
    assert len(sent) == 2 * len(topics.tick_sources())
    assert {topic for topic, _, _ in sent} == {f"p.{spec.name}" for spec in topics.SOURCES}
    assert clock.ticks == len(sent) and not clock.failing


def test_with_a_key_each_partition_gets_a_tick_signed_for_it() -> None:
    key = TickKey(b"k" * 32)
    clock = KafkaClock("127.0.0.1:1", wall_ms=lambda: 1_710_287_640_123, tick_key=key)
    clock._producer = recording = Recording()
    asyncio.run(clock.beat())
    for topic, value, partition in recording.sent:
        decoded = codec.decode_or_reason(value)
        assert isinstance(decoded, contract.Tick)
        assert refusal(key, topic, partition, 1_710_287_640_123, decoded.signature) is None
        assert refusal(key, topic, partition + 1, 1_710_287_640_123, decoded.signature) is not None
