"""Readiness under a warning: coverage before and after move-ups, proposals, and operators' decisions on them.

When a warning comes into force (issued, or updated), the theater measures coverage of the warned area
(`geo/coverage.py`: the registered hazards the warning threatens, and the population, within 15 and 30 minutes of
an available team with the answering capability) and proposes moves that raise it (`geo/move_up.py`): teams of
the warned province, and of provinces whose agreements lend that capability to it. Each proposal is a `move_up`
delta; the coverage is a `readiness` delta (before, if every proposal were accepted, and after the moves accepted
so far). An operator accepts or rejects a proposal (command `approve` / `reject`, target `move:<id>`); an accepted
move changes where the unit stands (its base), so dispatch ranks it from there, and the unit's change is a
`responder` delta. A later update or cancel of the warning withdraws the proposals still open.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from geo import move_up
from geo.coverage import Target, coverage, targets, times_s
from playbooks.evidence import Signal
from streams.theater.state import Emitter, TheaterContext, TheaterState
from streams.wire.records import OperatorCommand

MOVE_PREFIX = "move:"


@dataclass(frozen=True)
class Readiness:
    """Coverage of one warning's area: when it came into force, with every proposal, and with those accepted."""

    area_adcodes: tuple[str, ...]
    warning_id: str
    hazard: str
    capability: str
    at_ms: int
    # shares are floats, what they are shares of (hazards, persons) ints: typed so, a restore decodes them alike
    before: dict[str, float | int] = field(default_factory=dict)
    proposed: dict[str, float | int] = field(default_factory=dict)
    after: dict[str, float | int] = field(default_factory=dict)
    moves: tuple[str, ...] = ()
    province: str = ""  # the warning's: whose teams, and whose lenders', count


@dataclass(frozen=True)
class MoveUp:
    """One proposed pre-positioning move and what became of it."""

    id: str  # "<warning id>.M<n>"
    warning_id: str
    responder_id: str
    responder_name: str
    capability: str
    from_adcode: str
    from_lon: float
    from_lat: float
    to_adcode: str
    to_place: str  # the hazard site or county the post is at
    to_lon: float
    to_lat: float
    travel_min: float  # to get there from where it stands
    gain: float
    status: str = "proposed"  # proposed | accepted | rejected | withdrawn
    decided_by: str = ""
    decided_ms: int = 0
    reason: str = ""


def on_warning(state: TheaterState, signal: Signal, ctx: TheaterContext, out: Emitter) -> None:
    """A warning came into force, changed or ended: withdraw open proposals, then measure and propose anew."""
    data = ctx.readiness
    warning_id = signal.attr("warning_id")
    for move in [m for m in state.move_ups.values() if m.warning_id == warning_id and m.status == "proposed"]:
        _decide(state, replace(move, status="withdrawn", decided_ms=state.now_ms, reason="warning changed"), out)
    if data is None or signal.attr("action") == "cancel":
        return
    rule = data.rules.hazards.get(signal.attr("hazard"))
    area = tuple(a for a in signal.attr("area").split(",") if a)
    if rule is None or not area:
        return
    to = targets(area, tuple(rule.classes), data.sites, data.population, ctx.regions)
    if not to:
        return
    within = tuple(data.rules.within_min)
    ids, lon, lat = _capable(state, ctx, rule.capability, signal.province)
    times = times_s(ctx.roads, lon, lat, to)
    before = coverage(times, to, within)
    near = times.min(axis=1) <= data.rules.move_up.reach_min * 60 if len(ids) else np.zeros(0, dtype=bool)
    keep = np.flatnonzero(near)
    posts = to
    post_times = times_s(ctx.roads, np.array([t.lon for t in posts]), np.array([t.lat for t in posts]), to)
    counties = tuple(state.fleet.responders[ids[i]].home_adcode for i in keep)
    chosen = move_up.propose(  # the posts are the targets: a team's time to a target is its time to that post
        times[keep], post_times, counties, to, within, data.rules.move_up, tuple(t.adcode for t in posts), times[keep]
    )
    after_all = times.copy()
    numbered = sum(1 for m in state.move_ups.values() if m.warning_id == warning_id)
    made: list[str] = []
    for n, mv in enumerate(chosen, start=numbered + 1):
        unit = state.fleet.responders[ids[keep[mv.unit]]]
        post = posts[mv.post]
        after_all[keep[mv.unit]] = post_times[mv.post]
        trip = ctx.roads.travel_time_s(unit.base_lon, unit.base_lat, post.lon, post.lat)
        move = MoveUp(  # keyword order: what the unit is, where it stands, where it would stand
            responder_id=unit.id,
            responder_name=unit.name,
            capability=rule.capability,
            id=f"{warning_id}.M{n}",
            from_adcode=unit.home_adcode,
            from_lon=unit.base_lon,
            from_lat=unit.base_lat,
            travel_min=round(trip / 60, 1),
            to_adcode=post.adcode,
            to_place=post.name,
            to_lon=post.lon,
            to_lat=post.lat,
            gain=round(mv.gain, 4),
            warning_id=warning_id,
        )
        state.move_ups[move.id] = move
        made.append(move.id)
        out.emit("move_up", move.id, move)
    state.readiness[warning_id] = Readiness(
        area_adcodes=area,
        warning_id=warning_id,
        hazard=signal.attr("hazard"),
        capability=rule.capability,
        at_ms=state.now_ms,
        before=dict(before.as_dict()),
        proposed=dict(coverage(after_all, to, within).as_dict()),
        after=dict(before.as_dict()),
        moves=tuple(made),
        province=signal.province,
    )
    state.dirty.add(("meta", "readiness"))
    out.emit("readiness", warning_id, state.readiness[warning_id])


