"""Who leads and a playbook's road closure on the page, in headless Chromium (`floor_underpass.yaml`): water at
the 六里桥 underpass passes the closure depth (the waterlogging playbook closes the road) and then the rescue
depth (level III: the lead moves from the county to the city).

The selected incident's lead badge says who leads, its timeline says each move of the lead, the closure is on the
feed and on the map in force, in Chinese and in English, and none of it is an id, an epoch time or JSON."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from ebrain.compose import Core
from streams.words.check import machine_text
from tests.browser.kit import (
    CJK,
    WRITTEN_BY_PEOPLE,
    FloorServer,
    feed,
    open_page,
    serving,
    shoot,
    visible_text,
    wait_for,
)

HERE = Path(__file__).resolve().parent
SAID = {  # streams/data/phrases.yaml: lead, the decision `lead <old>→<new>`, closure_status, the closure decision
    "zh": {"lead": "市级指挥", "moved": "指挥权：县级指挥 → 市级指挥", "in_force": "封闭中", "closed": "封闭道路"},
    "en": {
        "lead": "the city leads",
        "moved": "who leads: the county leads → the city leads",
        "in_force": "in force",
        "closed": "road closed",
    },
}


@pytest.fixture(scope="module")
def server(core: Core) -> Iterator[FloorServer]:
    with serving(core, HERE / "floor_underpass.yaml") as floor:
        yield floor


def _select_the_incident(driver: WebDriver) -> None:
    rows = driver.find_elements(By.CSS_SELECTOR, "#incident-table tbody tr[data-incident-id]")
    assert len(rows) == 1, [r.text for r in rows]
    rows[0].find_element(By.CSS_SELECTOR, "td:nth-child(2)").click()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#timeline li[data-kind]"), "the timeline")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_lead_with_its_history_and_the_closure_in_force(server: FloorServer, driver: WebDriver, lang: str) -> None:
    (incident,) = server.outcome.incidents.values()
    closures = {d.key for d in server.outcome.deltas if d.kind == "closure"}
    assert incident.lead == "city" and len(closures) == 1  # what the page must show
    open_page(driver, server.page("110000"), lang)
    _select_the_incident(driver)
    said = SAID[lang]
    badge = driver.find_element(By.CSS_SELECTOR, "#timeline-actions .badge.lead")
    assert badge.get_attribute("data-lead") == "city" and said["lead"] in badge.text, badge.text
    timeline = driver.find_element(By.ID, "timeline").text
    assert said["moved"] in timeline and said["closed"] in timeline, timeline  # the lead's history, the closure
    lines = [text for _, kind, text in feed(driver) if kind == "closure"]
    assert len(lines) == 1 and said["in_force"] in lines[0], lines
    in_force = driver.find_elements(By.CSS_SELECTOR, "path.closure[data-status='active']")
    assert len(in_force) == 1
    text = visible_text(driver, WRITTEN_BY_PEOPLE)
    assert not machine_text(text, set(server.outcome.incidents) | closures), text
    if lang == "en":
        chinese = sorted({line for line in text.splitlines() if CJK.search(line)})
        assert not chinese, chinese
    shoot(driver, f"floor-underpass-{lang}")
