"""Supplies and shelter places lent between the regions: request → offer → commit | decline, then delivery and
return, under the same agreement table and deadlines as responders (geo/mutual_aid.py).

Pure: ``step(state, input, now_ms) -> (state, outputs)`` in event time. The state holds what each depot (and
each shelter: its free places) has now and every exchange. Rules:
- a request to another province needs an agreement that lends the item; an offer needing approval must carry it;
- an offer names lots (depot, quantity) of the lender's own depots with that stock; it may offer less than asked;
- a commit takes the stock out of the depots at once (in transit) and it is delivered at the time the caller
  gives (road time); shelter places are in use at once;
- a return puts returnable items back in their depots when they are back (the time the caller gives), and
  writes consumables off (``consumable``); shelter places are freed at once.
A request to one's own province (local stock) needs no agreement and is offered and committed by the caller.
A bad input changes nothing and yields one ``rejected`` message saying why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

from geo.agreements import Agreements
from geo.regions import PROVINCES

Stage = Literal["requested", "offered", "in_transit", "delivered", "returning", "returned", "declined", "timed_out"]
_OPEN: tuple[Stage, ...] = ("requested", "offered")
Lots = tuple[tuple[str, int], ...]  # (depot or shelter id, quantity)


@dataclass(frozen=True, slots=True)
class SupplyRequest:
    """A province asks another (or its own depots) for a quantity of one item."""

    request_id: str
    incident_id: str
    borrower: str  # province adcode asking
    lender: str  # province adcode asked (the borrower itself for local stock)
    item: str  # an item of geo/stockpiles.py, or shelter_places
    quantity: int


@dataclass(frozen=True, slots=True)
class SupplyOffer:
    """The lender's lots for a request; `approved` when a loan that needs approval has it."""

    request_id: str
    lender: str
    lots: Lots
    approved: bool = False


@dataclass(frozen=True, slots=True)
class SupplyCommit:
    """The borrower takes what was offered: it leaves the depots now."""

    request_id: str
    borrower: str
    arrive_ms: int  # when the lots are at the incident (road time from the farthest depot)


@dataclass(frozen=True, slots=True)
class SupplyDecline:
    """The lender declines a request, or the borrower an offer (or withdraws its request)."""

    request_id: str
    by: str
    reason: str


@dataclass(frozen=True, slots=True)
class SupplyReturn:
    """What was lent goes back: returnable items to their depots, consumables written off."""

    request_id: str
    by: str  # who sends it back: a rule (the incident's after stage) or an operator
    back_ms: int  # when the returnable items are back in their depots


@dataclass(frozen=True, slots=True)
class Tick:
    pass


SupplyInput = SupplyRequest | SupplyOffer | SupplyCommit | SupplyDecline | SupplyReturn | Tick
MessageKind = Literal["request", "offer", "commit", "delivered", "return", "returned", "decline", "timeout", "rejected"]


@dataclass(frozen=True, slots=True)
class SupplyMessage:
    kind: MessageKind
    request_id: str
    from_province: str
    to_province: str
    lots: Lots
    reason: str
    at_ms: int


@dataclass(frozen=True)
class SupplyExchange:
    request: SupplyRequest
    stage: Stage
    due_ms: int  # the next answer's deadline, or when the lots arrive / are back
    lots: Lots = ()  # offered, then committed
    written_off: int = 0  # consumables used up on return


@dataclass(frozen=True)
class SupplyState:
    agreements: Agreements
    province_of: Mapping[str, str]  # depot or shelter id → its province (from data)
    consumable: frozenset[str]
    stock: Mapping[str, Mapping[str, int]] = field(default_factory=lambda: MappingProxyType({}))  # id → item → n
    exchanges: Mapping[str, SupplyExchange] = field(default_factory=lambda: MappingProxyType({}))

    def _with(self, exchange: SupplyExchange) -> SupplyState:
        return replace(self, exchanges=MappingProxyType({**self.exchanges, exchange.request.request_id: exchange}))

    def _moved(self, lots: Lots, item: str, sign: int) -> SupplyState:
        stock = {k: dict(v) for k, v in self.stock.items()}
        for depot, n in lots:
            held = stock.setdefault(depot, {})
            held[item] = held.get(item, 0) + sign * n
        return replace(self, stock=MappingProxyType({k: MappingProxyType(v) for k, v in stock.items()}))

    def has(self, depot: str, item: str) -> int:
        return self.stock.get(depot, {}).get(item, 0)


@dataclass
class _Reject(Exception):
    """Why an input changes nothing, and to whom that is said."""

    to: str
    reason: str


def _name(code: str) -> str:
    return PROVINCES.get(code) or code


