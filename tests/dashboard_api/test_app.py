"""create_app's own checks: one picture, tokens that name real counties, fleet facts wired in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard_api.access import AccessPolicy
from dashboard_api.app import create_app
from dashboard_api.feed import FeedHub
from dashboard_api.picture import Picture
from geo.regions import RegionIndex

from .conftest import FLEET, TASK_TZ, RecordingSink, World


def test_hub_and_app_must_share_the_picture(regions: RegionIndex, access: AccessPolicy) -> None:
    with pytest.raises(ValueError, match="same picture"):
        create_app(picture=Picture(), hub=FeedHub(Picture()), regions=regions, commands=RecordingSink(), access=access)


def test_a_token_for_an_unknown_county_stops_the_start(regions: RegionIndex, tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps({"tokens": [{"token": "abcdefghijklmnop", "name": "x", "centre": "139999"}]}))
    picture = Picture()
    with pytest.raises(ValueError, match="'139999' is not a county unit"):
        create_app(
            picture=picture,
            hub=FeedHub(picture),
            regions=regions,
            commands=RecordingSink(),
            access=AccessPolicy.from_file(path),
        )


def test_fleet_facts_reach_tasks_applied_before_the_app_existed(world: World) -> None:
    assert world.picture.tasks[TASK_TZ.id]["responder_base"] == [
        FLEET.responders[TASK_TZ.responder_id or ""].base_lon,
        FLEET.responders[TASK_TZ.responder_id or ""].base_lat,
    ]
