"""A real Apache Kafka broker for the integration tests, started once per session on free ports.

The broker and its helpers are ebrain.kafka_kit's (the benchmarks and fault tests use the same). If it cannot
start, the tests fail with the reason; they are never skipped. It is always stopped: at session teardown, and by
atexit if the run is interrupted.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping

import pytest

from ebrain.broker import BrokerError, KafkaBroker
from ebrain.kafka_kit import create_topics, running_broker


@pytest.fixture
def unique_name() -> Callable[[str], str]:
    """Names for topics and groups that no other test in the same broker session uses."""

    def name(prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:8]}"

    return name


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    try:
        with running_broker(tmp_path_factory.mktemp("kafka")) as broker:
            yield broker
    except BrokerError as exc:
        pytest.fail(f"no Kafka broker for the integration tests: {exc}", pytrace=False)


@pytest.fixture
def make_topics(kafka_broker: KafkaBroker) -> Callable[[Mapping[str, int]], None]:
    """``make_topics({"name": partitions, ...})`` against the session broker."""

    def make(partitions: Mapping[str, int]) -> None:
        create_topics(kafka_broker.bootstrap, partitions)

    return make
