"""Mutual aid between the region command centers: request → offer → commit | decline, with deadlines.

Pure: ``step(state, input, now_ms) -> (state, outputs)``. Time is event time (``now_ms`` from the event or
tick), never the wall clock. Outputs are messages to publish, each with an audit reason; a commit also
yields the status changes the caller applies to the lender's :class:`~geo.fleet.FleetState`. A bad input
changes nothing and yields one ``rejected`` message saying why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal

from geo.agreements import Agreements
from geo.regions import PROVINCES

Stage = Literal["requested", "offered", "committed", "declined", "timed_out"]
_OPEN: tuple[Stage, ...] = ("requested", "offered")


@dataclass(frozen=True)
class AidRequest:
    request_id: str
    task_id: str
    borrower: str  # province adcode asking
    lender: str  # province adcode asked
    capability: str
    count: int


@dataclass(frozen=True)
class AidOffer:
    request_id: str
    lender: str
    responder_ids: tuple[str, ...]
    approved: bool = False  # the lender's command center approved a loan that needs approval


@dataclass(frozen=True)
class AidCommit:
    request_id: str
    borrower: str
    responder_ids: tuple[str, ...] = ()  # empty = everything offered


@dataclass(frozen=True)
class AidDecline:
    request_id: str
    by: str  # province adcode declining
    reason: str


@dataclass(frozen=True)
class Tick:
    pass


MutualAidInput = AidRequest | AidOffer | AidCommit | AidDecline | Tick


@dataclass(frozen=True)
class AidMessage:
    kind: Literal["request", "offer", "commit", "decline", "timeout", "rejected"]
    request_id: str
    from_province: str
    to_province: str
    responder_ids: tuple[str, ...]
    reason: str
    at_ms: int


@dataclass(frozen=True)
class StatusChange:
    responder_id: str
    province: str
    status: Literal["assigned"]
    request_id: str
    reason: str


MutualAidOutput = AidMessage | StatusChange


@dataclass(frozen=True)
class Exchange:
    request: AidRequest
    stage: Stage
    deadline_ms: int
    offered: tuple[str, ...] = ()
    committed: tuple[str, ...] = ()


@dataclass(frozen=True)
class MutualAidState:
    agreements: Agreements
    exchanges: Mapping[str, Exchange] = field(default_factory=lambda: MappingProxyType({}))

    def _with(self, exchange: Exchange) -> MutualAidState:
        return replace(self, exchanges=MappingProxyType({**self.exchanges, exchange.request.request_id: exchange}))


class _Reject(Exception):
    def __init__(self, to: str, reason: str):
        super().__init__(reason)
        self.to = to
        self.reason = reason


def _name(code: str) -> str:
    return PROVINCES.get(code, code)


def step(
    state: MutualAidState, event: MutualAidInput, now_ms: int
) -> tuple[MutualAidState, tuple[MutualAidOutput, ...]]:
    state, expired = _expire(state, now_ms)
    try:
        if isinstance(event, AidRequest):
            state, out = _request(state, event, now_ms)
        elif isinstance(event, AidOffer):
            state, out = _offer(state, event, now_ms)
        elif isinstance(event, AidCommit):
            state, out = _commit(state, event, now_ms)
        elif isinstance(event, AidDecline):
            state, out = _decline(state, event, now_ms)
        else:
            out = ()
    except _Reject as rej:
        rid = getattr(event, "request_id", "")
        out = (AidMessage("rejected", rid, "", rej.to, (), rej.reason, now_ms),)
    return state, expired + out


def _expire(state: MutualAidState, now_ms: int) -> tuple[MutualAidState, tuple[MutualAidOutput, ...]]:
    out: list[MutualAidOutput] = []
    for rid in sorted(state.exchanges):
        ex = state.exchanges[rid]
        if ex.stage in _OPEN and now_ms > ex.deadline_ms:
            r = ex.request
            who = _name(r.lender) if ex.stage == "requested" else _name(r.borrower)
            waiting = "offer" if ex.stage == "requested" else "commit"
            reason = f"{who} sent no {waiting} by the deadline (t={ex.deadline_ms} ms); ask another province or re-plan"
            out.append(AidMessage("timeout", rid, r.lender, r.borrower, ex.offered, reason, now_ms))
            state = state._with(replace(ex, stage="timed_out"))
    return state, tuple(out)


def _open_exchange(state: MutualAidState, rid: str, expected: Stage, sender: str) -> Exchange:
    ex = state.exchanges.get(rid)
    if ex is None:
        raise _Reject(sender, f"request_id {rid!r} is unknown")
    if ex.stage != expected:
        raise _Reject(sender, f"request {rid} is {ex.stage}, not {expected}")
    return ex


def _request(state: MutualAidState, r: AidRequest, now: int) -> tuple[MutualAidState, tuple[MutualAidOutput, ...]]:
    if r.request_id in state.exchanges:
        raise _Reject(r.borrower, f"request_id {r.request_id!r} is already in use")
    if r.count < 1:
        raise _Reject(r.borrower, f"count={r.count} must be at least 1")
    if not state.agreements.lends_to(r.lender, r.borrower, r.capability):
        raise _Reject(
            r.borrower,
            f"{_name(r.lender)} does not lend {r.capability} to {_name(r.borrower)} under the agreements",
        )
    deadline = now + state.agreements.offer_within_ms
    approval = state.agreements.needs_approval(r.lender, r.borrower, r.capability)
    reason = (
        f"{_name(r.borrower)} asks {_name(r.lender)} for {r.count} {r.capability} for task {r.task_id}"
        f"{' (needs the lender’s approval)' if approval else ''}; offer due by t={deadline} ms"
    )
    state = state._with(Exchange(r, "requested", deadline))
    return state, (AidMessage("request", r.request_id, r.borrower, r.lender, (), reason, now),)


def _offer(state: MutualAidState, o: AidOffer, now: int) -> tuple[MutualAidState, tuple[MutualAidOutput, ...]]:
    ex = _open_exchange(state, o.request_id, "requested", o.lender)
    r = ex.request
    if o.lender != r.lender:
        raise _Reject(o.lender, f"request {r.request_id} was made to {_name(r.lender)}, not {_name(o.lender)}")
    if not o.responder_ids:
        raise _Reject(o.lender, "an offer needs at least one responder id (decline instead)")
    if len(set(o.responder_ids)) != len(o.responder_ids):
        raise _Reject(o.lender, f"responder_ids repeat an id: {o.responder_ids}")
    if len(o.responder_ids) > r.count:
        raise _Reject(o.lender, f"offered {len(o.responder_ids)} responders but {r.count} were asked for")
    if state.agreements.needs_approval(r.lender, r.borrower, r.capability) and not o.approved:
        raise _Reject(o.lender, f"lending {r.capability} to {_name(r.borrower)} needs approval; offer has none")
    deadline = now + state.agreements.commit_within_ms
    reason = (
        f"{_name(r.lender)} offers {len(o.responder_ids)} of {r.count} {r.capability}"
        f"{' (approved)' if o.approved else ''}; commit due by t={deadline} ms"
    )
    state = state._with(replace(ex, stage="offered", deadline_ms=deadline, offered=tuple(o.responder_ids)))
    return state, (AidMessage("offer", r.request_id, r.lender, r.borrower, tuple(o.responder_ids), reason, now),)


def _commit(state: MutualAidState, c: AidCommit, now: int) -> tuple[MutualAidState, tuple[MutualAidOutput, ...]]:
    ex = _open_exchange(state, c.request_id, "offered", c.borrower)
    r = ex.request
    if c.borrower != r.borrower:
        raise _Reject(c.borrower, f"request {r.request_id} belongs to {_name(r.borrower)}, not {_name(c.borrower)}")
    chosen = tuple(c.responder_ids) or ex.offered
    stray = [rid for rid in chosen if rid not in ex.offered]
    if stray:
        raise _Reject(c.borrower, f"responder {stray[0]!r} was not offered (offered: {', '.join(ex.offered)})")
    reason = f"{_name(r.borrower)} commits {len(chosen)} {r.capability} from {_name(r.lender)} to task {r.task_id}"
    state = state._with(replace(ex, stage="committed", committed=chosen))
    outputs: list[MutualAidOutput] = [AidMessage("commit", r.request_id, r.borrower, r.lender, chosen, reason, now)]
    outputs += [
        StatusChange(rid, r.lender, "assigned", r.request_id, f"lent to {_name(r.borrower)} for task {r.task_id}")
        for rid in chosen
    ]
    return state, tuple(outputs)


def _decline(state: MutualAidState, d: AidDecline, now: int) -> tuple[MutualAidState, tuple[MutualAidOutput, ...]]:
    ex = state.exchanges.get(d.request_id)
    if ex is None:
        raise _Reject(d.by, f"request_id {d.request_id!r} is unknown")
    r = ex.request
    # The lender declines a request; the borrower declines an offer (or withdraws its request).
    allowed = {"requested": (r.lender, r.borrower), "offered": (r.borrower,)}.get(ex.stage, ())
    if d.by not in allowed:
        raise _Reject(d.by, f"{_name(d.by)} cannot decline request {r.request_id} while it is {ex.stage}")
    other = r.borrower if d.by == r.lender else r.lender
    reason = f"{_name(d.by)} declines: {d.reason}" if d.reason else f"{_name(d.by)} declines"
    state = state._with(replace(ex, stage="declined"))
    return state, (AidMessage("decline", r.request_id, d.by, other, ex.offered, reason, now),)
