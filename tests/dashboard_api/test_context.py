"""What every route needs: event time for commands, the viewer of a token, an incident in scope."""

from __future__ import annotations

import pytest
from fastapi import HTTPException

from dashboard_api.access import AccessPolicy
from dashboard_api.context import ApiContext
from dashboard_api.feed import FeedHub
from dashboard_api.picture import Picture
from geo.regions import RegionIndex

from .conftest import T0, TOKENS, RecordingSink, base_deltas


def context(regions: RegionIndex, access: AccessPolicy, picture: Picture, clock: object = None) -> ApiContext:
    return ApiContext(picture, FeedHub(picture), regions, RecordingSink(), access, None, None, clock, None)  # type: ignore[arg-type]


def test_event_time_comes_from_the_clock_else_the_last_delta(regions: RegionIndex, access: AccessPolicy) -> None:
    empty = context(regions, access, Picture())
    with pytest.raises(HTTPException) as info:
        empty.event_now()
    assert info.value.status_code == 503 and "no event time yet" in info.value.detail
    assert context(regions, access, Picture(), clock=lambda: T0).event_now() == T0
    ctx = context(regions, access, Picture())
    for delta in base_deltas():
        ctx.hub.publish(delta)
    assert ctx.event_now() == base_deltas()[-1].at_ms


def test_viewer_of_a_token(regions: RegionIndex, access: AccessPolicy) -> None:
    ctx = context(regions, access, Picture())
    assert ctx.viewer_of(TOKENS["tianjin"], "in the header").centre.code == "120000"
    for token, says in ((None, "missing token: send it in the header"), ("nope-nope-nope", "unknown token")):
        with pytest.raises(HTTPException) as info:
            ctx.viewer_of(token, "in the header")
        assert info.value.status_code == 401 and info.value.detail.startswith(says)


def test_incident_for_is_scoped(regions: RegionIndex, access: AccessPolicy) -> None:
    ctx = context(regions, access, Picture())
    for delta in base_deltas():
        ctx.hub.publish(delta)
    sanhe = access.authenticate(TOKENS["sanhe"])
    assert sanhe is not None
    assert ctx.incident_for(sanhe, "INC-YJ")["id"] == "INC-YJ"
    with pytest.raises(HTTPException) as info:
        ctx.incident_for(sanhe, "INC-ZZ")
    assert info.value.status_code == 403
