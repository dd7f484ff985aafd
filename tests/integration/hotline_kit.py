"""Calls and ticks into Kafka, and the feed read back until a condition holds: what the tests that run a real
worker on hotline calls share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from streams.runtime.kafka_io import KafkaIngress, read_feed
from streams.wire import topics


async def produce(bootstrap: str, prefix: str, messages: list[tuple[str, bytes]], ticks: list[int]) -> None:
    """Hotline calls (key, encoded message), then the ticks, on the topics under `prefix`."""
    ingress = KafkaIngress(bootstrap, prefix)
    await ingress.start()
    try:
        for key, value in messages:
            await ingress.produce(topics.INGEST_HOTLINE.name, key, value)
        for at_ms in ticks:
            await ingress.produce_tick(at_ms)
        await ingress.flush()
    finally:
        await ingress.stop()


async def feed_until(
    bootstrap: str, prefix: str, done: Callable[[list[dict[str, Any]]], bool], timeout_s: float
) -> list[dict[str, Any]]:
    """The feed's deltas from the start until `done` holds for them, or the feed is quiet for `timeout_s`."""
    seen: list[dict[str, Any]] = []
    async for delta in read_feed(bootstrap, idle_s=timeout_s, timeout_s=timeout_s, prefix=prefix):
        seen.append(delta)
        if done(seen):
            break
    return seen
