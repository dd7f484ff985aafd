"""Supplies and shelter places in the theater: a playbook's `request_supplies` takes what the incident's own
province holds, nearest depot (or shelter) first by road time, and asks the other provinces for the rest through
the exchange of geo/supplies.py — request → offer → commit, at once where the agreement lends the item at once,
else by the command centres' offer / commit / decline (target = the request id). Committed stock leaves its
depots and arrives at road time; it goes back (consumables written off) when the incident reaches its after
stage or closes, or when an operator releases it (`release`, target = the request id).

Every message is a `supply` delta (keyed by request id) with the depots' stock after it, and a Decision on the
incident. The stock of a depot the theater has not touched is the one in the data (geo/data/stockpiles.yaml).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

from geo.names import did_you_mean
from geo.regions import PROVINCES
from geo.stockpiles import SHELTER_PLACES, Stockpiles
from geo.supplies import (
    Lots,
    SupplyCommit,
    SupplyDecline,
    SupplyInput,
    SupplyMessage,
    SupplyOffer,
    SupplyRequest,
    SupplyReturn,
    SupplyState,
    Tick,
    next_due_ms,
    step,
)
from playbooks.effects import SupplyEffect
from playbooks.incident import Decision, Incident
from streams.theater.closures import roads_of
from streams.theater.state import Emitter, TheaterContext, TheaterState
from streams.wire.records import OperatorCommand

AUTO = "agreement:auto_accept"
_HELD = ("in_transit", "delivered")  # what goes back when the incident is over


@dataclass(frozen=True, slots=True)
class SupplyLot:
    depot_id: str
    name: str
    kind: str  # depot | shelter
    owner: str  # the county that holds it
    province: str
    quantity: int
    left: int  # the depot's stock of the item (a shelter's free places) after this message


@dataclass(frozen=True, slots=True)
class SupplyUpdate:
    """The feed's view of one supply exchange after a message."""

    request_id: str
    incident_id: str
    item: str
    quantity: int  # asked for
    borrower: str
    lender: str  # the borrower itself for its own stock
    message: str  # request | offer | commit | delivered | return | returned | decline | timeout
    stage: str  # requested | offered | in_transit | delivered | returning | returned | declined | timed_out
    lots: tuple[SupplyLot, ...]
    moved: int  # how many the message concerns
    written_off: int  # consumables used up (on return)
    by: str
    reason: str
    due_ms: int  # the next deadline, arrival or return (0 once settled)


def _core(state: TheaterState, ctx: TheaterContext) -> SupplyState:
    piles = ctx.stockpiles
    return SupplyState(
        ctx.dispatch_policy.agreements,
        MappingProxyType({key: p.province for key, p in piles.places().items()}),
        piles.consumable,
        MappingProxyType({**_data_stock(piles), **state.supply_stock}),
        MappingProxyType(state.supplies),
    )


def _data_stock(piles: Stockpiles) -> dict[str, dict[str, int]]:
    stock = {d.id: dict(d.stock) for d in piles.depots}
    stock.update((s.id, {SHELTER_PLACES: s.capacity}) for s in piles.shelters)
    return stock


def _step(state: TheaterState, ctx: TheaterContext, event: SupplyInput) -> tuple[SupplyMessage, ...]:
    before = _core(state, ctx)
    after, outputs = step(before, event, state.now_ms)
    if after is not before:
        state.supplies = dict(after.exchanges)
        if after.stock is not before.stock:
            state.supply_stock = {k: dict(v) for k, v in after.stock.items()}
        state.dirty.add(("meta", "supplies"))
    return outputs