def step(state: SupplyState, event: SupplyInput, now_ms: int) -> tuple[SupplyState, tuple[SupplyMessage, ...]]:
    state, moved_on = _advance(state, now_ms)
    handler = _HANDLERS.get(type(event))
    if handler is None:  # a tick: only what time moves
        return state, moved_on
    try:
        state, out = handler(state, event, now_ms)
    except _Reject as refusal:
        rid = getattr(event, "request_id", "")
        out = (SupplyMessage("rejected", rid, "", refusal.to, (), refusal.reason, now_ms),)
    return state, moved_on + out


def next_due_ms(exchanges: Mapping[str, SupplyExchange]) -> int | None:
    """The first event time at which an exchange moves by itself: a deadline passed, lots arrived or back."""
    due = [
        ex.due_ms + 1 if ex.stage in _OPEN else ex.due_ms
        for ex in exchanges.values()
        if ex.stage in (*_OPEN, "in_transit", "returning")
    ]
    return min(due, default=None)


def _advance(state: SupplyState, now_ms: int) -> tuple[SupplyState, tuple[SupplyMessage, ...]]:
    out: list[SupplyMessage] = []
    for rid in sorted(state.exchanges):
        ex = state.exchanges[rid]
        r = ex.request
        if ex.stage in _OPEN and now_ms > ex.due_ms:
            who = _name(r.lender) if ex.stage == "requested" else _name(r.borrower)
            waiting = "offer" if ex.stage == "requested" else "commit"
            reason = f"{who} sent no {waiting} of {r.item} by the deadline; ask another province or re-plan"
            out.append(SupplyMessage("timeout", rid, r.lender, r.borrower, ex.lots, reason, now_ms))
            state = state._with(replace(ex, stage="timed_out", due_ms=0))
        elif ex.stage == "in_transit" and now_ms >= ex.due_ms:
            reason = f"{_quantity(ex.lots)} {r.item} from {_name(r.lender)} delivered to {r.incident_id}"
            out.append(SupplyMessage("delivered", rid, r.lender, r.borrower, ex.lots, reason, ex.due_ms))
            state = state._with(replace(ex, stage="delivered", due_ms=0))
        elif ex.stage == "returning" and now_ms >= ex.due_ms:
            state = state._moved(ex.lots, r.item, +1)
            reason = f"{_quantity(ex.lots)} {r.item} back in {_name(r.lender)}'s depots"
            out.append(SupplyMessage("returned", rid, r.borrower, r.lender, ex.lots, reason, ex.due_ms))
            state = state._with(replace(ex, stage="returned", due_ms=0))
    return state, tuple(out)


def _quantity(lots: Lots) -> int:
    return sum(n for _, n in lots)


def _exchange(state: SupplyState, rid: str, expected: tuple[Stage, ...], sender: str) -> SupplyExchange:
    ex = state.exchanges.get(rid)
    if ex is None:
        raise _Reject(sender, f"request_id {rid!r} is unknown")
    if ex.stage not in expected:
        raise _Reject(sender, f"request {rid} is {ex.stage}, not {' or '.join(expected)}")
    return ex


def _request(state: SupplyState, r: SupplyRequest, now: int) -> tuple[SupplyState, tuple[SupplyMessage, ...]]:
    if r.quantity < 1:
        raise _Reject(r.borrower, f"quantity={r.quantity} must be at least 1")
    if r.request_id in state.exchanges:
        raise _Reject(r.borrower, f"request_id {r.request_id!r} is already in use")
    local = r.lender == r.borrower
    if not local and not state.agreements.lends_to(r.lender, r.borrower, r.item):
        raise _Reject(
            r.borrower, f"{_name(r.lender)} does not lend {r.item} to {_name(r.borrower)} under the agreements"
        )
    deadline = now + state.agreements.offer_within_ms
    approval = not local and state.agreements.needs_approval(r.lender, r.borrower, r.item)
    source = "its own depots" if local else _name(r.lender)
    reason = (
        f"{_name(r.borrower)} asks {source} for {r.quantity} {r.item} for {r.incident_id}"
        f"{' (needs the lender’s approval)' if approval else ''}"
    )
    message = SupplyMessage("request", r.request_id, r.borrower, r.lender, (), reason, now)
    return state._with(SupplyExchange(r, "requested", deadline)), (message,)


