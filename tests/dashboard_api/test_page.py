"""The offline page: served from the package, nothing loaded from elsewhere, DOM hooks for browser tests."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from .conftest import World

STATIC = resources.files("dashboard_api.static")
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def test_page_and_assets_are_served_with_a_strict_policy(world: World) -> None:
    page = world.client.get("/?token=whatever")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for name, kind in (("app.js", "text/javascript"), ("style.css", "text/css")):
        asset = world.client.get(f"/static/{name}")
        assert asset.status_code == 200 and asset.headers["content-type"].startswith(kind)
    missing = world.client.get("/static/evil.js")
    assert missing.status_code == 404 and "there are: app.js, style.css" in missing.json()["detail"]


@pytest.mark.parametrize("name", ["index.html", "app.js", "style.css"])
def test_nothing_is_fetched_from_elsewhere(name: str) -> None:
    text = STATIC.joinpath(name).read_text(encoding="utf-8").replace(SVG_NAMESPACE, "")
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/|@import|url\(", text), name


def test_dom_hooks_for_browser_tests() -> None:
    html = STATIC.joinpath("index.html").read_text(encoding="utf-8")
    for element_id in (
        "map",
        "layer-counties",
        "layer-provinces",
        "layer-closures",
        "incident-list",
        "approvals",
        "warnings",
        "mutual-aid",
        "timeline",
        "feed",
    ):
        assert f'id="{element_id}"' in html
    assert 'id="conn" class="pill" data-state="connecting"' in html
    script = STATIC.joinpath("app.js").read_text(encoding="utf-8")
    for hook in ('"data-incident-id"', '"data-approval-id"', '"data-adcode"', '"data-level"', "dataset.state"):
        assert hook in script
    for button in ('commandButton("approve"', 'commandButton("reject"', 'commandButton("ack"', 'aidButton("offer"'):
        assert button in script
    # The page resumes with the last seq it saw, and asks for batched frames that it splits by line.
    assert 'params.set("since"' in script and 'batch: "1"' in script and '.split("\\n")' in script
