"""A real Apache Kafka broker for the integration tests, started once per session on free ports.

The broker runs from broker/lib (see docs/broker.md). If it cannot start, the tests fail with the reason;
they are never skipped. It is always stopped: at session teardown, and by atexit if the run is interrupted.
"""

from __future__ import annotations

import atexit
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from kafka.admin import KafkaAdminClient

from ebrain.broker import BrokerConfig, BrokerError, KafkaBroker, ensure_jars, free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def unique_name() -> Callable[[str], str]:
    """Names for topics and groups that no other test in the same broker session uses."""

    def name(prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:8]}"

    return name


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    port = free_port()
    controller_port = free_port()
    while controller_port == port:
        controller_port = free_port()
    data_dir = tmp_path_factory.mktemp("kafka")
    try:
        broker = KafkaBroker(
            BrokerConfig(data_dir, port=port, controller_port=controller_port), ensure_jars(PROJECT_ROOT)
        )
    except BrokerError as exc:
        pytest.fail(f"no Kafka broker for the integration tests: {exc}", pytrace=False)
    atexit.register(broker.stop)
    try:
        try:
            seconds = broker.start(timeout_s=180)  # generous: a busy 2-core machine can take 40 s
        except BrokerError as exc:
            pytest.fail(f"the Kafka broker did not start: {exc}", pytrace=False)
        print(f"\nKafka broker at {broker.bootstrap} accepted clients after {seconds:.1f} s; log: {broker.log_path}")
        yield broker
    finally:
        broker.stop()
        atexit.unregister(broker.stop)


def create_topics(bootstrap: str, partitions: Mapping[str, int]) -> None:
    """Create topics with the given partition counts and wait until every partition has a leader."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="integration-tests-admin")
    try:
        spec = {name: {"num_partitions": count, "replication_factor": 1} for name, count in partitions.items()}
        admin.create_topics(spec, wait_for_metadata=True)
    finally:
        admin.close()


@pytest.fixture
def make_topics(kafka_broker: KafkaBroker) -> Callable[[Mapping[str, int]], None]:
    """``make_topics({"name": partitions, ...})`` against the session broker."""

    def make(partitions: Mapping[str, int]) -> None:
        create_topics(kafka_broker.bootstrap, partitions)

    return make
