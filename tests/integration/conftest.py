"""A real Apache Kafka broker for the integration tests, started once per session on free ports.

The broker and its helpers are ebrain.kafka_kit's (the benchmarks and fault tests use the same). If it cannot
start, the tests fail with the reason; they are never skipped. It is always stopped: at session teardown, and by
atexit if the run is interrupted.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping

import pytest

from ebrain.broker import KafkaBroker
from ebrain.kafka_kit import broker_fixture, create_topics


@pytest.fixture
def unique_name() -> Callable[[str], str]:
    """Names for topics and groups that no other test in the same broker session uses."""

    def name(prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:8]}"

    return name


kafka_broker = broker_fixture("kafka", "for the integration tests")


@pytest.fixture
def make_topics(kafka_broker: KafkaBroker) -> Callable[[Mapping[str, int]], None]:
    """``make_topics({"name": partitions, ...})`` against the session broker."""

    def make(partitions: Mapping[str, int]) -> None:
        create_topics(kafka_broker.bootstrap, partitions)

    return make
