"""What the floor page's tests read and click: the incident ids on the page, an incident chosen by its title."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.browser.kit import (
    FloorServer,
    click,
    wait_for,
)


def _ids(server: FloorServer) -> set[str]:
    out = server.outcome
    ids = set(out.incidents) | set(out.tasks) | {n.id for n in out.notifications}
    books = server.core.theater.playbooks.values()
    ids |= {r.id for b in books for r in b.rules if ":" not in r.id} | {t.id for b in books for t in b.timers}
    return ids


def _select(driver: WebDriver, title_part: str) -> None:
    """Click the incident's row (found by its title) and wait for its timeline."""
    incident_id = driver.execute_script(
        "return [...document.querySelectorAll('#incident-table tbody tr[data-incident-id]')]"
        ".find((r) => r.innerText.includes(arguments[0])).dataset.incidentId;",
        title_part,
    )
    click(driver, f"#incident-table tbody tr[data-incident-id='{incident_id}'] td:nth-child(2)")
    wait_for(
        driver,
        lambda d: (
            d.find_element(By.ID, "timeline").get_attribute("data-incident-id") == incident_id
            and len(d.find_elements(By.CSS_SELECTOR, "#timeline li[data-kind]")) > 0
        ),
        "the incident's timeline",
    )
