"""A Kafka broker of the fault tests' own, so that what they do to it (load, restarts) touches no other test.

Started on first use, on 127.0.0.1 and free ports (ebrain.kafka_kit), and always stopped. Each test also gets a
fresh topic prefix: its pipeline's topics and consumer group are its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from ebrain.broker import BrokerError, KafkaBroker
from ebrain.kafka_kit import running_broker


@pytest.fixture(scope="session")
def fault_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    try:
        with running_broker(tmp_path_factory.mktemp("kafka-faults")) as broker:
            yield broker
    except BrokerError as exc:
        pytest.fail(f"the Kafka broker did not start: {exc}", pytrace=False)


@pytest.fixture
def prefix(request: pytest.FixtureRequest) -> str:
    """A topic prefix (and so a consumer group) no other test uses."""
    return f"{request.node.name[:24]}-{uuid.uuid4().hex[:6]}."