def _offer(state: SupplyState, o: SupplyOffer, now: int) -> tuple[SupplyState, tuple[SupplyMessage, ...]]:
    ex = _exchange(state, o.request_id, ("requested",), o.lender)
    r = ex.request
    if o.lender != r.lender:
        raise _Reject(o.lender, f"request {r.request_id} was made to {_name(r.lender)}, not {_name(o.lender)}")
    if not o.lots or any(n < 1 for _, n in o.lots):
        raise _Reject(o.lender, "an offer needs at least one lot of at least 1 (decline instead)")
    if len({d for d, _ in o.lots}) != len(o.lots):
        raise _Reject(o.lender, f"an offer names a depot twice: {o.lots}")
    for depot, n in o.lots:
        if state.province_of.get(depot) != r.lender:
            raise _Reject(o.lender, f"{depot!r} is no depot or shelter of {_name(r.lender)}")
        if state.has(depot, r.item) < n:
            raise _Reject(o.lender, f"{depot} has {state.has(depot, r.item)} {r.item}, not {n}")
    if _quantity(o.lots) > r.quantity:
        raise _Reject(o.lender, f"offered {_quantity(o.lots)} {r.item} but {r.quantity} were asked for")
    if r.lender != r.borrower and state.agreements.needs_approval(r.lender, r.borrower, r.item) and not o.approved:
        raise _Reject(o.lender, f"lending {r.item} to {_name(r.borrower)} needs approval; offer has none")
    deadline = now + state.agreements.commit_within_ms
    reason = (
        f"{_name(r.lender)} offers {_quantity(o.lots)} of {r.quantity} {r.item}{' (approved)' if o.approved else ''}"
    )
    state = state._with(replace(ex, stage="offered", due_ms=deadline, lots=o.lots))
    return state, (SupplyMessage("offer", r.request_id, r.lender, r.borrower, o.lots, reason, now),)


def _commit(state: SupplyState, c: SupplyCommit, now: int) -> tuple[SupplyState, tuple[SupplyMessage, ...]]:
    ex = _exchange(state, c.request_id, ("offered",), c.borrower)
    r = ex.request
    if c.borrower != r.borrower:
        raise _Reject(c.borrower, f"request {r.request_id} belongs to {_name(r.borrower)}, not {_name(c.borrower)}")
    for depot, n in ex.lots:  # the stock may have gone to another request since the offer
        if state.has(depot, r.item) < n:
            raise _Reject(c.borrower, f"{depot} has {state.has(depot, r.item)} {r.item} left, not the {n} offered")
    state = state._moved(ex.lots, r.item, -1)
    arrive = max(now, c.arrive_ms)
    reason = f"{_name(r.borrower)} commits {_quantity(ex.lots)} {r.item} from {_name(r.lender)} to {r.incident_id}"
    state = state._with(replace(ex, stage="in_transit", due_ms=arrive))
    state, arrived = _advance(state, now)  # shelter places: in use at once
    return state, (SupplyMessage("commit", r.request_id, r.borrower, r.lender, ex.lots, reason, now), *arrived)


def _decline(state: SupplyState, d: SupplyDecline, now: int) -> tuple[SupplyState, tuple[SupplyMessage, ...]]:
    ex = _exchange(state, d.request_id, _OPEN, d.by)
    r = ex.request
    allowed = (r.lender, r.borrower) if ex.stage == "requested" else (r.borrower,)
    if d.by not in allowed:
        raise _Reject(d.by, f"{_name(d.by)} cannot decline request {r.request_id} while it is {ex.stage}")
    other = r.borrower if d.by == r.lender else r.lender
    reason = f"{_name(d.by)} declines: {d.reason}" if d.reason else f"{_name(d.by)} declines"
    state = state._with(replace(ex, stage="declined", due_ms=0))
    return state, (SupplyMessage("decline", r.request_id, d.by, other, ex.lots, reason, now),)


def _return(state: SupplyState, g: SupplyReturn, now: int) -> tuple[SupplyState, tuple[SupplyMessage, ...]]:
    ex = _exchange(state, g.request_id, ("in_transit", "delivered"), g.by)
    r = ex.request
    if r.item in state.consumable:  # used up on the scene: nothing goes back
        reason = f"{_quantity(ex.lots)} {r.item} used and written off ({g.by})"
        state = state._with(replace(ex, stage="returned", due_ms=0, written_off=_quantity(ex.lots)))
        return state, (SupplyMessage("returned", r.request_id, r.borrower, r.lender, ex.lots, reason, now),)
    back = max(now, g.back_ms)
    reason = f"{_quantity(ex.lots)} {r.item} sent back to {_name(r.lender)} ({g.by})"
    state = state._with(replace(ex, stage="returning", due_ms=back))
    out = SupplyMessage("return", r.request_id, r.borrower, r.lender, ex.lots, reason, now)
    state, back_now = _advance(state, now)  # shelter places: free at once
    return state, (out, *back_now)


_Handler = Callable[[SupplyState, Any, int], tuple[SupplyState, tuple[SupplyMessage, ...]]]
_HANDLERS: dict[type, _Handler] = {
    SupplyRequest: _request,
    SupplyOffer: _offer,
    SupplyCommit: _commit,
    SupplyDecline: _decline,
    SupplyReturn: _return,
}
