import pytest

from geo.regions import RegionIndex


@pytest.fixture(scope="session")
def regions() -> RegionIndex:
    return RegionIndex.load()
