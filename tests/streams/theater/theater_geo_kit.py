"""Helpers for the theater's geo tests: a hand-made incident, a context without auto-accepted mutual aid,
a dispatch for it, and a way to run inputs through the theater step in event time."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from geo.fleet import FleetState
from playbooks.incident import Incident
from playbooks.lifecycle import DispatchEffect
from streams import theater
from streams.theater.effects import dispatch
from streams.theater.state import Delta, Emitter, TheaterContext, TheaterState
from streams.wire.records import OperatorCommand, TheaterInput, Tick

T0 = 1_710_287_640_000  # 2024-03-13 07:54 +08:00, the Yanjiao blast
YANJIAO = (116.81, 39.96)
HB, BJ, TJ = "130000", "110000", "120000"


def incident_at(
    lon: float = YANJIAO[0],
    lat: float = YANJIAO[1],
    adcode: str = "131082",
    province: str = HB,
    kind: str = "gas_explosion",
    incident_id: str = "JINGJINJI-000001",
) -> Incident:
    return Incident(
        id=incident_id, theater="jingjinji", type=kind, family="gas", opened_at_ms=T0, updated_at_ms=T0,
        last_evidence_ms=T0, lon=lon, lat=lat, province=province, adcode=adcode, provinces=(province,),
        adcodes=(adcode,), evidence=(), counts=(), confidence=1.0,
    )  # fmt: skip


def stepwise(ctx: TheaterContext) -> TheaterContext:
    """The context with one tick source, so a Tick releases everything up to its time."""
    return replace(ctx, tick_sources=())


def manual_aid(ctx: TheaterContext) -> TheaterContext:
    """The context with no standing authorisation: every loan goes through the command centres."""
    agreements = replace(ctx.dispatch_policy.agreements, auto_accept={})
    return stepwise(replace(ctx, dispatch_policy=replace(ctx.dispatch_policy, agreements=agreements)))


def start(state: TheaterState, incident: Incident, at_ms: int = T0) -> Emitter:
    state.now_ms = at_ms
    out = Emitter(state)
    out.incident(incident)
    return out


def dispatched(
    ctx: TheaterContext, fleet: FleetState, capability: str, count: int
) -> tuple[TheaterState, Emitter, Incident]:
    """The hand-made incident at 燕郊 asking for `count` units of `capability` (on scene within 30 min): the state,
    what was emitted, and the incident after the dispatch."""
    state = TheaterState(fleet=fleet)
    incident = incident_at()
    out = start(state, incident)
    effect = DispatchEffect(incident.id, "explosion-response", capability, count, T0 + 30 * 60_000)
    incident = dispatch(state, incident, effect, ctx, out)
    out.incident(incident)
    return state, out, incident


def run(state: TheaterState, ctx: TheaterContext, *items: TheaterInput, until_ms: int) -> list[Delta]:
    """Step the inputs, then a tick at `until_ms` that releases them (and fires what is due)."""
    deltas: list[Delta] = []
    for item in (*items, Tick(until_ms)):
        _, out = theater.step(state, item, ctx)
        deltas += out
    return deltas


def command(action: str, centre: str, target: str, at_ms: int, **more: Any) -> OperatorCommand:
    return OperatorCommand(
        event_id=f"cmd-{action}-{centre}-{at_ms}", at_ms=at_ms, operator="duty", centre=centre, action=action,
        target=target, **more,
    )  # fmt: skip


def of_kind(deltas: list[Delta], kind: str) -> list[Any]:
    return [d.entity for d in deltas if d.kind == kind]
