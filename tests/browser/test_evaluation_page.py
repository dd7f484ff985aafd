"""The evaluation (调查评估) from the page's incident view in a real browser: the link opens it, and its English
switch leaves nothing the brain says in Chinese."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from streams.words.check import machine_text
from tests.browser.floor_kit import _ids, _select
from tests.browser.kit import CJK, FloorServer, click, console_errors, open_page, shoot, wait_for


def _shown(driver: WebDriver) -> str:
    """The evaluation's rendered text less the language switch (its radio buttons are the page's only state, so
    the kit's cloning `visible_text` would move them)."""
    return "\n".join(driver.find_element(By.CSS_SELECTOR, css).text for css in ("header h1", "header .small", "main"))


def test_the_incident_view_opens_its_evaluation_and_the_english_switch_works(
    server: FloorServer, driver: WebDriver
) -> None:
    open_page(driver, server.page("120000"))
    _select(driver, "燃气泄漏")
    page = driver.current_window_handle
    click(driver, "#timeline-actions a[data-evaluation]")
    wait_for(driver, lambda d: len(d.window_handles) == 2, "the evaluation in a tab of its own")
    driver.switch_to.window(next(h for h in driver.window_handles if h != page))
    try:
        wait_for(driver, lambda d: "时间分段" in _shown(d), "the evaluation in Chinese")
        chinese = _shown(driver)
        assert "预案做了什么、没做什么" in chinese and "各地区做了什么" in chinese and "Time segments" not in chinese
        driver.find_element(By.CSS_SELECTOR, "label[for='lang-en']").click()
        wait_for(driver, lambda d: "Time segments" in _shown(d), "the evaluation in English")
        english = _shown(driver)
        assert not sorted({line for line in english.splitlines() if CJK.search(line)})
        assert not machine_text(english, _ids(server)) and not console_errors(driver)
        shoot(driver, "evaluation-tianjin-en")
    finally:
        driver.close()
        driver.switch_to.window(page)