def _capable(
    state: TheaterState, ctx: TheaterContext, capability: str, province: str
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Available teams with the capability, of the warned province or of provinces that lend it there."""
    lenders = ctx.dispatch_policy.agreements.lenders_of(province, capability) | {province}
    roster = state.fleet.roster
    if capability not in roster.capabilities:
        return [], np.zeros(0), np.zeros(0)
    mask = roster.has(capability) & state.fleet.available_mask & np.isin(roster.province, sorted(lenders))
    idx = np.flatnonzero(mask)
    return [roster.ids[i] for i in idx], roster.lon[idx], roster.lat[idx]


def on_command(state: TheaterState, cmd: OperatorCommand, ctx: TheaterContext, out: Emitter) -> None:
    """An operator's decision on a proposal: `approve` moves the unit, `reject` keeps it where it stands."""
    move_id = cmd.target.removeprefix(MOVE_PREFIX)
    move = state.move_ups.get(move_id)
    if move is None:
        out.emit("rejected", cmd.event_id, f"command {cmd.action}: no move-up {move_id!r}")
        return
    if move.status != "proposed":
        out.emit("rejected", cmd.event_id, f"command {cmd.action}: move-up {move_id} is already {move.status}")
        return
    who = f"operator:{cmd.operator}@{cmd.centre}"
    if cmd.action == "reject":
        _decide(
            state, replace(move, status="rejected", decided_by=who, decided_ms=state.now_ms, reason=cmd.reason), out
        )
        _remeasure(state, move.warning_id, ctx, out)
        return
    if state.fleet.status_of(move.responder_id) != "available":
        out.emit("rejected", cmd.event_id, f"command approve: move-up {move_id}: the unit is not available")
        return
    state.fleet = state.fleet.with_positions({move.responder_id: (move.to_lon, move.to_lat)})
    _decide(state, replace(move, status="accepted", decided_by=who, decided_ms=state.now_ms, reason=cmd.reason), out)
    moved = {"id": move.responder_id, "status": "available", "why": f"moved up by {who.removeprefix('operator:')}"}
    out.emit("responder", move.responder_id, {**moved, "moved_to": [move.to_lon, move.to_lat]})
    _remeasure(state, move.warning_id, ctx, out)


def _decide(state: TheaterState, move: MoveUp, out: Emitter) -> None:
    state.move_ups[move.id] = move
    state.dirty.add(("meta", "readiness"))
    out.emit("move_up", move.id, move)


def _remeasure(state: TheaterState, warning_id: str, ctx: TheaterContext, out: Emitter) -> None:
    """Coverage of the warning's area as the units now stand (the accepted moves in place)."""
    found = state.readiness.get(warning_id)
    data = ctx.readiness
    if found is None or data is None:
        return
    rule = data.rules.hazards[found.hazard]
    to: tuple[Target, ...] = targets(found.area_adcodes, tuple(rule.classes), data.sites, data.population, ctx.regions)
    _, lon, lat = _capable(state, ctx, found.capability, found.province)
    now = coverage(times_s(ctx.roads, lon, lat, to), to, tuple(data.rules.within_min))
    state.readiness[warning_id] = replace(found, after=dict(now.as_dict()))
    out.emit("readiness", warning_id, state.readiness[warning_id])


def positions(state: TheaterState) -> dict[str, tuple[float, float]]:
    """Where accepted moves put their units (the durable form keeps the moves; recovery puts the units back)."""
    return {m.responder_id: (m.to_lon, m.to_lat) for m in state.move_ups.values() if m.status == "accepted"}
