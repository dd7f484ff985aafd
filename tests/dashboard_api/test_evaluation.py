"""The evaluation (调查评估) of a live incident on the API: HTML in both languages, scoped like the incident."""

from __future__ import annotations

import re

from tests.scenarios.report_kit import Checker

from .conftest import DONGCHENG, TOKENS, YANJIAO, World, auth


def test_a_centre_gets_the_evaluation_of_an_incident_it_sees_as_readable_html(world: World) -> None:
    response = world.client.get(f"/api/incidents/{YANJIAO.id}/evaluation", headers=auth("hebei"))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    checker = Checker()
    checker.feed(page)
    assert checker.doctype and not checker.problems and not checker.stack
    assert "时间分段" in page and "Time segments" in page and 'id="lang-en"' in page
    # the whole cycle: readiness before, supplies, work orders closed back (each said, or "none")
    assert "事前：备勤覆盖与力量前置" in page and "物资与避难场所" in page and "12345工单办结" in page
    assert YANJIAO.id not in page and not re.search(r"\b1[5-9]\d{11}\b", page)  # no id, no epoch time


def test_a_centre_that_cannot_see_the_incident_gets_404(world: World) -> None:
    assert world.client.get(f"/api/incidents/{DONGCHENG.id}/evaluation", headers=auth("hebei")).status_code == 404
    assert world.client.get("/api/incidents/NOPE/evaluation", headers=auth("hebei")).status_code == 404
    assert world.client.get(f"/api/incidents/{DONGCHENG.id}/evaluation", headers=auth("beijing")).status_code == 200


def test_the_page_links_it_with_its_token_and_it_loads_nothing_and_runs_no_script(world: World) -> None:
    url = f"/api/incidents/{YANJIAO.id}/evaluation"
    response = world.client.get(url, params={"token": TOKENS["hebei"]})
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert world.client.get(url).status_code == 401
    assert world.client.get(url, params={"token": "wrong"}).status_code == 401
