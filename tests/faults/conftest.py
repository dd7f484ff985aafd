"""A Kafka broker of the fault tests' own, so that what they do to it (load, restarts) touches no other test.

Started on first use, on 127.0.0.1 and free ports (ebrain.kafka_kit), and always stopped. Each test also gets a
fresh topic prefix: its pipeline's topics and consumer group are its own.
"""

from __future__ import annotations

import uuid

import pytest

from ebrain.kafka_kit import broker_fixture
from tests.faults.api_world import client as client
from tests.faults.api_world import world as world

fault_broker = broker_fixture("kafka-faults", "for the fault tests")


@pytest.fixture
def prefix(request: pytest.FixtureRequest) -> str:
    """A topic prefix (and so a consumer group) no other test uses."""
    return f"{request.node.name[:24]}-{uuid.uuid4().hex[:6]}."