def request(
    state: TheaterState, incident: Incident, effect: SupplyEffect, ctx: TheaterContext, out: Emitter
) -> Incident:
    """Nearest depots by road time: the incident's own province's first, a lender's where it is materially faster
    (the dispatch policy's rule for units) or when the own ones are empty; one exchange per province used."""
    borrower = incident.province
    item, wanted = effect.item, effect.quantity
    agreements = ctx.dispatch_policy.agreements
    lenders = agreements.lenders_of(borrower, item)
    ranked = [row for row in _ranked_depots(state, incident, item, ctx) if row[2] == borrower or row[2] in lenders]
    picked = _pick(ranked, borrower, wanted, ctx)
    for province in dict.fromkeys(p for p, _, _ in picked):  # in the order they were first picked
        lots = tuple((depot, n) for p, depot, n in picked if p == province)
        auto = province == borrower or agreements.auto_accepts(province, borrower, item)
        incident = _exchange(state, incident, province, item, lots, ranked, effect.rule, auto, ctx, out)
    short = wanted - sum(n for _, _, n in picked)
    if short > 0:
        what = f"supplies {item}: {short} of {wanted} short (no stock here or with any lender)"
        incident = replace(incident, decisions=(*incident.decisions, Decision(state.now_ms, what, effect.rule, (), "")))
    return incident


def _pick(
    ranked: Sequence[tuple[float, str, str, int]], borrower: str, wanted: int, ctx: TheaterContext
) -> list[tuple[str, str, int]]:
    """(province, depot, quantity) taken nearest first, own depots unless a lender's is materially faster."""
    own = [row for row in ranked if row[2] == borrower]
    other = [row for row in ranked if row[2] != borrower]
    picked: list[tuple[str, str, int]] = []
    i = j = 0
    while wanted > 0 and (i < len(own) or j < len(other)):
        lend = j < len(other) and (i >= len(own) or ctx.dispatch_policy.materially_faster(own[i][0], other[j][0]))
        _, depot, province, stock = other[j] if lend else own[i]
        if lend:
            j += 1
        else:
            i += 1
        n = min(stock, wanted)
        picked.append((province, depot, n))
        wanted -= n
    return picked


def _ranked_depots(
    state: TheaterState, incident: Incident, item: str, ctx: TheaterContext
) -> list[tuple[float, str, str, int]]:
    """(road time s, depot id, province, stock) of every depot holding the item, nearest first."""
    core = _core(state, ctx)
    piles = ctx.stockpiles
    places = piles.shelters if item == SHELTER_PLACES else piles.depots
    roads = roads_of(state, ctx)
    ranked = [
        (roads.travel_time_s(p.lon, p.lat, incident.lon, incident.lat), p.id, p.province, core.has(p.id, item))
        for p in places
        if core.has(p.id, item) > 0
    ]
    return sorted(ranked)


def _lots(ranked: Sequence[tuple[float, str, str, int]], province: str, wanted: int) -> Lots:
    lots: list[tuple[str, int]] = []
    for _, depot, owner, stock in ranked:
        if owner != province or wanted <= 0:
            continue
        n = min(stock, wanted)
        lots.append((depot, n))
        wanted -= n
    return tuple(lots)


def _travel_ms(ranked: Sequence[tuple[float, str, str, int]], lots: Lots) -> int:
    times = {depot: t for t, depot, _, _ in ranked}
    return int(max((times.get(depot, 0.0) for depot, _ in lots), default=0.0) * 1000)


def _exchange(
    state: TheaterState,
    incident: Incident,
    lender: str,
    item: str,
    lots: Lots,
    ranked: Sequence[tuple[float, str, str, int]],
    rule: str,
    auto: bool,
    ctx: TheaterContext,
    out: Emitter,
) -> Incident:
    borrower = incident.province
    number = sum(1 for ex in state.supplies.values() if ex.request.incident_id == incident.id) + 1
    request_id = f"{incident.id}-S{number}"
    quantity = sum(n for _, n in lots)
    incident = _run(
        state, incident, SupplyRequest(request_id, incident.id, borrower, lender, item, quantity), rule, ctx, out
    )
    if not auto or state.supplies[request_id].stage != "requested":
        return incident
    by = rule if lender == borrower else AUTO
    incident = _run(state, incident, SupplyOffer(request_id, lender, lots, approved=True), by, ctx, out)
    arrive = state.now_ms + _travel_ms(ranked, lots) if item != SHELTER_PLACES else state.now_ms
    return _run(state, incident, SupplyCommit(request_id, borrower, arrive), by, ctx, out)


