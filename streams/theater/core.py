"""The theater step: one incident picture for a group of neighbouring regions (京津冀 is one theater).

Inputs from every source partition are held until every partition's watermark (carried by ticks) has passed
them, then processed in event-time order. That makes the result independent of how the runtime interleaved
its partitions, so the embedded runtime and Kafka give identical incidents, tasks and ids.

Processing order per released input: fuse → playbook lifecycle → dispatch → deltas (each with a feed seq).
Mutual-aid deadlines and units returning to base are timers too, fired in event-time order with the rest.
"""

from __future__ import annotations

import heapq
from dataclasses import replace

from playbooks import lifecycle
from playbooks.evidence import Signal
from playbooks.incident import RESPONSE_LEVELS, Decision, Incident
from streams.fusion import fuse
from streams.ingest import warnings as in_force
from streams.theater import (
    casualties,
    closures,
    containment,
    losses,
    merges,
    mutual_aid,
    posts,
    readiness,
    reporting,
    supplies,
    warnings,
    watermark,
    wind,
    work_orders,
)
from streams.theater.commands import on_command
from streams.theater.effects import carry_out, replace_units
from streams.theater.responders import bring_back, next_return_ms, on_resource_update, on_task_reply
from streams.theater.state import Delta, Emitter, TheaterContext, TheaterState
from streams.wire.records import OperatorCommand, ResourceUpdate, TaskReply, TheaterInput, Tick

__all__ = ["Delta", "TheaterContext", "TheaterState", "step"]

TIMED_RULE_SCAN_MS = 60_000
_SOURCE_RANK = {"agency": 0, "sensor": 1, "hotline": 2, "operator": 3}


def _sort_key(item: TheaterInput) -> tuple[int, int, str]:
    if isinstance(item, Signal):
        return item.at_ms, _SOURCE_RANK.get(item.source, 9), item.signal_id
    if isinstance(item, Tick):
        return item.at_ms, 9, item.source
    return item.at_ms, 4, item.event_id


def step(state: TheaterState, item: TheaterInput, ctx: TheaterContext) -> tuple[TheaterState, list[Delta]]:
    out = Emitter(state)
    if isinstance(item, Tick):
        _advance(state, item, ctx, out)
    elif (key := _sort_key(item))[0] <= state.now_ms:
        state.late_inputs += 1  # late: its time has passed; processed at once, in arrival order, and counted
        state.dirty.add(("meta", "late"))
        _process_safely(state, item, ctx, out)
    else:
        state.arrivals += 1
        heapq.heappush(state.buffer, (*key, state.arrivals, item))
        state.dirty.add(("meta", "buffer"))
    return state, out.deltas


def _process_safely(state: TheaterState, item: TheaterInput, ctx: TheaterContext, out: Emitter) -> None:
    """A defect met by one input is contained to it (streams/theater/containment.py): the input is kept as a
    failure, its incident flagged, a rejection shown; the theater goes on with the next."""
    state.handling = ""
    start = len(out.deltas)
    try:
        _process(state, item, ctx, out)
        _follow_changes(state, out, start, ctx)
    except Exception as exc:
        what = containment.describe(item)
        incident_id = state.handling or (item.incident_id if isinstance(item, OperatorCommand) else "")
        failure = containment.contain(state, out, exc, what, incident_id, item)
        ident = getattr(item, "signal_id", None) or getattr(item, "event_id", "?")
        out.emit("rejected", str(ident), f"internal error on {what}: {failure.error}")
    finally:
        state.handling = ""


def _advance(state: TheaterState, tick: Tick, ctx: TheaterContext, out: Emitter) -> None:
    low = watermark.step(state.watermarks, state.heard, tick.source, tick.at_ms, ctx.tick_sources, ctx.watermark)
    state.dirty.add(("meta", "watermarks"))
    if low is None:
        return
    while state.buffer and state.buffer[0][0] <= low:
        at_ms, *_, item = heapq.heappop(state.buffer)
        _run_timers(state, at_ms, ctx, out)
        state.now_ms = max(state.now_ms, at_ms)
        _process_safely(state, item, ctx, out)
    if low > state.now_ms:
        _run_timers(state, low, ctx, out)
        state.now_ms = low


