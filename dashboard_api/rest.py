"""Read endpoints. Every entity passes through `scoping.scope`, as in the feed.

Lists answer `{"seq", "total", "items"}`: `seq` is the feed position the list reflects, so a client can follow
it with `/ws/feed?since=<seq>` and miss nothing.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from typing import Annotated, Any, Literal

import msgspec
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse

from dashboard_api.access import Viewer
from dashboard_api.context import ApiContext
from dashboard_api.queries import IncidentFilter, parse_when, select_incidents, timeline
from dashboard_api.scoping import scope
from geo.fleet import FleetState
from geo.hospitals import SurgePolicy
from geo.names import did_you_mean
from geo.regions import PROVINCES
from geo.stockpiles import SHELTER_PLACES, Stockpiles
from streams.words import Words

_ENCODER = msgspec.json.Encoder()
# The evaluation is a self-contained page: its own inline style, no script, nothing fetched.
_EVALUATION_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "Cache-Control": "no-store",
}
Stage = Literal["before", "during", "after", "closed"]
Level = Literal["I", "II", "III", "IV"]


def _page(seq: int, items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    return {"seq": seq, "total": len(items), "items": items[offset : offset + limit]}


def _when(value: str | None, field: str) -> int | None:
    try:
        return parse_when(value, field)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


def build_read_routes(ctx: ApiContext) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["read"])
    viewer_dep = Depends(ctx.viewer_dependency())
    page_viewer_dep = Depends(ctx.page_viewer_dependency())
    pic, hub = ctx.picture, ctx.hub
    words = ctx.words or Words.build(ctx.regions)
    county_codes = {u.adcode for u in ctx.regions.units}
    regions_cache: dict[str, tuple[bytes, str]] = {}
    vocabulary_cache = _vocabulary(words, ctx.regions)
    layers_cache = _layers(words, ctx.facilities)
    layers_cache["shelters"] += _shelter_sites(words, ctx.stockpiles)
    regions_lock = threading.Lock()

    def check_region(value: str | None, field: str, provinces_only: bool = False) -> None:
        known = set(PROVINCES) if provinces_only else set(PROVINCES) | county_codes
        if value is not None and value not in known:
            what = "a province adcode" if provinces_only else "a province or county adcode"
            raise HTTPException(422, f"{field}={value!r} is not {what} of the theater{did_you_mean(value, known)}")

    def scoped(viewer: Viewer, kind: str, entities: dict[str, dict[str, Any]]) -> list[Any]:
        out = (scope(viewer, kind, key, data, pic) for key, data in entities.items())
        return [item for item in out if item is not None]

    @router.get("/health", summary="Liveness and feed position (no token needed)")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "seq": pic.seq, "event_time_ms": pic.at_ms, "clients": hub.stats()["clients"]}

    @router.get("/me", summary="The token's operator, centre and what it may do")
    async def me(viewer: Viewer = viewer_dep) -> dict[str, Any]:
        centre = viewer.centre
        return {
            "name": viewer.name,
            "centre": centre.code,
            "centre_kind": centre.kind,
            "centre_name": words.centre(centre.code, "zh"),
            "centre_name_en": words.centre(centre.code, "en"),
            "province": centre.province,
            "county": centre.county,
            "personal": viewer.personal,
            "can_control_replay": viewer.can_control_replay and ctx.replay is not None,
        }

    @router.get("/incidents", summary="Incidents in the token's scope, most recently updated first")
    async def incidents(
        viewer: Viewer = viewer_dep,
        region: Annotated[str | None, Query(description="county or province adcode the incident touches")] = None,
        province: Annotated[str | None, Query(description="province adcode among the incident's provinces")] = None,
        stage: Stage | None = None,
        level: Annotated[Level | None, Query(description="response level")] = None,
        type: Annotated[str | None, Query(description="incident type, e.g. gas_explosion")] = None,
        status: Literal["open", "closed", "merged"] | None = None,
        since: Annotated[str | None, Query(description="updated at or after: epoch ms or ISO 8601 with offset")] = None,
        until: Annotated[str | None, Query(description="opened at or before: epoch ms or ISO 8601 with offset")] = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        check_region(region, "region")
        check_region(province, "province", provinces_only=True)
        flt = IncidentFilter(region, province, stage, level, type, status, _when(since, "since"), _when(until, "until"))
        with hub.lock:
            items = select_incidents(scoped(viewer, "incident", pic.incidents), flt)
            return _page(pic.seq, items, limit, offset)

    @router.get("/incidents/{incident_id}", summary="One incident (403 outside the token's scope)")
    async def incident(incident_id: str, viewer: Viewer = viewer_dep) -> dict[str, Any]:
        with hub.lock:
            return ctx.incident_for(viewer, incident_id)

    @router.get(
        "/incidents/{incident_id}/evidence",
        summary="An incident's whole evidence, in its order, paged (a delta carries only what changed of it)",
    )
    async def incident_evidence(
        incident_id: str,
        viewer: Viewer = viewer_dep,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        with hub.lock:
            seen = ctx.incident_for(viewer, incident_id)
            page = _page(pic.seq, seen["evidence"], limit, offset)
            return {"incident_id": incident_id, **page}

    @router.get("/incidents/{incident_id}/timeline", summary="Decisions, evidence, tasks, notifications in time order")
    async def incident_timeline(incident_id: str, viewer: Viewer = viewer_dep) -> dict[str, Any]:
        with hub.lock:
            seen = ctx.incident_for(viewer, incident_id)
            tasks = [t for t in pic.tasks_of(incident_id) if scope(viewer, "task", t["id"], t, pic) is not None]
            notes = [n for n in pic.notifications_of(incident_id) if scope(viewer, "notification", n["id"], n, pic)]
            entries = timeline(seen, tasks, notes)
            for entry in entries:
                entry["say"] = words.timeline_entry(entry, seen, pic)
            return {"seq": pic.seq, "incident_id": incident_id, "entries": entries}

    @router.get(
        "/incidents/{incident_id}/evaluation",
        summary="The incident's evaluation (调查评估) as an HTML page, Chinese with an English switch",
        response_class=HTMLResponse,
    )
    async def incident_evaluation(incident_id: str, viewer: Viewer = page_viewer_dep) -> HTMLResponse:
        with hub.lock:
            try:
                seen = ctx.incident_for(viewer, incident_id)
            except HTTPException as exc:  # outside the scope: the evaluation does not say the incident exists
                raise HTTPException(404, f"no incident {incident_id!r} in the scope of this centre") from exc
            tasks = [t for t in pic.tasks_of(incident_id) if scope(viewer, "task", t["id"], t, pic) is not None]
            reports = [r for r in pic.reports.values() if r.get("incident_id") == incident_id]
            exchanges = [x for x in pic.mutual_aid.values() if x.get("incident_id") == incident_id]
            armed = words.rule_ids(str(seen.get("playbook", "")))
            if ctx.evaluation is None:
                raise HTTPException(404, "this API instance was started without evaluation pages")
            page = ctx.evaluation(
                seen,
                tasks,
                reports,
                exchanges,
                pic.losses.get(incident_id),
                armed,
                words,
                pic,
                supplies=[x for x in pic.supplies.values() if x.get("incident_id") == incident_id],
                work_orders=[o for o in pic.work_orders.values() if o.get("incident_id") == incident_id],
                readiness=scoped(viewer, "readiness", pic.readiness),
                moves=scoped(viewer, "move_up", pic.move_ups),
            )
            return HTMLResponse(page, headers=_EVALUATION_HEADERS)

    @router.get("/feed", summary="The latest feed lines the token may see, newest first (what the page opens with)")
    async def feed(viewer: Viewer = viewer_dep, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:
        items = hub.recent(viewer, limit)
        return {"seq": pic.seq, "total": len(items), "items": items}

    @router.get("/reports-due", summary="Upward reports (信息报告) due from this centre, soonest first")
    async def reports_due(
        viewer: Viewer = viewer_dep,
        status: Literal["open", "due", "late", "submitted", "all"] = "open",
    ) -> dict[str, Any]:
        wanted = {"open": ("due", "late"), "all": ("due", "late", "submitted")}.get(status, (status,))
        with hub.lock:
            items = [r for r in scoped(viewer, "report", pic.reports) if r.get("status") in wanted]
            items.sort(key=lambda r: (r.get("due_ms", 0), r.get("id", "")))
            return _page(pic.seq, items, len(items) or 1, 0)

    @router.get("/losses", summary="Loss statistics summed per incident in scope, and per region over them")
    async def losses(viewer: Viewer = viewer_dep) -> dict[str, Any]:
        with hub.lock:
            items = sorted(scoped(viewer, "losses", pic.losses), key=lambda x: str(x.get("incident_id", "")))
            regions: dict[str, list[int]] = {}
            for item in items:
                for province, figures in item.get("by_province") or []:
                    sums = regions.setdefault(province, [0] * len(figures))
                    for i, value in enumerate(figures):
                        sums[i] += value
            names = ("deaths", "injured", "missing", "relocated", "houses_damaged", "direct_loss_cny")
            by_region = [{"province": p, **dict(zip(names, regions[p], strict=True))} for p in sorted(regions)]
            return {**_page(pic.seq, items, len(items) or 1, 0), "regions": by_region}

    @router.get(
        "/work-orders", summary="12345 work orders of the centre's hotline, with the reply and follow-up when done"
    )
    async def work_orders(
        viewer: Viewer = viewer_dep, status: Literal["assigned", "handling", "done"] | None = None
    ) -> dict[str, Any]:
        with hub.lock:
            items = [w for w in scoped(viewer, "work_order", pic.work_orders) if status in (None, w.get("status"))]
            items.sort(key=lambda w: (w.get("assigned_ms", 0), w.get("id", "")))
            return _page(pic.seq, items, len(items) or 1, 0)

    @router.get("/readiness", summary="Coverage under warnings (before → after move-ups) and the move-up proposals")
    async def readiness(viewer: Viewer = viewer_dep) -> dict[str, Any]:
        with hub.lock:
            items = sorted(scoped(viewer, "readiness", pic.readiness), key=lambda r: str(r.get("warning_id", "")))
            moves = sorted(scoped(viewer, "move_up", pic.move_ups), key=lambda m: str(m.get("id", "")))
            return {**_page(pic.seq, items, len(items) or 1, 0), "moves": moves}

    @router.get("/layers", summary="Map layers from shipped data: hazard sites and shelters, with their names")
    async def layers(_: Viewer = viewer_dep) -> dict[str, Any]:
        return layers_cache

    @router.get("/words", summary="The operator language's vocabulary and place names, for labels and filters")
    async def vocabulary(_: Viewer = viewer_dep) -> dict[str, Any]:
        return vocabulary_cache

    @router.get("/tasks", summary="Tasks of incidents in scope, and tasks of the centre's own responders")
    async def tasks(
        viewer: Viewer = viewer_dep,
        incident_id: str | None = None,
        status: str | None = None,
        responder_province: str | None = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        check_region(responder_province, "responder_province", provinces_only=True)
        with hub.lock:
            wanted = {"incident_id": incident_id, "status": status, "responder_province": responder_province}
            items = _by_id(_where(scoped(viewer, "task", pic.tasks), wanted))
            return _page(pic.seq, items, limit, offset)

    @router.get("/responders", summary="Responders (the whole synthetic fleet if known) and their statuses")
    async def responders(
        viewer: Viewer = viewer_dep,
        status: str | None = None,
        province: Annotated[str | None, Query(description="home province adcode")] = None,
        kind: Annotated[str | None, Query(description="kind of unit, e.g. fire_station, hospital")] = None,
        limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        check_region(province, "province", provinces_only=True)
        with hub.lock:
            items = [_responder(ctx, rid, entry) for rid, entry in _all_responders(ctx).items()]
            items = [r for r in items if scope(viewer, "responder", r["id"], r, pic) is not None]
            items = _where(items, {"status": status, "home_province": province, "kind": kind})
            page = _page(pic.seq, items, limit, offset)
        for item in page["items"]:
            item["say"] = words.labels("responder", item)
        return page

    @router.get("/notifications", summary="Notifications to the centre's province and about incidents in scope")
    async def notifications(
        viewer: Viewer = viewer_dep,
        incident_id: str | None = None,
        to_province: str | None = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        check_region(to_province, "to_province", provinces_only=True)
        with hub.lock:
            items = _where(
                scoped(viewer, "notification", pic.notifications),
                {"incident_id": incident_id, "to_province": to_province},
            )
            items.sort(key=lambda n: (-n["at_ms"], n["id"]))
            return _page(pic.seq, items, limit, offset)

    @router.get("/warnings", summary="Public warnings (CAP 1.2) as JSON, newest first; each has its CAP XML")
    async def warnings(
        viewer: Viewer = viewer_dep,
        incident_id: str | None = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        with hub.lock:
            items = _where(scoped(viewer, "warning", pic.warnings), {"incident_id": incident_id})
            items.sort(key=lambda w: (-w["sent_ms"], w["identifier"]))
            return _page(pic.seq, items, limit, offset)

    @router.get(
        "/warnings/{identifier}/cap.xml",
        summary="One public warning as OASIS CAP 1.2 XML",
        response_class=Response,
        responses={200: {"content": {"application/cap+xml": {}}}},
    )
    async def warning_xml(identifier: str, viewer: Viewer = viewer_dep) -> Response:
        with hub.lock:
            warning = pic.warnings.get(identifier)
            if warning is None or scope(viewer, "warning", identifier, warning, pic) is None:
                raise HTTPException(404, f"no public warning {identifier!r}")
            return Response(warning["cap_xml"], media_type="application/cap+xml")

    @router.get("/mutual-aid", summary="Mutual-aid exchanges the centre takes part in (joint: all)")
    async def mutual_aid(viewer: Viewer = viewer_dep) -> dict[str, Any]:
        with hub.lock:
            items = _by_id(scoped(viewer, "mutual_aid", pic.mutual_aid))
            return _page(pic.seq, items, len(items) or 1, 0)

    @router.get(
        "/supplies", summary="Supply and shelter-place exchanges in scope, and every depot's and shelter's stock now"
    )
    async def supplies(viewer: Viewer = viewer_dep) -> dict[str, Any]:
        with hub.lock:
            items = sorted(scoped(viewer, "supply", pic.supplies), key=lambda x: str(x.get("request_id", "")))
            left = dict(pic.stock_left)
            seq = pic.seq
        return {**_page(seq, items, len(items) or 1, 0), **stock_now(ctx.stockpiles, left)}

    @router.get("/hospitals", summary="Hospitals' beds by speciality: room for one event's casualties, used, free")
    async def hospitals(viewer: Viewer = viewer_dep, used_only: bool = False) -> dict[str, Any]:
        if ctx.fleet is None:
            return _page(pic.seq, [], 1, 0)
        with hub.lock:
            routings = list(pic.casualty_routings.values())
            seq = pic.seq
        items = hospital_capacity(ctx.fleet, ctx.surge, routings)
        if used_only:
            items = [h for h in items if any(u["used"] for u in h["units"])]
        return _page(seq, items, len(items) or 1, 0)

    @router.get("/closures", summary="Road closures in force or reopened (the shared road picture)")
    async def closures(viewer: Viewer = viewer_dep) -> dict[str, Any]:
        with hub.lock:
            items = _by_id(scoped(viewer, "closure", pic.closures))
            return _page(pic.seq, items, len(items) or 1, 0)

    @router.get(
        "/regions",
        summary="County or province boundaries as GeoJSON (RFC 7946, WGS84 lon/lat)",
        response_class=Response,
        responses={200: {"content": {"application/geo+json": {}}}},
    )
    def regions(request: Request, level: Literal["county", "province"] = "county", _: Viewer = viewer_dep) -> Response:
        with regions_lock:
            if level not in regions_cache:
                body = _ENCODER.encode(_named(ctx.regions.geojson(level), words, ctx.regions))
                regions_cache[level] = (body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
        body, etag = regions_cache[level]
        headers = {"ETag": etag, "Cache-Control": "private, max-age=3600"}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/geo+json", headers=headers)

    @router.get("/counts", summary="Runtime counts (received, accepted, dead-lettered) and the feed's counts")
    async def counts(_: Viewer = viewer_dep) -> dict[str, Any]:
        runtime = ctx.counts() if ctx.counts is not None else {}
        with hub.lock:
            deltas = dict(pic.applied)
            rejected = list(pic.rejected)[-20:]
            unsaid = dict(pic.unsaid.most_common(20))
        return {
            "runtime": runtime,
            "feed": hub.stats(),
            "deltas": deltas,
            "recent_rejections": rejected,
            "unsaid": unsaid,  # what the operator language had no phrase for (said generically): should be empty
        }

    return router


def _named(geojson: dict[str, Any], words: Words, regions: Any) -> dict[str, Any]:
    """Each feature gains its names for people (`name_en`; `label_zh`/`label_en`, short, for the map) and
    `label`, the [lon, lat] where the map writes it (a point inside the unit)."""
    for feature in geojson["features"]:
        props = feature["properties"]
        place = words.places.place(props["adcode"])
        if place is not None:
            props.update(name_en=place.en, label_zh=place.short_zh, label_en=place.short_en)
        if props["adcode"] in PROVINCES:
            point = regions.province_geometry(props["adcode"]).point_on_surface()
            props["label"] = [round(point.x, 4), round(point.y, 4)]
        else:
            unit = regions.unit(props["adcode"])
            props["label"] = [unit.label_lon, unit.label_lat]
    return geojson


def _vocabulary(words: Words, regions: Any) -> dict[str, Any]:
    voc = words.book.vocabulary
    kinds = (
        "stage", "level", "colour", "grade", "type", "capability", "task_status", "responder_status", "lead",
        "speciality", "item",
    )  # fmt: skip
    out: dict[str, Any] = {kind: {key: {"zh": v[0], "en": v[1]} for key, v in voc[kind].items()} for kind in kinds}
    out["aid_stage"] = {key: {"zh": v[0], "en": v[1]} for key, v in voc["aid_stage"].items()}
    places: dict[str, Any] = {}
    for code in [*PROVINCES, *(u.adcode for u in regions.units)]:
        place = words.places.place(code)
        if place is not None:
            places[code] = {"zh": place.zh, "en": place.en, "short_zh": place.short_zh, "short_en": place.short_en}
    out["places"] = places
    return out


def _layers(words: Words, facilities: Mapping[str, Any]) -> dict[str, Any]:
    """Hazard sites (chemical plants, underpasses, reservoirs, water plants) and shelters, where data exists."""
    hazards: list[dict[str, Any]] = []
    shelters: list[dict[str, Any]] = []
    for cls, items in sorted(facilities.items()):
        kind = words.book.vocabulary.get("facility", {}).get(cls)
        if kind is None:
            continue
        for f in items:
            entry = {
                "class": cls,
                "lon": f.lon,
                "lat": f.lat,
                "zh": f"{kind[0]}：{f.name}",
                "en": f"{kind[1]}: {words.places.local_name(f.name, 'en')}",
                "synthetic": "synthetic" in f.name or "synthetic" in f.source,
            }
            (shelters if cls == "shelter" else hazards).append(entry)
    return {"hazards": hazards, "shelters": shelters}


def stock_now(piles: Stockpiles, left: Mapping[str, int]) -> dict[str, Any]:
    """Each depot's stock by item and each shelter's free places now: the data's, moved by the supply messages."""
    depots = [
        {
            "id": d.id,
            "name": d.name,
            "owner": d.owner,
            "province": d.province,
            "lon": d.lon,
            "lat": d.lat,
            "synthetic": d.synthetic,
            "stock": {item: left.get(f"{d.id}/{item}", n) for item, n in d.stock},
            "held": dict(d.stock),
        }
        for d in piles.depots
    ]
    shelters = [
        {
            "id": s.id,
            "name": s.name,
            "owner": s.owner,
            "province": s.province,
            "lon": s.lon,
            "lat": s.lat,
            "synthetic": s.synthetic,
            "type": s.type,
            "capacity": s.capacity,
            "free": left.get(f"{s.id}/{SHELTER_PLACES}", s.capacity),
        }
        for s in piles.shelters
    ]
    return {"depots": depots, "shelters": shelters}


