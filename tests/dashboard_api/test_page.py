"""The offline page: served from the package, nothing loaded from elsewhere, DOM hooks for browser tests.

What the page does in a browser is tested in tests/browser (headless Chromium); here, what can be read
from the files and the server's answers.
"""

from __future__ import annotations

import re
from importlib import resources

import pytest

from .conftest import World

STATIC = resources.files("dashboard_api.static")
OWN = ["index.html", "app.js", "map.js", "words.js", "style.css", "docs.js"]


def test_page_and_assets_are_served_with_a_strict_policy(world: World) -> None:
    page = world.client.get("/?token=whatever")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for name, kind in (
        ("app.js", "text/javascript"),
        ("style.css", "text/css"),
        ("vendor/leaflet/leaflet.js", "text/javascript"),
        ("vendor/leaflet/images/layers.png", "image/png"),
        ("vendor/swagger-ui/swagger-ui-bundle.js", "text/javascript"),
    ):
        asset = world.client.get(f"/static/{name}")
        assert asset.status_code == 200 and asset.headers["content-type"].startswith(kind), name
    missing = world.client.get("/static/evil.js")
    assert missing.status_code == 404 and "app.js" in missing.json()["detail"]
    assert world.client.get("/static/../picture.py").status_code == 404


@pytest.mark.parametrize("name", OWN)
def test_nothing_is_fetched_from_elsewhere(name: str) -> None:
    text = STATIC.joinpath(name).read_text(encoding="utf-8")
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/|@import|url\(", text), name


def test_vendored_libraries_keep_their_licences() -> None:
    vendor = STATIC.joinpath("vendor")
    assert "BSD" in vendor.joinpath("leaflet", "LICENSE").read_text(encoding="utf-8")
    assert "Apache" in vendor.joinpath("swagger-ui", "LICENSE").read_text(encoding="utf-8")
    readme = vendor.joinpath("README.md").read_text(encoding="utf-8")
    assert "leaflet` | 1.9.4" in readme and "swagger-ui-dist" in readme


def test_dom_hooks_for_browser_tests() -> None:
    html = STATIC.joinpath("index.html").read_text(encoding="utf-8")
    for element_id in (
        "map", "kpis", "incident-table", "task-table", "approvals", "acks", "deadlines", "mutual-aid", "supplies",
        "reports-due", "inbox", "warnings", "timeline", "feed", "lang", "filter-region", "filter-level", "filter-stage",
    ):  # fmt: skip
        assert f'id="{element_id}"' in html, element_id
    assert 'id="conn" class="pill" data-state="connecting"' in html
    script = STATIC.joinpath("app.js").read_text(encoding="utf-8")
    for hook in ('"data-incident-id"', '"data-approval-id"', '"data-kpi"', '"data-unread"', "dataset.state"):
        assert hook in script
    for button in ('commandButton("approve"', 'commandButton("reject"', 'commandButton("ack"'):
        assert button in script
    # the exchanges' answer buttons: button.aid-offer, button.supply-commit, … (answerButtons says whose turn)
    for hook in ("`aid-${action}`", "`supply-${action}`", "answerButtons(li, x, mine, joint, aidButton)"):
        assert hook in script
    # The page resumes with the last seq it saw, and asks for batched frames that it splits by line.
    assert 'params.set("since"' in script and 'batch: "1"' in script and '.split("\\n")' in script
    # Data goes in as text, never as HTML.
    for name in ("app.js", "map.js", "words.js"):
        assert "innerHTML" not in STATIC.joinpath(name).read_text(encoding="utf-8"), name