def _run_timers(state: TheaterState, until_ms: int, ctx: TheaterContext, out: Emitter) -> None:
    """Fire timers and time-driven rules due by `until_ms`, in due order, before anything later is processed."""
    clock = state.fusion.clock(ctx.playbooks)  # indexes: the cost does not grow with open incidents
    if (
        not state.fusion.feed_pending
        and not clock.may_be_due(until_ms)
        and not state.aid
        and not state.supplies
        and not state.returning
        and not state.report_due
        and until_ms - state.last_timed_scan_ms < TIMED_RULE_SCAN_MS
    ):
        return  # nothing can be due: the usual case, checked before every input
    start = len(out.deltas)
    merges.flush_feed(state, until_ms, ctx.fusion.feed, out)
    while True:
        due = clock.next_timer(until_ms, lambda at, iid: _timer_due(state, at, iid))
        geo_due = _next_geo_due(state)
        if geo_due is not None and geo_due <= until_ms and (not due or geo_due < due[0]):
            state.now_ms = max(state.now_ms, geo_due)
            try:
                _fire_geo_timers(state, geo_due, ctx, out)
            except Exception as exc:  # contained; left for the next input rather than retried in a loop here
                containment.contain(state, out, exc, "mutual-aid and return timers", "", None)
                break
            continue
        if not due:
            break
        due_ms, incident_id = due
        state.now_ms = max(state.now_ms, due_ms)
        try:
            _fire_incident_timers(state, incident_id, due_ms, ctx, out)
        except Exception as exc:
            _set_aside_due_timers(state, incident_id, due_ms, exc, out)
    if until_ms - state.last_timed_scan_ms >= TIMED_RULE_SCAN_MS:
        state.last_timed_scan_ms = until_ms
        state.dirty.add(("meta", "clock"))
        for incident_id in clock.wake(until_ms):
            try:
                _run_time_driven_rules(state, incident_id, until_ms, ctx, out)
            except Exception as exc:
                containment.contain(state, out, exc, f"time-driven rules of {incident_id}", incident_id, None)
    try:
        _follow_changes(state, out, start, ctx)
    except Exception as exc:  # contained like a timer: reports and work orders follow with the next change
        containment.contain(state, out, exc, "reports upward and work orders", "", None)


def _follow_changes(state: TheaterState, out: Emitter, start: int, ctx: TheaterContext) -> None:
    """What follows the incidents and tasks changed since `start`: the reports upward they now owe
    (streams/theater/reporting.py) and the status of their 12345 work orders (streams/theater/work_orders.py)."""
    changed = {d.key: d.entity for d in out.deltas[start:] if d.kind == "incident"}
    tasks = {d.key: d.entity for d in out.deltas[start:] if d.kind == "task"}
    for incident_id in sorted(changed):
        reporting.follow(state, changed[incident_id], ctx, out)
        supplies.follow(state, changed[incident_id], ctx, out)
    work_orders.follow(state, changed, tasks, out)


def _fire_incident_timers(
    state: TheaterState, incident_id: str, due_ms: int, ctx: TheaterContext, out: Emitter
) -> None:
    incident = state.fusion.incidents[incident_id]
    playbook = ctx.playbooks.get(incident.type)
    if playbook is None:
        out.incident(replace(incident, timers=()))
        return
    incident, effects = lifecycle.fire_timers(incident, playbook, due_ms)
    carry_out(state, incident, effects, ctx, out)


