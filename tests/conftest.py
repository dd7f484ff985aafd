"""Shared fixtures: the real regions, fleet and rules are built once per test session (they are immutable)."""

from __future__ import annotations

import pytest

from ebrain.compose import Core, build_core
from ebrain.settings import Settings


@pytest.fixture(scope="session")
def core() -> Core:
    return build_core(Settings(), fleet_seed=7, fleet_scale=1.0)
