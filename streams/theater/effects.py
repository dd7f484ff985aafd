"""Carrying out a playbook's effects: dispatch through geo (borrowing across borders by mutual aid), a playbook's
own mutual-aid request (the same audited exchange, with the lenders' nearest units), road closures, notifications."""

from __future__ import annotations

from dataclasses import replace

from geo.dispatch import Candidate, DispatchRequest, decide
from geo.regions import PROVINCES
from playbooks import lifecycle
from playbooks.effects import ClosureEffect, SupplyEffect
from playbooks.incident import Decision, Incident, Notification, Task
from streams.theater import closures, mutual_aid, posts, recovery, supplies
from streams.theater.closures import roads_of
from streams.theater.responders import send_task, set_responder, unfilled_task
from streams.theater.state import Emitter, TheaterContext, TheaterState
from streams.theater.warnings import carry_out_public

__all__ = ["carry_out", "dispatch", "notify", "replace_units", "set_responder"]


def carry_out(
    state: TheaterState,
    incident: Incident,
    effects: tuple[lifecycle.Effect, ...],
    ctx: TheaterContext,
    out: Emitter,
) -> None:
    for effect in effects:
        if isinstance(effect, lifecycle.DispatchEffect):
            incident = dispatch(state, incident, effect, ctx, out)
        elif isinstance(effect, lifecycle.NotifyEffect):
            incident = notify(state, incident, effect, ctx, out)
        elif isinstance(effect, lifecycle.AssignEffect):
            incident = recovery.assign(state, incident, effect, ctx, out)
        elif isinstance(effect, ClosureEffect):
            incident = closures.carry_out(state, incident, effect, out)
        elif isinstance(effect, SupplyEffect):
            incident = supplies.request(state, incident, effect, ctx, out)
        elif isinstance(effect, lifecycle.MutualAidEffect):
            asked = lifecycle.DispatchEffect(
                incident.id, effect.rule, effect.capability, effect.count, effect.deadline_ms
            )
            incident = dispatch(state, incident, asked, ctx, out, lenders=effect.lenders)
        else:
            for note in carry_out_public(incident, effect, ctx, out):
                incident = notify(state, incident, note, ctx, out)
    out.incident(incident)


def dispatch(
    state: TheaterState,
    incident: Incident,
    effect: lifecycle.DispatchEffect,
    ctx: TheaterContext,
    out: Emitter,
    lenders: tuple[str, ...] | None = None,
) -> Incident:
    """Rank units by road time (with the closures in force); local picks get their tasks at once, picks
    from another province are borrowed through a mutual-aid exchange with that province. With `lenders` (a
    playbook's mutual-aid request) only those provinces' units count, each asked of its province."""
    state.task_number += 1
    base_id = f"{incident.id}-T{state.task_number:03d}"
    request = DispatchRequest(
        task_id=base_id,
        capability=effect.capability,
        count=effect.count,
        lon=incident.lon,
        lat=incident.lat,
        adcode=incident.adcode,
        lenders=lenders,
    )
    try:
        decision = decide(request, state.fleet, roads_of(state, ctx), ctx.regions, ctx.dispatch_policy)
    except ValueError as exc:  # e.g. a capability no fleet or catalogue knows: the step goes on without it
        out.emit("rejected", base_id, f"dispatch {effect.capability} x{effect.count} for {incident.id}: {exc}")
        what = f"dispatch {effect.capability} x{effect.count}: not possible"
        return replace(
            incident, decisions=(*incident.decisions, Decision(state.now_ms, what, effect.rule, (), str(exc)))
        )
    borrowed: dict[str, list[tuple[int, Candidate]]] = {}
    for slot, candidate in enumerate(decision.chosen, start=1):
        if candidate.cross_border:
            borrowed.setdefault(candidate.province, []).append((slot, candidate))
            continue
        send_task(
            state, out, incident, f"{base_id}.{slot}", effect.capability, candidate.responder_id, candidate.travel_s,
            effect.deadline_ms, effect.rule, decision.reason, cross_border=False,
        )  # fmt: skip
    if decision.shortfall:
        here = "from the lenders asked" if lenders is not None else "here or from any lender"
        reason = f"{decision.shortfall} short: no available {effect.capability} {here}"
        unfilled_task(state, out, incident, f"{base_id}.0", effect.capability, effect.deadline_ms, effect.rule, reason)
    what = (
        f"dispatch {effect.capability} x{effect.count}: {len(decision.chosen) - sum(map(len, borrowed.values()))} sent"
    )
    if borrowed:
        what += ", " + ", ".join(f"{len(picks)} asked of {lender}" for lender, picks in sorted(borrowed.items()))
    if decision.shortfall:
        what += f", {decision.shortfall} short"
    incident = replace(
        incident,
        decisions=(*incident.decisions, Decision(state.now_ms, what, effect.rule, (), decision.reason)),
    )
    for lender, picks in sorted(borrowed.items()):
        incident = mutual_aid.ask(
            state, incident, base_id, lender, picks, effect.capability, effect.deadline_ms, effect.rule, ctx, out
        )
    return incident


def replace_units(state: TheaterState, dropped: tuple[Task, ...], ctx: TheaterContext, out: Emitter) -> None:
    """Send a replacement for each task whose unit dropped out, to the same open incident and deadline."""
    for task in dropped:
        incident = state.fusion.incidents.get(task.incident_id)
        if incident is None or incident.status != "open":
            continue
        why = Decision(state.now_ms, f"replace {task.responder_id} on {task.id}", task.rule, (), task.reason)
        incident = replace(incident, decisions=(*incident.decisions, why))
        effect = lifecycle.DispatchEffect(incident.id, task.rule, task.capability, 1, task.deadline_ms)
        out.incident(dispatch(state, incident, effect, ctx, out))


def notify(
    state: TheaterState, incident: Incident, effect: lifecycle.NotifyEffect, ctx: TheaterContext, out: Emitter
) -> Incident:
    targets: set[str] = set()
    for target in effect.to:
        if target == "own":
            targets.update(incident.provinces)
        elif target == "all":
            targets.update(PROVINCES)
        elif target == "neighbours":
            for adcode in incident.adcodes:
                targets.update(ctx.regions.unit(code).province_adcode for code in ctx.regions.neighbours(adcode))
        else:
            targets.add(target)
    units_of: dict[str, list[str]] = {}
    for named in effect.adcodes:  # units named besides provinces (e.g. downstream): their provinces are told
        adcode = posts.stand_in(state, ctx, named)  # a county whose post is down: the level above
        units_of.setdefault(ctx.regions.unit(adcode).province_adcode, []).append(adcode)
    targets.update(units_of)
    for province in sorted(targets):
        state.notification_number += 1
        note = Notification(
            id=f"N{state.notification_number:06d}",
            incident_id=incident.id,
            at_ms=state.now_ms,
            to_province=province,
            rule=effect.rule,
            message=effect.message,
            to_adcodes=tuple(units_of.get(province, ())),
        )
        out.emit("notification", note.id, note)
    what = f"notify {', '.join(sorted(targets))}"
    if effect.adcodes:
        what += f" (units {', '.join(effect.adcodes)})"
    return replace(
        incident,
        decisions=(*incident.decisions, Decision(state.now_ms, what, effect.rule, (), effect.message)),
    )
