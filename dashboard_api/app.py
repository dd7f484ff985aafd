"""`create_app`: the command-centre API as one FastAPI app, built from objects the composition root passes in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI

from dashboard_api.access import AccessPolicy
from dashboard_api.commands import CommandSink, ReplayControl
from dashboard_api.context import ApiContext, EvaluationPage
from dashboard_api.errors import MAX_BODY_BYTES, BodyLimit, install_error_handlers
from dashboard_api.feed import FeedHub
from dashboard_api.feed_socket import add_feed_route
from dashboard_api.metrics import add_metrics_route
from dashboard_api.operator import build_operator_routes, build_replay_routes
from dashboard_api.page import add_page_routes
from dashboard_api.picture import Picture, ResponderHome
from dashboard_api.rest import build_read_routes
from geo.fleet import FleetState
from geo.regions import RegionIndex
from streams.words import Words


def create_app(
    *,
    picture: Picture,
    hub: FeedHub,
    regions: RegionIndex,
    commands: CommandSink,
    access: AccessPolicy,
    replay: ReplayControl | None = None,
    fleet: FleetState | None = None,
    clock: Callable[[], int] | None = None,
    counts: Callable[[], dict[str, Any]] | None = None,
    metrics: Callable[[], str] | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    words: Words | None = None,
    facilities: Mapping[str, Any] | None = None,
    evaluation: EvaluationPage | None = None,
) -> FastAPI:
    """The REST API, the websocket feed and the web page over one picture.

        `clock()` gives the picture's current event time in ms; commands are stamped with it (else with the last
        delta's time). `counts()` gives the runtime's received/accepted/dead-letter counts for /api/counts, and
        `metrics()` the runtime's own series in the Prometheus text format for /metrics. `words` is the operator
        language (built from the regions alone, without the playbooks' titles, when not given); `facilities` the sites
    drawn as map layers (`PlaybookPlaces.facilities`: class → sites with name, lon, lat); `evaluation` renders an
    incident's evaluation page (`scenarios.evaluation_report.evaluation_page`; without it the API serves none).
    """
    if hub.picture is not picture:
        raise ValueError("hub was built over another Picture: pass the same picture to FeedHub and create_app")
    access.check(regions)
    if fleet is not None:
        homes = {
            rid: ResponderHome(r.name, r.kind, r.home_province, r.home_adcode, r.base_lon, r.base_lat)
            for rid, r in fleet.responders.items()
        }
        with hub.lock:
            picture.know_responders(homes)
    words = words or Words.build(regions)
    with hub.lock:
        picture.speak_with(words)
    ctx = ApiContext(
        picture,
        hub,
        regions,
        commands,
        access,
        replay,
        fleet,
        clock,
        counts,
        metrics,
        words,
        facilities or {},
        evaluation=evaluation,
    )
    app = FastAPI(
        title="emergency-brain command-centre API",
        version="1.0",
        description="REST and websocket feed for the 京津冀 command centres. See docs/api.md.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.include_router(build_read_routes(ctx))
    app.include_router(build_operator_routes(ctx))
    app.include_router(build_replay_routes(ctx))
    add_feed_route(app, ctx)
    add_metrics_route(app, ctx)
    add_page_routes(app)
    return app
