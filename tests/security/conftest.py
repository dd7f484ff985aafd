"""The security probes of the API run against the fault tests' API world (tests/faults/api_world.py)."""

from tests.faults.api_world import client as client
from tests.faults.api_world import world as world