def _run(
    state: TheaterState, incident: Incident, event: SupplyInput, by: str, ctx: TheaterContext, out: Emitter
) -> Incident:
    return _apply(state, incident, _step(state, ctx, event), (by, getattr(event, "request_id", "")), ctx, out)


def _apply(
    state: TheaterState,
    incident: Incident,
    outputs: Sequence[SupplyMessage],
    who_and_key: tuple[str, str],
    ctx: TheaterContext,
    out: Emitter,
) -> Incident:
    """Publish the messages of `incident`'s exchanges (and of others that moved on the way) with the stock left;
    `who_and_key`: who acted, and the input a rejection answers."""
    by, key = who_and_key
    for message in outputs:
        if message.kind == "rejected":
            out.emit("rejected", key or message.request_id, f"supplies {message.request_id}: {message.reason}")
            continue
        exchange = state.supplies[message.request_id]
        r = exchange.request
        if r.incident_id != incident.id:  # another incident's exchange moved on the way
            other = state.fusion.incidents.get(r.incident_id)
            if other is not None:
                out.incident(_apply(state, other, [message], ("deadline", key), ctx, out))
            continue
        who = {"timeout": "deadline", "delivered": "road_time"}.get(message.kind, by)
        if message.kind == "returned" and by == "deadline":  # back at the depot by road time
            who = "road_time"
        core = _core(state, ctx)
        names = ctx.stockpiles.places()
        lots = tuple(
            SupplyLot(
                depot,
                names[depot].name,
                "shelter" if r.item == SHELTER_PLACES else "depot",
                names[depot].owner,
                names[depot].province,
                n,
                core.has(depot, r.item),
            )
            for depot, n in message.lots
        )
        moved = sum(n for _, n in message.lots) if message.kind != "request" else r.quantity
        written_off = exchange.written_off if message.kind == "returned" else 0
        # in SupplyUpdate's field order
        update = SupplyUpdate(
            r.request_id, r.incident_id, r.item, r.quantity, r.borrower, r.lender, message.kind, exchange.stage, lots,
            moved, written_off, who, message.reason, exchange.due_ms,
        )  # fmt: skip
        out.emit("supply", r.request_id, update)
        what = f"supplies {message.kind} {message.from_province}→{message.to_province} {r.item} x{moved}"
        decision = Decision(state.now_ms, what, who, (), message.reason)
        incident = replace(incident, decisions=(*incident.decisions, decision))
    return incident


def next_due(state: TheaterState) -> int | None:
    """The first event time at which an exchange moves by itself (deadline, arrival, back at the depot)."""
    return next_due_ms(state.supplies) if state.supplies else None


def advance(state: TheaterState, at_ms: int, ctx: TheaterContext, out: Emitter) -> None:
    """Deadlines passed, lots arrived, items back in their depots by `at_ms` (the theater's timer path)."""
    outputs = _step(state, ctx, Tick())
    for incident_id in sorted({state.supplies[m.request_id].request.incident_id for m in outputs}):
        incident = state.fusion.incidents.get(incident_id)
        if incident is not None:
            mine = [m for m in outputs if state.supplies[m.request_id].request.incident_id == incident_id]
            out.incident(_apply(state, incident, mine, ("deadline", ""), ctx, out))


def follow(state: TheaterState, incident: Incident, ctx: TheaterContext, out: Emitter) -> None:
    """An incident in its after stage, or closed, sends back what it holds."""
    if incident.stage not in ("after", "closed") or not state.supplies:
        return
    held = sorted(
        rid for rid, ex in state.supplies.items() if ex.request.incident_id == incident.id and ex.stage in _HELD
    )
    if held:
        changed = _send_back(state, incident, held, f"stage:{incident.stage}", ctx, out)
        out.incident(changed)


