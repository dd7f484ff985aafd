"""The watch floor in a real browser: one server and one Chromium for the module (they take seconds to start)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from ebrain.compose import Core
from tests.browser.kit import FloorServer, chromium, serving

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def server(core: Core) -> Iterator[FloorServer]:
    with serving(core, HERE / "floor_drill.yaml") as floor:
        yield floor


@pytest.fixture(scope="module")
def driver() -> Iterator[WebDriver]:
    browser = chromium()
    try:
        yield browser
    finally:
        browser.quit()
