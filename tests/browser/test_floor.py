"""The command-centre page in headless Chromium, on the embedded runtime with a small synthetic drill
(`floor_drill.yaml`): a tilting building in Tianjin waits for an evacuation approval, and a Beijing hotline
caller's gas smell in 武清 (Tianjin) has a gas crew asked of Beijing, which waits for Beijing's offer.

The pages load for several centres and open on their own area; a delta appears; Tianjin never has the Beijing
caller's name or number in its DOM (Beijing does); an approval and an offer are clicked and their effect comes
back on the feed; the English switch changes every visible label; nothing an operator reads is an id, an epoch
time, an adcode or JSON. Screenshots of each centre go to artefacts/browser/ (git-ignored).
"""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from scenarios.model import load_scenario
from streams.words.check import machine_text
from tests.browser.floor_kit import _ids, _select
from tests.browser.kit import (
    CJK,
    WRITTEN_BY_PEOPLE,
    FloorServer,
    click,
    console_errors,
    feed,
    open_page,
    shoot,
    visible_text,
    wait_for,
)

HERE = Path(__file__).resolve().parent
CALLER = ("张三丰", "13812345678")  # the Beijing hotline's caller (floor_drill.yaml)
TIANJIN_BOUNDS = (116.6, 38.5, 118.1, 40.3)  # west, south, east, north


def _feed_texts(driver: WebDriver, kind: str) -> list[str]:
    return [text for _, k, text in feed(driver) if k == kind]


def test_pages_load_for_each_centre_on_its_own_area(server: FloorServer, driver: WebDriver) -> None:
    for centre, name in (("joint", "joint"), ("120000", "tianjin"), ("110000", "beijing"), ("131082", "sanhe")):
        open_page(driver, server.page(centre))
        assert driver.find_element(By.ID, "lang").get_attribute("data-lang") == "zh"
        assert len(driver.find_elements(By.CSS_SELECTOR, "path.region.province")) == 3
        centre_of_view = driver.execute_script("const c = EBMap.map.getCenter(); return [c.lng, c.lat];")
        if centre == "120000":
            west, south, east, north = TIANJIN_BOUNDS
            assert west < centre_of_view[0] < east and south < centre_of_view[1] < north, centre_of_view
        if centre in ("joint", "120000"):
            rows = driver.find_elements(By.CSS_SELECTOR, "#incident-table tbody tr[data-incident-id]")
            assert len(rows) == 2, [r.text for r in rows]
            assert driver.find_elements(By.CSS_SELECTOR, "#layer-incidents, path.incident")
        assert driver.find_elements(By.CSS_SELECTOR, "#feed li[data-seq]"), "the feed opens with the latest lines"
        assert not console_errors(driver), console_errors(driver)
        shoot(driver, f"floor-{name}")


def test_the_openapi_page_works_offline(server: FloorServer, driver: WebDriver) -> None:
    driver.get(server.base_url + "docs")  # Swagger UI from the vendored swagger-ui-dist: nothing from a CDN
    wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) > 20, "the operations listed")
    assert "/api/incidents/{incident_id}/timeline" in visible_text(driver)
    assert not console_errors(driver), console_errors(driver)


def test_a_delta_appears_on_the_open_page(server: FloorServer, driver: WebDriver) -> None:
    open_page(driver, server.page("120000"))
    before = max(seq for seq, _, _ in feed(driver))
    server.replay(load_scenario(HERE / "floor_later.yaml"))
    newer = wait_for(driver, lambda d: [text for seq, _, text in feed(d) if seq > before], "a new delta on the feed")
    assert any("燃气" in text for text in newer), newer
    assert int(driver.find_element(By.ID, "conn").get_attribute("data-seq")) > before

    # incident deltas carry only what their evidence gained: the page's evidence still adds up to each incident's
    def evidence_matches(d: WebDriver) -> bool:
        shown = d.execute_script(
            "const out = {}; for (const id of state.incidents.keys()) out[id] = [];"
            "for (const [sid, e] of state.evidence) if (out[e.incident]) out[e.incident].push(sid); return out;"
        )
        truth = {i: sorted(e.signal_id for e in server.outcome.incidents[i].evidence) for i in shown}
        return bool(shown) and {i: sorted(ids) for i, ids in shown.items()} == truth

    wait_for(driver, evidence_matches, "the page's evidence of each incident equal to the brain's")