def _send_back(
    state: TheaterState, incident: Incident, request_ids: Sequence[str], by: str, ctx: TheaterContext, out: Emitter
) -> Incident:
    for request_id in request_ids:
        exchange = state.supplies[request_id]
        ranked = _road_back_ms(state, incident, exchange.lots, ctx)
        back = state.now_ms + (ranked if exchange.request.item != SHELTER_PLACES else 0)
        incident = _run(state, incident, SupplyReturn(request_id, by, back), by, ctx, out)
    return incident


def _road_back_ms(state: TheaterState, incident: Incident, lots: Lots, ctx: TheaterContext) -> int:
    """Road time in ms from the incident back to the farthest of the lots' depots."""
    names = ctx.stockpiles.places()
    roads = roads_of(state, ctx)
    times = [roads.travel_time_s(incident.lon, incident.lat, names[d].lon, names[d].lat) for d, _ in lots]
    return int(max(times, default=0.0) * 1000)


def on_command(state: TheaterState, cmd: OperatorCommand, ctx: TheaterContext, out: Emitter) -> None:
    """A centre's offer, commit, decline or release (send back) of a supply request; anything wrong is one
    `rejected` delta and changes nothing. An offer names depots in `evidence_ids` (all they hold, up to what was
    asked) or none (the lender's nearest depots)."""
    exchange = state.supplies[cmd.target]
    r = exchange.request
    incident = state.fusion.incidents.get(r.incident_id)
    if incident is None or (cmd.incident_id and cmd.incident_id != r.incident_id):
        out.emit("rejected", cmd.event_id, f"command {cmd.action}: request {r.request_id} belongs to {r.incident_id}")
        return
    acting = _province_of(cmd.centre, r.lender if cmd.action == "offer" else r.borrower, ctx)
    if acting is None:
        out.emit("rejected", cmd.event_id, f"command {cmd.action}: centre={cmd.centre!r} is not a command centre")
        return
    who = f"operator:{cmd.operator}@{cmd.centre}"
    event: SupplyInput
    if cmd.action == "offer":
        ranked = _ranked_depots(state, incident, r.item, ctx)
        if cmd.evidence_ids:
            unknown = [d for d in cmd.evidence_ids if d not in {depot for _, depot, _, _ in ranked}]
            if unknown:
                known = [depot for _, depot, owner, _ in ranked if owner == r.lender]
                hint = did_you_mean(unknown[0], known)
                out.emit(
                    "rejected", cmd.event_id, f"command offer {r.request_id}: {unknown[0]!r} holds no {r.item}{hint}"
                )
                return
            ranked = [row for row in ranked if row[1] in cmd.evidence_ids]
        # a province (or the joint) centre approves the loan it offers; a county post cannot
        approved = cmd.centre in PROVINCES or cmd.centre == "joint"
        event = SupplyOffer(r.request_id, acting, _lots(ranked, acting, r.quantity), approved=approved)
    elif cmd.action == "commit":
        travel = _road_back_ms(state, incident, exchange.lots, ctx) if r.item != SHELTER_PLACES else 0
        event = SupplyCommit(r.request_id, acting, state.now_ms + travel)
    elif cmd.action == "decline":
        event = SupplyDecline(r.request_id, acting, cmd.reason)
    else:  # release: send it back now
        out.incident(_send_back(state, incident, [r.request_id], who, ctx, out))
        return
    out.incident(_run(state, incident, event, who, ctx, out))


def _province_of(centre: str, turn: str, ctx: TheaterContext) -> str | None:
    """The province a command centre acts for; the joint centre acts for whichever side is to answer."""
    if centre in PROVINCES:
        return centre
    if centre == "joint":
        return turn
    try:
        return ctx.regions.unit(centre).province_adcode
    except KeyError:
        return None


__all__ = ["SupplyLot", "SupplyUpdate", "advance", "follow", "next_due", "on_command", "request"]