def _set_aside_due_timers(state: TheaterState, incident_id: str, due_ms: int, exc: Exception, out: Emitter) -> None:
    """The incident's timers due by now could not fire: they leave it (else they would be due again at once) and
    are kept as one failure; its other timers and every other incident go on."""
    incident = state.fusion.incidents.get(incident_id)
    ids = ""
    if incident is not None:
        ids = ", ".join(t.id for t in incident.timers if t.due_ms <= due_ms)
        fuse.store(state.fusion, replace(incident, timers=tuple(t for t in incident.timers if t.due_ms > due_ms)))
    containment.contain(state, out, exc, f"timers {ids or '-'} of {incident_id}", incident_id, None)


def _run_time_driven_rules(
    state: TheaterState, incident_id: str, until_ms: int, ctx: TheaterContext, out: Emitter
) -> None:
    incident = state.fusion.incidents[incident_id]
    playbook = ctx.playbooks.get(incident.type)
    if incident.status != "open" or playbook is None:
        return
    changed, effects = lifecycle.evaluate(incident, playbook, None, until_ms, _warnings(state))
    if changed is not incident or effects:
        carry_out(state, changed, effects, ctx, out)


def _timer_due(state: TheaterState, due_ms: int, incident_id: str) -> bool:
    """An indexed timer is still the incident's next one (not cancelled, not fired since)."""
    incident = state.fusion.incidents.get(incident_id)
    return (
        incident is not None
        and incident.status == "open"
        and bool(incident.timers)
        and min(t.due_ms for t in incident.timers) == due_ms
    )


def _next_geo_due(state: TheaterState) -> int | None:
    """The next mutual-aid deadline, unit back at base or report deadline, whichever comes first."""
    if not state.aid and not state.returning and not state.report_due and not state.supplies:
        return None  # the usual case, checked once per input
    dues = (
        mutual_aid.next_deadline_ms(state),
        next_return_ms(state),
        reporting.next_due_ms(state),
        supplies.next_due(state),
    )
    return min((d for d in dues if d is not None), default=None)


def _fire_geo_timers(state: TheaterState, at_ms: int, ctx: TheaterContext, out: Emitter) -> None:
    if mutual_aid.next_deadline_ms(state) == at_ms:
        mutual_aid.expire(state, at_ms, ctx, out)
    if next_return_ms(state) == at_ms:
        bring_back(state, at_ms, out)
    if reporting.next_due_ms(state) == at_ms:
        reporting.expire(state, at_ms, out)
    if supplies.next_due(state) == at_ms:
        supplies.advance(state, at_ms, ctx, out)


def _process(state: TheaterState, item: TheaterInput, ctx: TheaterContext, out: Emitter) -> None:
    if isinstance(item, Signal):
        _on_signal(state, item, ctx, out)
    elif isinstance(item, TaskReply):
        on_task_reply(state, item, ctx, out)
    elif isinstance(item, ResourceUpdate):
        replace_units(state, on_resource_update(state, item, ctx, out), ctx, out)
    elif isinstance(item, OperatorCommand):
        on_command(state, item, ctx, out)


def _warnings(state: TheaterState) -> tuple[Signal, ...]:
    return tuple(state.active_warnings[key] for key in sorted(state.active_warnings))


def _covered_by_warning(state: TheaterState, signal: Signal) -> Signal | None:
    for warning in state.active_warnings.values():
        area = warning.attr("area").split(",") if warning.attr("area") else []
        if signal.adcode in area or (not area and warning.province == signal.province):
            return warning
    return None


def _unknown_warning(state: TheaterState, signal: Signal) -> str | None:
    """The reason an update or cancel is refused: it names a warning that is not in force (never issued here, or
    already cancelled). Warnings are kept in the theater's durable state, so a restart does not forget them."""
    action, warning_id = signal.attr("action"), signal.attr("warning_id")
    if action == "issue" or warning_id in state.active_warnings:
        return None
    return in_force.reason(signal.signal_id, action, warning_id)


