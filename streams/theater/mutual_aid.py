"""Mutual aid in the theater: when dispatch takes units from another province (a neighbour is materially
faster, or local capacity is exhausted), the units are borrowed through an explicit exchange between the
two provinces' command centres — request → offer → commit | decline, with event-time deadlines — run by
`geo.mutual_aid.step` under the agreement table.

Every message is a `mutual_aid` delta (keyed by request id) and a Decision on the incident. Offers,
commits and declines come from operator commands (`target` = request id, `evidence_ids` = responder ids),
or at once when the agreement auto-accepts the capability. A commit assigns the lender's units and sends
them their tasks; a decline, a timeout or a partial commit leaves the remaining slots as unfilled tasks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np

from geo.dispatch import Candidate, fleet_sources
from geo.mutual_aid import (
    AidCommit,
    AidDecline,
    AidMessage,
    AidOffer,
    AidRequest,
    MutualAidInput,
    MutualAidOutput,
    MutualAidState,
    Tick,
    step,
)
from geo.names import did_you_mean
from geo.regions import PROVINCES
from playbooks.incident import Decision, Incident
from streams.theater.closures import roads_of
from streams.theater.responders import send_task, unfilled_task
from streams.theater.state import AidLink, Emitter, TheaterContext, TheaterState
from streams.wire.records import OperatorCommand

AUTO = "agreement:auto_accept"
JOINT_CENTRE = "joint"  # the joint command centre's code (dashboard_api/data/sharing.yaml)


@dataclass(frozen=True, slots=True)
class AidUpdate:
    """The feed's view of one exchange after a message."""

    request_id: str
    incident_id: str
    task_id: str
    capability: str
    count: int
    borrower: str
    lender: str
    message: str  # request | offer | commit | decline | timeout
    stage: str  # requested | offered | committed | declined | timed_out
    responder_ids: tuple[str, ...]
    by: str  # the dispatch rule, "agreement:auto_accept", "operator:<who>" or "deadline"
    reason: str
    due_ms: int  # when the next answer is due (0 once the exchange is closed)


def ask(
    state: TheaterState,
    incident: Incident,
    task_base: str,
    lender: str,
    picks: Sequence[tuple[int, Candidate]],
    capability: str,
    deadline_ms: int,
    rule: str,
    ctx: TheaterContext,
    out: Emitter,
) -> Incident:
    """Ask `lender` for the units dispatch picked there (`(task slot, candidate)` in rank order)."""
    borrower = ctx.regions.unit(incident.adcode).province_adcode
    request_id = f"{task_base}-AID-{lender}"
    link = AidLink(
        request_id=request_id,
        incident_id=incident.id,
        task_base=task_base,
        slots=tuple(slot for slot, _ in picks),
        suggested=tuple(c.responder_id for _, c in picks),
        rule=rule,
        deadline_ms=deadline_ms,
    )
    state.aid_links[request_id] = link
    if lender not in incident.provinces:
        incident = replace(incident, provinces=(*incident.provinces, lender))
    request = AidRequest(request_id, task_base, borrower, lender, capability, len(picks))
    incident = _run(state, incident, request, f"dispatch:{rule}", ctx, out, request_id)
    agreements = ctx.dispatch_policy.agreements
    if agreements.auto_accepts(lender, borrower, capability) and state.aid[request_id].stage == "requested":
        # the standing authorisation lends up to its limit; the slots beyond it are left to the exchange's commit
        lent = link.suggested[: agreements.auto_limit(lender, borrower) or len(link.suggested)]
        incident = _run(state, incident, AidOffer(request_id, lender, lent, True), AUTO, ctx, out, "")
        incident = _run(state, incident, AidCommit(request_id, borrower), AUTO, ctx, out, "")
    return incident