def hospital_capacity(fleet: FleetState, surge: SurgePolicy, routings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every hospital's room for one event's casualties (general beds and each speciality unit), how many of it the
    routed casualties use, and what is free. No discharge report exists in the contract, so beds are not given
    back: `used` counts every casualty routed there since the start."""
    used: dict[tuple[str, str], int] = {}
    for routing in routings:
        for share in routing.get("hospitals") or []:
            key = (str(share.get("hospital_id", "")), str(share.get("speciality", "")))
            used[key] = used.get(key, 0) + int(share.get("casualties") or 0)
    out = []
    for responder in fleet.roster.responders:
        if "hospital_beds" not in responder.capabilities:
            continue
        units = []
        for speciality in ("", *sorted(responder.specialities)):
            room = surge.room(responder.beds, speciality or None)
            taken = used.get((responder.id, speciality), 0)
            units.append({"speciality": speciality, "room": room, "used": taken, "free": max(0, room - taken)})
        out.append(
            {
                "id": responder.id,
                "name": responder.name,
                "province": responder.home_province,
                "adcode": responder.home_adcode,
                "beds": responder.beds,
                "units": units,
            }
        )
    return sorted(out, key=lambda h: str(h["id"]))


def _shelter_sites(words: Words, piles: Stockpiles) -> list[dict[str, Any]]:
    """The shelters of geo/data/shelters.yaml as map sites, with their capacity (docs/resources.md)."""
    return [
        {
            "class": "shelter",
            "lon": s.lon,
            "lat": s.lat,
            "synthetic": s.synthetic,
            "zh": f"应急避难场所：{s.name}（可容纳{s.capacity:,}人）",
            "en": f"Shelter: {words.places.local_name(s.name, 'en')} (for {s.capacity:,} people)",
        }
        for s in piles.shelters
    ]


def _by_id(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """In id order: every API instance lists the same items the same way, however its picture was built."""
    return sorted(items, key=lambda item: str(item.get("id", "")))


def _where(items: list[dict[str, Any]], wanted: dict[str, str | None]) -> list[dict[str, Any]]:
    """Items whose fields equal every wanted value that is given (None means any)."""
    asked = [(name, value) for name, value in wanted.items() if value is not None]
    return [item for item in items if all(item.get(name) == value for name, value in asked)]


def _all_responders(ctx: ApiContext) -> dict[str, dict[str, Any]]:
    if ctx.fleet is None:
        return ctx.picture.responders
    out: dict[str, dict[str, Any]] = {rid: {} for rid in ctx.fleet.responders}
    out.update(ctx.picture.responders)
    return out


def _responder(ctx: ApiContext, rid: str, entry: dict[str, Any]) -> dict[str, Any]:
    if ctx.fleet is None or rid not in ctx.fleet.responders:
        return {"id": rid, "status": entry.get("status", "available"), **entry}
    r = ctx.fleet.responders[rid]
    return {
        "id": rid,
        "name": r.name,
        "kind": r.kind,
        "capabilities": sorted(r.capabilities),
        "home_province": r.home_province,
        "home_adcode": r.home_adcode,
        "base_lon": r.base_lon,
        "base_lat": r.base_lat,
        "synthetic": r.synthetic,
        **entry,
        "status": entry.get("status") or ctx.fleet.status_of(rid),
    }