def _on_signal(state: TheaterState, signal: Signal, ctx: TheaterContext, out: Emitter) -> None:
    if signal.kind == "sensor_silent":
        warning = _covered_by_warning(state, signal)
        if warning is None:
            _unfused(state)
            return
        signal = replace(
            signal,
            kind="blackout_risk",
            severity=warning.severity,
            attrs=(*signal.attrs, ("warning_id", warning.attr("warning_id"))),
        )
    if signal.kind == "warning":
        unknown = _unknown_warning(state, signal)
        if unknown is not None:
            out.emit("rejected", signal.signal_id, unknown)
            _unfused(state)  # refused, so in no incident: counted with the signals that joined none
            return  # an update or cancel of nothing must not open an incident of its own
        if signal.attr("action") == "cancel":
            state.active_warnings.pop(signal.attr("warning_id"), None)
        else:
            state.active_warnings[signal.attr("warning_id")] = signal
        state.dirty.add(("meta", "warnings"))
        readiness.on_warning(state, signal, ctx, out)
    if signal.kind == "response_level":
        _on_response_level(state, signal, out)
        _unfused(state)
        return
    if posts.on_report(state, signal, ctx, out) or wind.on_report(state, signal):
        _unfused(state)
        return
    closures.on_report(state, signal, ctx, out)
    _, fused = fuse.step(state.fusion, ctx.fusion, signal, ctx.theater)
    if fused.incident is None:
        _say_if_ignored(signal, ctx, out)
        _unfused(state)
        return
    incident = fused.incident
    state.handling = incident.id
    if fused.opened:
        incident = _with_declared_level(state, incident)
    if signal.kind == "losses":
        signal = losses.record(state, incident, signal, out)  # the playbooks grade on the incident's sums
    playbook = ctx.playbooks.get(incident.type)
    if signal.kind == "warning":
        incident = _apply_warning(incident, signal)
    if playbook is not None:
        if incident.playbook != playbook.id:
            incident = lifecycle.on_open(incident, playbook, signal.at_ms)
        incident, effects = lifecycle.evaluate(incident, playbook, signal, signal.at_ms, _warnings(state))
        if signal.kind == "warning":
            incident, effects = warnings.follow_agency(incident, playbook, signal, effects)
    else:
        effects = ()
    if signal.kind == "casualties":
        incident = casualties.route(state, incident, signal, ctx, out)
    linked = incident.event_id is not None and (fused.previous is None or fused.previous.event_id != incident.event_id)
    if not effects and not linked and merges.held_back(fused.previous, incident, ctx.fusion.feed):
        fuse.defer(state.fusion, incident)  # surge pacing: published with a later update
        state.dirty.update({("incident", incident.id), ("meta", "feed")})
    else:
        carry_out(state, incident, effects, ctx, out)
    merges.announce(state, fused, ctx, out)
    _announce_links(state, fused, signal, out)
    if signal.source == "hotline":
        work_orders.on_call(state, state.fusion.incidents.get(incident.id, incident), signal, ctx, out)


def _say_if_ignored(signal: Signal, ctx: TheaterContext, out: Emitter) -> None:
    """An agency report of a kind no rule takes (no incident type, no road closure) is refused on the feed, so a
    drill lists it, rather than accepted and then silently dropped."""
    if signal.source != "agency" or not signal.kind.startswith("report:"):
        return
    rules = ctx.fusion
    kind = signal.kind.removeprefix("report:")
    if (
        rules.home_of(signal) is not None
        or signal.kind in rules.attach_only
        or signal.kind in rules.attach_by_place
        or ctx.closure_reports.kind_of(kind) is not None
    ):
        return
    out.emit(
        "rejected",
        signal.signal_id,
        f"agency.incident {signal.signal_id}: incident_kind={kind!r}: ignored, no rule takes this kind",
    )


def _unfused(state: TheaterState) -> None:
    """A signal that joined no incident: counted, so every signal is in one incident or in this count."""
    state.unfused_signals += 1
    state.dirty.add(("meta", "unfused"))


