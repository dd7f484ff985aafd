"""12345 work orders closed back (派单 → 处置中 → 办结, then 答复 and 回访 to the caller).

Rule: a hotline call fused into an incident is assigned (派单) to the agency that owns its topic at the incident's
place (`streams/data/work_orders.yaml`). The calls one hotline centre took about one incident that one agency owns
are one work order, as repeated calls about one matter are merged in 12345 practice. Its status follows the
incident's tasks of the agency's capability: handling (处置中) once one of them is acknowledged or under way, done
(办结) when all of them are completed, or when the incident leaves the response (recovery, closed). Done, the
caller is owed a reply and a follow-up: the page says both (streams/words) for the centre that took the calls.

Each change is a `work_order` delta keyed by the order's id; a call joining an existing order changes its count
only (said with the next status change), so a surge of calls costs no feed lines of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from playbooks.evidence import Signal
from playbooks.incident import Incident, Task
from streams.theater.state import Emitter, TheaterContext, TheaterState

MAX_KEPT_ORDERS = 50  # order ids kept per work order; the rest are counted
UNDER_WAY = frozenset({"acknowledged", "en_route", "on_scene", "completed"})
Status = Literal["assigned", "handling", "done"]


@dataclass(frozen=True, slots=True)
class WorkOrder:
    id: str  # "<incident id>/<agency kind>/<hotline province>"
    incident_id: str
    hotline: str  # province adcode of the hotline centre that took the calls
    agency_kind: str
    agency: str  # a province-wide body's id, "" when the county's own agency of that kind owns it
    agency_adcode: str  # the county where it is handled (the incident's)
    capability: str  # the capability of the tasks that are its part; "" = the incident as a whole
    topic: str  # the first call's topic
    orders: tuple[str, ...]  # 12345 order ids (the first MAX_KEPT_ORDERS)
    calls: int
    status: Status
    assigned_ms: int
    tasks: tuple[tuple[str, str], ...] = ()  # (task id, status) of the incident's tasks that are its part
    handling_ms: int | None = None
    done_ms: int | None = None


def on_call(state: TheaterState, incident: Incident, signal: Signal, ctx: TheaterContext, out: Emitter) -> None:
    """A hotline call joined `incident`: assign it, to a new work order or to the one that already holds its like."""
    if signal.source != "hotline" or incident.status != "open":
        return
    topic = signal.kind.removeprefix("call:")
    kind, body, capability = ctx.work_orders.owner(topic, incident.province)
    hotline = signal.personal.owner_province if signal.personal is not None else signal.province
    order_id = signal.attr("order_id") or signal.signal_id
    key = f"{incident.id}/{kind}/{hotline}"
    order = state.work_orders.get(key)
    state.dirty.add(("meta", "work_orders"))
    if order is not None:
        kept = order.orders if len(order.orders) >= MAX_KEPT_ORDERS else (*order.orders, order_id)
        state.work_orders[key] = replace(order, orders=kept, calls=order.calls + 1)
        return
    tasks = tuple(
        (t.id, t.status)
        for t in sorted(state.tasks.values(), key=lambda t: t.id)
        if t.incident_id == incident.id and (not capability or t.capability == capability)
    )
    order = WorkOrder(
        id=key,
        incident_id=incident.id,
        hotline=hotline,
        agency_kind=kind,
        agency=body,
        agency_adcode=incident.adcode,
        capability=capability,
        topic=topic,
        orders=(order_id,),
        calls=1,
        status="assigned",
        assigned_ms=state.now_ms,
        tasks=tasks,
    )
    state.orders_of.setdefault(incident.id, []).append(key)
    _put(state, _with_status(order, incident, state.now_ms), out)


def follow(state: TheaterState, incidents: dict[str, Incident], tasks: dict[str, Task], out: Emitter) -> None:
    """Move the work orders of the incidents and tasks the feed shows changed."""
    if not state.orders_of:
        return
    for task in tasks.values():
        if task.incident_id not in incidents and task.incident_id in state.orders_of:
            found = state.fusion.incidents.get(task.incident_id)
            if found is not None:
                incidents = {**incidents, found.id: found}
    for incident_id in sorted(incidents):
        keys = state.orders_of.get(incident_id)
        if not keys:
            continue
        incident = incidents[incident_id]
        if incident.status == "merged" and incident.merged_into:
            # its calls are the survivor's now: they follow the survivor's tasks from here on
            state.orders_of.setdefault(incident.merged_into, []).extend(keys)
            del state.orders_of[incident_id]
            continue
        mine = [t for t in tasks.values() if t.incident_id == incident_id]
        for key in sorted(keys):  # in key order, as a restored theater (which rebuilds this index) goes too
            order = state.work_orders[key]
            if order.status == "done":
                continue
            seen = dict(order.tasks)
            for task in mine:
                if not order.capability or task.capability == order.capability:
                    seen[task.id] = task.status
            moved = _with_status(replace(order, tasks=tuple(sorted(seen.items()))), incident, state.now_ms)
            if moved.status != order.status:
                _put(state, moved, out)
            elif moved != order:
                state.work_orders[key] = moved
                state.dirty.add(("meta", "work_orders"))


def _with_status(order: WorkOrder, incident: Incident, now_ms: int) -> WorkOrder:
    statuses = [status for _, status in order.tasks]
    if (
        incident.stage in ("after", "closed")
        or incident.status == "closed"
        or (order.capability and statuses and all(s == "completed" for s in statuses))
    ):
        return replace(order, status="done", done_ms=now_ms, handling_ms=order.handling_ms or now_ms)
    if any(s in UNDER_WAY for s in statuses) and order.status == "assigned":
        return replace(order, status="handling", handling_ms=now_ms)
    return order


def _put(state: TheaterState, order: WorkOrder, out: Emitter) -> None:
    state.work_orders[order.id] = order
    state.dirty.add(("meta", "work_orders"))
    out.emit("work_order", order.id, order)
