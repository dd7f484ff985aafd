"""The watch floor in a real browser: one server and one Chromium for the module (they take seconds to start)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from ebrain.compose import Core
from scenarios.model import load_scenario
from tests.browser.kit import FloorServer, chromium

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def server(core: Core) -> Iterator[FloorServer]:
    floor = FloorServer(core).start()
    try:
        floor.replay(load_scenario(HERE / "floor_drill.yaml"))
        yield floor
    finally:
        floor.stop()


@pytest.fixture(scope="module")
def driver() -> Iterator[WebDriver]:
    browser = chromium()
    try:
        yield browser
    finally:
        browser.quit()
