"""Road closures reported by agencies: while one is in force, dispatch and casualty routing use the road
graph with it (`roads_of`). Which report kinds close, slow or reopen roads is data
(``geo/data/closure_reports.yaml``); each change is a `closure` delta for the map.
"""

from __future__ import annotations

from dataclasses import replace

from geo.closures import closure_around
from geo.geodesy import haversine_km
from geo.roads import RoadGraph
from playbooks.evidence import Signal
from streams.theater.state import ActiveClosure, Emitter, TheaterContext, TheaterState

_LOCATED = ("gps", "place")  # a closure needs a point, not a whole town or county


def roads_of(state: TheaterState, ctx: TheaterContext) -> RoadGraph:
    """The theater's road graph with the closures in force (rebuilt only when they change)."""
    if not state.closures:
        return ctx.roads
    key = tuple(sorted(state.closures))
    if state.road_cache is None or state.road_cache[0] != key:
        closures = [
            closure_around(c.id, c.kind, c.lon, c.lat, c.radius_m, c.factor)  # type: ignore[arg-type]
            for c in (state.closures[cid] for cid in key)
        ]
        state.road_cache = (key, ctx.roads.with_closures(closures))
    return state.road_cache[1]


def on_report(state: TheaterState, signal: Signal, ctx: TheaterContext, out: Emitter) -> None:
    """Open or reopen roads for an agency report of a closure kind; other signals pass untouched."""
    if signal.source != "agency" or not signal.kind.startswith("report:"):
        return
    report_kind = signal.kind.removeprefix("report:")
    what = ctx.closure_reports.kind_of(report_kind)
    if what is None:
        return
    if signal.lon is None or signal.lat is None or signal.precision not in _LOCATED:
        out.emit(
            "rejected",
            signal.signal_id,
            f"agency.incident {signal.signal_id}: incident_kind={report_kind!r} needs a position "
            f"(located only to {signal.precision} precision); no road was closed or reopened",
        )
        return
    if what == "closes":
        _close(state, signal, report_kind, ctx, out)
    else:
        _reopen(state, signal, report_kind, ctx, out)


def _close(state: TheaterState, signal: Signal, report_kind: str, ctx: TheaterContext, out: Emitter) -> None:
    assert signal.lon is not None and signal.lat is not None
    rule = ctx.closure_reports.closes[report_kind]
    closure = ActiveClosure(
        id=f"C-{signal.signal_id}",
        kind=rule.closure,
        report_kind=report_kind,
        lon=signal.lon,
        lat=signal.lat,
        radius_m=rule.radius_m,
        factor=rule.factor,
        since_ms=signal.at_ms,
        signal_id=signal.signal_id,
        agency=signal.attr("agency"),
    )
    if closure.id in state.closures:
        return
    state.closures[closure.id] = closure
    state.dirty.add(("meta", "closures"))
    out.emit("closure", closure.id, closure)


def _reopen(state: TheaterState, signal: Signal, report_kind: str, ctx: TheaterContext, out: Emitter) -> None:
    assert signal.lon is not None and signal.lat is not None
    reach_km = ctx.closure_reports.reopens[report_kind].match_m / 1000
    near = [
        cid
        for cid, c in sorted(state.closures.items())
        if float(haversine_km(c.lon, c.lat, signal.lon, signal.lat)) <= reach_km
    ]
    if not near:
        out.emit(
            "rejected",
            signal.signal_id,
            f"agency.incident {signal.signal_id}: {report_kind} at ({signal.lon:.5f}, {signal.lat:.5f}): "
            f"no closure in force within {reach_km * 1000:.0f} m",
        )
        return
    for cid in near:
        reopened = replace(state.closures.pop(cid), status="reopened")
        out.emit("closure", cid, reopened)
    state.dirty.add(("meta", "closures"))
