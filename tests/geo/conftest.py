"""The real regions and the surrogate road graph over them, built once per test session (both immutable)."""

import pytest

from geo.regions import RegionIndex
from geo.roads import RoadGraph


@pytest.fixture(scope="session")
def regions() -> RegionIndex:
    return RegionIndex.load()


@pytest.fixture(scope="session")
def roads(regions: RegionIndex) -> RoadGraph:
    return RoadGraph.surrogate(regions)