def _announce_links(state: TheaterState, fused: fuse.Fused, signal: Signal, out: Emitter) -> None:
    """An `event` delta for every site this signal named part of an event (events and sites, docs/api.md)."""
    for incident_id in (fused.incident.id if fused.incident else "", *fused.touched):
        site = state.fusion.incidents.get(incident_id)
        if site is None or site.event_id is None or site.scale != "site":
            continue
        last = next((d for d in reversed(site.decisions) if d.what.startswith("part of event")), None)
        event = state.fusion.incidents.get(site.event_id)
        if last is None or signal.signal_id not in last.evidence or event is None:
            continue
        link = {
            "event_id": event.id,
            "event_type": event.type,
            "site_id": site.id,
            "site_type": site.type,
            "province": site.province,
            "adcode": site.adcode,
        }
        out.emit("event", f"{event.id}/{site.id}", link)


def _apply_warning(incident: Incident, signal: Signal) -> Incident:
    """A warning's colour is the issuing authority's fact: it is set, up or down, exactly as issued."""
    colour = signal.attr("colour")
    action = signal.attr("action")
    decided = Decision(
        signal.at_ms, f"warning {action} {colour}", f"agency:{signal.attr('agency')}", (signal.signal_id,)
    )
    if action == "cancel":
        return replace(incident, stage="after", decisions=(*incident.decisions, decided))
    return replace(incident, warning_colour=colour, decisions=(*incident.decisions, decided))


def _on_response_level(state: TheaterState, signal: Signal, out: Emitter) -> None:
    """A government's declared response applies to its open incidents of that hazard, and stays in force (state)
    for the ones that open later, until it is ended."""
    key = f"{signal.province}/{signal.attr('hazard')}"
    if signal.attr("action") == "end":
        state.declared_levels.pop(key, None)
    else:
        state.declared_levels[key] = signal
    state.dirty.add(("meta", "levels"))
    for incident_id in sorted(state.fusion.incidents):
        incident = state.fusion.incidents[incident_id]
        if incident.status == "open" and _declared_applies(signal, incident):
            out.incident(_apply_declared_level(incident, signal))


def _declared_applies(signal: Signal, incident: Incident) -> bool:
    return signal.province in incident.provinces and incident.type.startswith(signal.attr("hazard"))


def _apply_declared_level(incident: Incident, signal: Signal, action: str | None = None) -> Incident:
    """A declared level moves an incident only the way the report says: "raise" never lowers it and "lower" never
    raises it. A report that would move it the other way changes nothing but is recorded, naming who asked."""
    action = action or signal.attr("action")
    old = incident.response_level
    asked = signal.attr("level")
    who = f"agency:{signal.attr('agency')}"
    if action != "end" and not _moves(old, asked, action):
        direction = "above" if action == "raise" else "below"
        what = f"response_level {old or '-'} kept: {action} to {asked} is not {direction} it"
        decision = Decision(signal.at_ms, what, who, (signal.signal_id,), signal.text)
        return replace(incident, decisions=(*incident.decisions, decision))
    level = asked if action != "end" else None
    what = f"response_level {old or '-'}→{level or 'ended'}"
    decision = Decision(signal.at_ms, what, who, (signal.signal_id,), signal.text)
    return replace(incident, response_level=level, decisions=(*incident.decisions, decision))


def _moves(old: str | None, asked: str, action: str) -> bool:
    """Whether `asked` is the way `action` goes from `old` (I is the highest level; no level is below IV)."""
    rank = RESPONSE_LEVELS.index
    if action == "raise":
        return old is None or rank(asked) > rank(old)
    return old is not None and rank(asked) < rank(old)


def _with_declared_level(state: TheaterState, incident: Incident) -> Incident:
    """A newly opened incident starts at the response level its government has declared for that hazard."""
    for key in sorted(state.declared_levels):
        declared = state.declared_levels[key]
        # the level in force is a floor for a new incident: applied as a raise, never lowering one set already
        if _declared_applies(declared, incident) and _moves(incident.response_level, declared.attr("level"), "raise"):
            incident = _apply_declared_level(incident, declared, "raise")
    return incident
