"""A command-centre server and a real browser for the browser tests and the demo screenshots.

The server is the demo's: the embedded runtime and the API in one asyncio loop, here on a thread of its own
and a free port on 127.0.0.1, so a test can read the page with Debian's Chromium (driven by selenium with the
system chromedriver) while the runtime keeps working. Chromium gets the flags that work on a closed network
and a fresh profile each time.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from dashboard_api.access import AccessPolicy
from ebrain.compose import Core, embedded_runtime
from ebrain.serve import RunningApi, listen, start_api
from scenarios.model import Scenario, load_scenario
from scenarios.replay import ReplayControl
from scenarios.run import Outcome, run_scenario

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "artefacts" / "browser"  # git-ignored: screenshots a person looks at
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1600,1000",
)
CJK = re.compile(r"[\u3400-\u9fff\uff08\uff09\uff1a\uff0c\u3001\u3002\uff1b]")


def tokens() -> dict[str, str]:
    """Demo tokens by centre code (joint, 110000, 120000, 130000, 131082)."""
    return {t["centre"]: t["token"] for t in AccessPolicy.demo().listing()}


def chromium() -> WebDriver:
    chrome = shutil.which("chromium")
    driver_path = shutil.which("chromedriver")
    if chrome is None or driver_path is None:
        raise RuntimeError("chromium and chromedriver are not installed: run `make browser` (Debian packages)")
    options = webdriver.ChromeOptions()
    options.binary_location = chrome
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='ebrain-chromium-')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver_path), options=options)


class FloorServer:
    """The embedded runtime and the API on a thread of their own; `call` runs a coroutine there."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="floor-server", daemon=True)
        self.runtime = embedded_runtime(core)
        self.outcome = Outcome()
        self.runtime.sinks.append(self.outcome.apply)
        self.api: RunningApi | None = None
        self.base_url = ""

    def call(self, coro: Coroutine[Any, Any, Any], timeout: float = 120) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self, control: ReplayControl | None = None) -> FloorServer:
        self.thread.start()
        listening = listen("127.0.0.1", 0)
        port = listening.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}/"

        async def up() -> None:
            self.api = await start_api(self.core, self.runtime, control, listening)
            self.runtime.sinks.append(self.api.publish)
            await self.runtime.start()

        self.call(up())
        return self

    def replay(self, scenario: Scenario, producer: Any = None, control: ReplayControl | None = None) -> None:
        self.call(run_scenario(scenario, producer or self.runtime, self.outcome, control), timeout=600)

    def stop(self) -> None:
        async def down() -> None:
            await self.runtime.stop()
            if self.api is not None:
                await self.api.stop()

        try:
            self.call(down(), timeout=30)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)

    def page(self, centre: str) -> str:
        return f"{self.base_url}?token={tokens()[centre]}"


@contextmanager
def serving(core: Core, scenario: Path) -> Iterator[FloorServer]:
    """A started server with `scenario` replayed on it, stopped when the block ends."""
    floor = FloorServer(core).start()
    try:
        floor.replay(load_scenario(scenario))
        yield floor
    finally:
        floor.stop()


def open_page(driver: WebDriver, url: str, lang: str = "zh") -> None:
    """Open the page in `lang` and wait until the feed is live and the map is drawn."""
    driver.get(url.split("?")[0] + "static/app.js")  # the page's origin, to set its language before it starts
    driver.execute_script("localStorage.clear(); localStorage.setItem('ebrain.lang', arguments[0]);", lang)
    driver.get(url)
    wait_for(driver, lambda d: d.find_element("id", "conn").get_attribute("data-state") == "live", "the feed live")
    wait_for(driver, lambda d: len(d.find_elements("css selector", "path.region.county")) == 199, "199 counties")
    time.sleep(0.6)  # the first render after the snapshot and the latest feed lines


def wait_for(driver: WebDriver, until: Callable[[WebDriver], Any], what: str, timeout: float = 20) -> Any:
    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(until, f"waited {timeout} s for {what}")


def click(driver: WebDriver, css: str, tries: int = 20) -> None:
    """Click what `css` finds; the page redraws its lists as deltas arrive, so a stale element is found again."""
    for _ in range(tries):
        try:
            driver.find_element(By.CSS_SELECTOR, css).click()
            return
        except (StaleElementReferenceException, ElementClickInterceptedException):
            time.sleep(0.15)
    raise AssertionError(f"could not click {css}")


# What people wrote, shown as written: callers' words and their (masked or owned) name and number, the
# operator's own name, the map's source credit, and the switch back to the other language.
WRITTEN_BY_PEOPLE = (".quote", ".personal", "#centre", "#lang", ".leaflet-control-attribution")


def visible_text(driver: WebDriver, without: tuple[str, ...] = ()) -> str:
    """What a person reads: the page's rendered text (hidden elements excluded), less the `without` parts."""
    return str(
        driver.execute_script(
            "const copy = document.body.cloneNode(true);"
            "for (const css of arguments[0]) copy.querySelectorAll(css).forEach((e) => e.remove());"
            "copy.style.position = 'absolute'; copy.style.left = '-10000px'; document.body.appendChild(copy);"
            "const text = copy.innerText; copy.remove(); return text;",
            list(without),
        )
    )


def feed(driver: WebDriver) -> list[tuple[int, str, str]]:
    """The feed as it reads: (seq, kind, text) per line, newest first (read in one go: it redraws often)."""
    rows = driver.execute_script(
        "return [...document.querySelectorAll('#feed li[data-seq]')]"
        ".map((li) => [Number(li.dataset.seq), li.dataset.kind, li.innerText]);"
    )
    return [(int(seq), str(kind), str(text)) for seq, kind, text in rows]


def shoot(driver: WebDriver, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def console_errors(driver: WebDriver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
