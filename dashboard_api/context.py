"""What every route needs, built once by `create_app` and passed to the route builders (no globals)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from dashboard_api.access import AccessPolicy, Viewer
from dashboard_api.commands import CommandSink, ReplayControl
from dashboard_api.feed import FeedHub
from dashboard_api.picture import Picture
from dashboard_api.scoping import incident_visible, scope
from geo.fleet import FleetState
from geo.hospitals import SurgePolicy, load_surge_policy
from geo.names import did_you_mean
from geo.regions import RegionIndex
from geo.stockpiles import Stockpiles, load_stockpiles
from streams.words import Words


class EvaluationPage(Protocol):
    """The evaluation (调查评估) of one incident as an HTML page, from what the picture holds of it: given by the
    composition root (the report belongs to the scenarios layer, which the API does not import)."""

    def __call__(
        self,
        incident: dict[str, Any],
        tasks: Sequence[dict[str, Any]],
        reports: Sequence[dict[str, Any]],
        exchanges: Sequence[dict[str, Any]],
        losses: dict[str, Any] | None,
        armed: Sequence[str],
        words: Words,
        lookup: Any,
        *,
        supplies: Sequence[dict[str, Any]] = (),
        work_orders: Sequence[dict[str, Any]] = (),
        readiness: Sequence[dict[str, Any]] = (),
        moves: Sequence[dict[str, Any]] = (),
    ) -> str: ...


_BEARER = Depends(HTTPBearer(auto_error=False, description="A command centre's token: `Authorization: Bearer <token>`"))


@dataclass(frozen=True)
class ApiContext:
    picture: Picture
    hub: FeedHub
    regions: RegionIndex
    commands: CommandSink
    access: AccessPolicy
    replay: ReplayControl | None
    fleet: FleetState | None
    clock: Callable[[], int] | None
    counts: Callable[[], dict[str, Any]] | None
    metrics: Callable[[], str] | None = None
    words: Words | None = None
    facilities: Mapping[str, Any] = field(default_factory=dict)  # map layers: class → sites (playbooks' places)
    stockpiles: Stockpiles = field(default_factory=load_stockpiles)  # depots and shelters (docs/resources.md)
    surge: SurgePolicy = field(default_factory=load_surge_policy)  # hospitals' room by speciality
    evaluation: EvaluationPage | None = None  # None: this API serves no evaluations (404 says so)

    def event_now(self) -> int:
        """The picture's event time: the runtime's clock if given, else the last delta's time."""
        now = self.clock() if self.clock is not None else self.picture.at_ms
        if not now:
            raise HTTPException(
                503, "no event time yet: the picture has received no delta, so a command cannot be stamped"
            )
        return now

    def viewer_of(self, token: str | None, where: str) -> Viewer:
        if not token:
            raise HTTPException(
                401,
                f"missing token: send it {where}",
                headers={"WWW-Authenticate": 'Bearer realm="ebrain"'},
            )
        viewer = self.access.authenticate(token)
        if viewer is None:
            raise HTTPException(
                401,
                "unknown token: it is not in this server's token list",
                headers={"WWW-Authenticate": 'Bearer realm="ebrain", error="invalid_token"'},
            )
        return viewer

    def viewer_dependency(self) -> Callable[..., Viewer]:
        def viewer(request: Request, creds: HTTPAuthorizationCredentials | None = _BEARER) -> Viewer:
            if creds is None and request.headers.get("authorization"):
                raise HTTPException(401, "the Authorization header must be 'Bearer <token>'")
            return self.viewer_of(creds.credentials if creds else None, "as 'Authorization: Bearer <token>'")

        return viewer

    def page_viewer_dependency(self) -> Callable[..., Viewer]:
        """For a page a browser opens by a link (an evaluation): the Bearer header, or `?token=` as the watch floor's
        own address carries it (a link cannot set a header)."""

        def viewer(
            request: Request, token: str | None = None, creds: HTTPAuthorizationCredentials | None = _BEARER
        ) -> Viewer:
            if creds is None and request.headers.get("authorization"):
                raise HTTPException(401, "the Authorization header must be 'Bearer <token>'")
            return self.viewer_of(
                creds.credentials if creds else token, "as 'Authorization: Bearer <token>' or ?token="
            )

        return viewer

    def incident_for(self, viewer: Viewer, incident_id: str) -> dict[str, Any]:
        """The incident as `viewer` may see it: 404 if unknown (with a did-you-mean among those it can see),
        403 if it exists but is outside the viewer's scope. Call with the hub's lock held."""
        incident = self.picture.incidents.get(incident_id)
        if incident is None:
            visible = [i for i, inc in self.picture.incidents.items() if incident_visible(viewer, inc, self.picture)]
            raise HTTPException(404, f"no incident {incident_id!r}{did_you_mean(incident_id, visible)}")
        seen = scope(viewer, "incident", incident_id, incident, self.picture)
        if seen is None:
            raise HTTPException(403, f"incident {incident_id!r} is outside the scope of centre {viewer.centre.code}")
        return seen
