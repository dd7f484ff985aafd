"""Road closures in force: reported by agencies, or put in force by a playbook (`close_road`). While one is in
force, dispatch and casualty routing use the road graph with it (`roads_of`). Which report kinds close, slow or
reopen roads is data (``geo/data/closure_reports.yaml``); a playbook's closure is lifted by the incident's rule
(`lift_closure`), by an operator's `lift_closure` command, or by a reopening report near it, like a reported one.
Each change is a `closure` delta for the map and, for a playbook's closure, a decision on its incident.
"""

from __future__ import annotations

from dataclasses import replace

from geo.closures import closure_around
from geo.geodesy import haversine_km
from geo.names import did_you_mean
from geo.roads import RoadGraph
from playbooks.effects import ClosureEffect
from playbooks.evidence import Signal
from playbooks.incident import Decision, Incident
from streams.theater.state import ActiveClosure, Emitter, TheaterContext, TheaterState
from streams.wire.records import OperatorCommand

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
        adcode=signal.adcode or "",
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
    who = f"agency:{signal.attr('agency')}"
    for cid in near:
        lifted = _lift(state, cid, who, signal.text, out)
        incident = state.fusion.incidents.get(lifted.incident_id)
        if incident is not None:  # a playbook's closure: its incident records who reopened the road
            out.incident(_decided(state, incident, f"closure {lifted.kind} lifted", who, signal.text))


def carry_out(state: TheaterState, incident: Incident, effect: ClosureEffect, out: Emitter) -> Incident:
    """A playbook's `close_road` or `lift_closure`, with a decision on the incident saying what changed."""
    if effect.verb == "lift":
        mine = [cid for cid, c in sorted(state.closures.items()) if c.incident_id == incident.id]
        for cid in mine:
            lifted = _lift(state, cid, effect.rule, effect.reason, out)
            incident = _decided(state, incident, f"closure {lifted.kind} lifted", effect.rule, effect.reason)
        return incident
    if effect.closure_id in state.closures:
        return incident  # already in force: a closure is not put in force twice
    closure = ActiveClosure(
        id=effect.closure_id,
        kind=effect.kind,
        report_kind="",
        lon=effect.lon,
        lat=effect.lat,
        radius_m=effect.radius_m,
        factor=effect.factor,
        since_ms=state.now_ms,
        signal_id="",
        agency="",
        incident_id=incident.id,
        rule=effect.rule,
        place=effect.place,
        reason=effect.reason,
        adcode=effect.adcode,
    )
    state.closures[closure.id] = closure
    state.dirty.add(("meta", "closures"))
    out.emit("closure", closure.id, closure)
    what = f"closure {effect.kind} in force ({effect.radius_m:.0f} m)"
    return _decided(state, incident, what, effect.rule, effect.reason)


def on_command(state: TheaterState, cmd: OperatorCommand, out: Emitter) -> None:
    """An operator lifts a closure in force (`target` = the closure's id): the road is open again for routing."""
    closure = state.closures.get(cmd.target)
    if closure is None:
        hint = did_you_mean(cmd.target, state.closures)
        out.emit("rejected", cmd.event_id, f"command lift_closure: target={cmd.target!r} is no closure in force{hint}")
        return
    who = f"operator:{cmd.operator}@{cmd.centre}"
    _lift(state, closure.id, who, cmd.reason, out)
    incident = state.fusion.incidents.get(closure.incident_id)
    if incident is not None:
        out.incident(_decided(state, incident, f"closure {closure.kind} lifted", who, cmd.reason))


def _lift(state: TheaterState, closure_id: str, by: str, reason: str, out: Emitter) -> ActiveClosure:
    lifted = replace(state.closures.pop(closure_id), status="reopened", lifted_by=by, reason=reason or "")
    state.dirty.add(("meta", "closures"))
    out.emit("closure", closure_id, lifted)
    return lifted


def _decided(state: TheaterState, incident: Incident, what: str, by: str, reason: str) -> Incident:
    return replace(incident, decisions=(*incident.decisions, Decision(state.now_ms, what, by, (), reason)))