def on_command(state: TheaterState, cmd: OperatorCommand, ctx: TheaterContext, out: Emitter) -> None:
    """An operator's offer, commit or decline; anything wrong is one `rejected` delta and changes nothing."""
    if cmd.target.startswith("capability:"):  # a drill's scripted answer: the oldest open request it can answer
        cmd = replace(cmd, target=_open_request_of(state, cmd, ctx) or cmd.target)
    link = state.aid_links.get(cmd.target)
    if link is None:
        hint = did_you_mean(cmd.target, [rid for rid, ex in state.aid.items() if ex.stage in ("requested", "offered")])
        out.emit(
            "rejected", cmd.event_id, f"command {cmd.action}: target={cmd.target!r} is no mutual-aid request{hint}"
        )
        return
    if cmd.incident_id and cmd.incident_id != link.incident_id:
        out.emit(
            "rejected",
            cmd.event_id,
            f"command {cmd.action}: request {link.request_id} belongs to {link.incident_id}, not {cmd.incident_id}",
        )
        return
    exchange = state.aid[link.request_id]
    request = exchange.request
    turn = request.lender if cmd.action == "offer" or exchange.stage == "requested" else request.borrower
    acting = _province_of_centre(cmd.centre, turn, ctx)
    if acting is None:
        out.emit("rejected", cmd.event_id, f"command {cmd.action}: centre={cmd.centre!r} is not a command centre")
        return
    event: MutualAidInput
    ids = tuple(cmd.evidence_ids)
    if cmd.action == "offer":
        ids = ids or tuple(r for r in link.suggested if state.fleet.status_of(r) == "available")
        # a province (or the joint) centre approves the loan it offers; a county centre cannot
        event = AidOffer(link.request_id, acting, ids, approved=not _is_county(cmd.centre, ctx))
    elif cmd.action == "commit":
        event = AidCommit(link.request_id, acting, ids)
        ids = ids or exchange.offered
    else:
        event = AidDecline(link.request_id, acting, cmd.reason)
        ids = ()
    problem = _unfit(state, ids, request.lender, request.capability)
    if problem:
        out.emit("rejected", cmd.event_id, f"command {cmd.action} {link.request_id}: {problem}")
        return
    incident = state.fusion.incidents[link.incident_id]
    who = f"operator:{cmd.operator}@{cmd.centre}"
    changed = _run(state, incident, event, who, ctx, out, cmd.event_id)
    if changed is not incident:
        out.incident(changed)


def _open_request_of(state: TheaterState, cmd: OperatorCommand, ctx: TheaterContext) -> str | None:
    """The oldest open exchange of the capability that the centre's province can answer now: a request to it
    (offer, decline) or an offer to it (commit, decline)."""
    capability = cmd.target.removeprefix("capability:")
    candidates = []
    for request_id, exchange in state.aid.items():
        request = exchange.request
        if request.capability != capability or exchange.stage not in ("requested", "offered"):
            continue
        turn = request.lender if exchange.stage == "requested" else request.borrower
        wanted = {"offer": "requested", "commit": "offered"}.get(cmd.action, exchange.stage)
        if exchange.stage == wanted and _province_of_centre(cmd.centre, turn, ctx) == turn:
            candidates.append((exchange.deadline_ms, request_id))
    return min(candidates)[1] if candidates else None


def next_deadline_ms(state: TheaterState) -> int | None:
    """The first event time at which an open exchange is overdue."""
    due = [ex.deadline_ms + 1 for ex in state.aid.values() if ex.stage in ("requested", "offered")]
    return min(due, default=None)


def expire(state: TheaterState, at_ms: int, ctx: TheaterContext, out: Emitter) -> None:
    """Time out the exchanges overdue at `at_ms` (driven by the theater's timer path)."""
    _, outputs = _step(state, ctx, Tick(), at_ms)
    for incident_id in sorted({state.aid_links[o.request_id].incident_id for o in outputs}):
        incident = state.fusion.incidents[incident_id]
        mine = [o for o in outputs if state.aid_links[o.request_id].incident_id == incident_id]
        out.incident(_apply(state, incident, mine, "deadline", ctx, out, ""))


def _step(
    state: TheaterState, ctx: TheaterContext, event: MutualAidInput, now_ms: int
) -> tuple[MutualAidState, tuple[MutualAidOutput, ...]]:
    before = MutualAidState(ctx.dispatch_policy.agreements, MappingProxyType(state.aid))
    after, outputs = step(before, event, now_ms)
    if after is not before:
        state.aid = dict(after.exchanges)
        state.dirty.add(("meta", "aid"))
    return after, outputs


def _run(
    state: TheaterState,
    incident: Incident,
    event: MutualAidInput,
    by: str,
    ctx: TheaterContext,
    out: Emitter,
    key: str,
) -> Incident:
    _, outputs = _step(state, ctx, event, state.now_ms)
    return _apply(state, incident, outputs, by, ctx, out, key)