def test_tianjin_never_has_the_beijing_callers_data_in_its_dom(server: FloorServer, driver: WebDriver) -> None:
    open_page(driver, server.page("120000"))
    _select(driver, "燃气泄漏")
    source = driver.page_source
    assert "小区门口燃气味很重" in source  # Tianjin's own caller's words are there
    for item in CALLER:
        assert item not in source, item
    assert "张**" in source or "138****5678" in source  # masked, not dropped
    open_page(driver, server.page("110000"))
    _select(driver, "燃气泄漏")
    assert all(item in driver.page_source for item in CALLER)  # Beijing owns the data: the check can fail


def test_the_english_switch_changes_every_visible_label(server: FloorServer, driver: WebDriver) -> None:
    open_page(driver, server.page("120000"))
    _select(driver, "燃气泄漏")
    labels = {e.get_attribute("data-i18n"): e.text for e in driver.find_elements(By.CSS_SELECTOR, "[data-i18n]")}
    driver.find_element(By.ID, "lang").click()
    wait_for(driver, lambda d: d.find_element(By.ID, "lang").get_attribute("data-lang") == "en", "English")
    wait_for(driver, lambda d: "Timeline" in visible_text(d), "the English page")
    wait_for(driver, lambda d: d.find_element(By.ID, "conn").get_attribute("data-state") == "live", "the feed again")
    wait_for(driver, lambda d: "Gas leak" in d.find_element(By.ID, "incident-table").text, "names in English")
    for element in driver.find_elements(By.CSS_SELECTOR, "[data-i18n]"):
        if element.is_displayed():
            key = element.get_attribute("data-i18n")
            assert element.text != labels[key] and not CJK.search(element.text), (key, element.text)
    # What may stay Chinese in English is what people wrote; everything the brain says is in English.
    text = visible_text(driver, WRITTEN_BY_PEOPLE)
    chinese = sorted({line for line in text.splitlines() if CJK.search(line)})
    assert not chinese, chinese
    shoot(driver, "floor-tianjin-en")


def test_nothing_an_operator_reads_is_machine_text(server: FloorServer, driver: WebDriver) -> None:
    ids = _ids(server)
    for centre in ("joint", "120000", "110000"):
        for lang in ("zh", "en"):
            open_page(driver, server.page(centre), lang)
            _select(driver, "燃气泄漏" if lang == "zh" else "Gas leak")
            found = machine_text(visible_text(driver, WRITTEN_BY_PEOPLE), ids)
            assert not found, (centre, lang, found)


def test_an_approval_clicked_comes_back_on_the_feed(server: FloorServer, driver: WebDriver) -> None:
    open_page(driver, server.page("120000"))
    item = driver.find_element(By.CSS_SELECTOR, "#approvals li[data-approval-id]").text
    assert "组织楼内及周边居民疏散" in item and "剩余" in item  # the summary and its countdown
    click(driver, "#approvals li[data-approval-id] button.approve")
    wait_for(driver, lambda d: any("审批已批准" in t for t in _feed_texts(d, "incident")), "the approval on the feed")
    wait_for(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "#approvals li[data-approval-id]"), "it leaves")
    shoot(driver, "floor-tianjin-approved")


def test_an_offer_clicked_comes_back_on_the_feed_and_the_borrower_commits(
    server: FloorServer, driver: WebDriver
) -> None:
    open_page(driver, server.page("110000"))
    requested = "#mutual-aid li[data-stage='requested'][data-lender='110000']"
    assert "燃气关阀" in driver.find_element(By.CSS_SELECTOR, requested).text
    click(driver, f"{requested} button.aid-offer")
    wait_for(driver, lambda d: any("北京市提供" in t for t in _feed_texts(d, "mutual_aid")), "the offer on the feed")
    shoot(driver, "floor-beijing-offered")
    open_page(driver, server.page("120000"))
    click(driver, "#mutual-aid li[data-stage='offered'][data-borrower='120000'] button.aid-commit")
    wait_for(driver, lambda d: any("确认接收" in t for t in _feed_texts(d, "mutual_aid")), "the commit on the feed")
    wait_for(
        driver,
        lambda d: any(
            "燃气关阀" in r.text for r in d.find_elements(By.CSS_SELECTOR, "#task-table tr[data-cross-border='true']")
        ),
        "the lent crew among the tasks",
    )