def _apply(
    state: TheaterState,
    incident: Incident,
    outputs: Sequence[MutualAidOutput],
    by: str,
    ctx: TheaterContext,
    out: Emitter,
    key: str,
) -> Incident:
    """Publish the exchange's messages and carry out a commit, a decline or a timeout on `incident`."""
    for message in outputs:
        if not isinstance(message, AidMessage):
            continue  # StatusChange: the commit's tasks below assign the lent units
        if message.kind == "rejected":
            out.emit("rejected", key or message.request_id, f"mutual aid {message.request_id}: {message.reason}")
            continue
        link = state.aid_links[message.request_id]
        if link.incident_id != incident.id:  # an exchange of another incident expired on the way
            other = _apply(state, state.fusion.incidents[link.incident_id], [message], "deadline", ctx, out, key)
            out.incident(other)
            continue
        exchange = state.aid[message.request_id]
        request = exchange.request
        who = by if message.kind != "timeout" else "deadline"
        update = AidUpdate(
            request_id=request.request_id,
            incident_id=link.incident_id,
            task_id=link.task_base,
            capability=request.capability,
            count=request.count,
            borrower=request.borrower,
            lender=request.lender,
            message=message.kind,
            stage=exchange.stage,
            responder_ids=message.responder_ids,
            by=who,
            reason=message.reason,
            due_ms=exchange.deadline_ms if exchange.stage in ("requested", "offered") else 0,
        )
        out.emit("mutual_aid", request.request_id, update)
        what = f"mutual_aid {message.kind} {message.from_province}→{message.to_province} {request.capability}"
        decision = Decision(state.now_ms, what, who, (), message.reason)
        incident = replace(incident, decisions=(*incident.decisions, decision))
        if message.kind == "commit":
            _send_lent(state, incident, link, request.capability, message.responder_ids, ctx, out)
        elif message.kind in ("decline", "timeout"):
            _leave_unfilled(state, incident, link, request.capability, link.slots, message.reason, out)
    return incident


def _send_lent(
    state: TheaterState,
    incident: Incident,
    link: AidLink,
    capability: str,
    responder_ids: tuple[str, ...],
    ctx: TheaterContext,
    out: Emitter,
) -> None:
    roads = roads_of(state, ctx)
    roster = state.fleet.roster
    positions = np.array([roster.position[rid] for rid in responder_ids], dtype=np.int64)
    times = roads.times_from(fleet_sources(state.fleet, roads), incident.lon, incident.lat)[positions]
    lender = PROVINCES[state.aid[link.request_id].request.lender]
    for slot, rid, travel_s in zip(link.slots, responder_ids, times.tolist(), strict=False):
        reason = f"lent by {lender} under mutual aid {link.request_id}"
        send_task(
            state, out, incident, f"{link.task_base}.{slot}", capability, rid, travel_s, link.deadline_ms, link.rule,
            reason, cross_border=True,
        )  # fmt: skip
    left = link.slots[len(responder_ids) :]
    if left:
        why = f"{lender} lent {len(responder_ids)} of {len(link.slots)}"
        _leave_unfilled(state, incident, link, capability, left, why, out)


def _leave_unfilled(
    state: TheaterState,
    incident: Incident,
    link: AidLink,
    capability: str,
    slots: tuple[int, ...],
    why: str,
    out: Emitter,
) -> None:
    for slot in slots:
        reason = f"mutual aid {link.request_id}: {why}"
        unfilled_task(state, out, incident, f"{link.task_base}.{slot}", capability, link.deadline_ms, link.rule, reason)


def _is_county(centre: str, ctx: TheaterContext) -> bool:
    if centre in PROVINCES or centre == JOINT_CENTRE:
        return False
    try:
        ctx.regions.unit(centre)
    except KeyError:
        return False
    return True


def _province_of_centre(centre: str, turn: str, ctx: TheaterContext) -> str | None:
    """The province a command centre acts for; the joint centre acts for whichever side is to answer."""
    if centre in PROVINCES:
        return centre
    if _is_county(centre, ctx):
        return ctx.regions.unit(centre).province_adcode
    if centre == JOINT_CENTRE:
        return turn
    return None


def _unfit(state: TheaterState, ids: tuple[str, ...], lender: str, capability: str) -> str:
    """Why these units cannot be lent now ('' if they can)."""
    for rid in ids:
        responder = state.fleet.responders.get(rid)
        if responder is None:
            return f"responder {rid!r} is not in the fleet{did_you_mean(rid, state.fleet.responders)}"
        if responder.home_province != lender:
            return f"{rid} belongs to {PROVINCES[responder.home_province]}, not the lender {PROVINCES[lender]}"
        if capability not in responder.capabilities:
            return f"{rid} has no {capability}"
        if state.fleet.status_of(rid) != "available":
            return f"{rid} is {state.fleet.status_of(rid)}, not available"
    return ""
