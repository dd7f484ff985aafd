"""The theater's durable form: what a runtime writes after a step, and how the state is rebuilt on recovery.

Entities go to their own keyed tables (incident, task, responder status), written only when a step changed
them; the small remainder (watermarks, the reorder buffer, counters, active warnings) is one `meta` record.
Indexes (the fusion grid, place keys) are derived, so recovery rebuilds them instead of storing them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import msgspec

from geo.fleet import FleetState
from geo.mutual_aid import Exchange
from geo.supplies import SupplyExchange
from playbooks.evidence import Signal
from playbooks.incident import Incident, Task
from streams.fusion import fuse
from streams.theater import TheaterState
from streams.theater.readiness import MoveUp, Readiness, positions
from streams.theater.reporting import Report, ReportMark
from streams.theater.state import ActiveClosure, AidLink
from streams.theater.work_orders import WorkOrder
from streams.wire.envelope import decode_input, encode_input
from streams.wire.records import TheaterInput

META_KEY = "meta"
_ENCODER = msgspec.json.Encoder()


@dataclass(frozen=True)
class TheaterMeta:
    watermarks: dict[str, int]
    buffer: list[tuple[int, int, str, int, bytes]]
    arrivals: int
    now_ms: int
    feed_seq: int
    task_number: int
    notification_number: int
    last_timed_scan_ms: int
    next_incident_number: int
    active_warnings: dict[str, Signal]
    declared_levels: dict[str, Signal]
    posts_down: dict[str, Signal]
    feed_pending: list[str] = field(default_factory=list)  # surge pacing: held back from the feed
    # the evidence ids the feed last had of each held-back incident (every other incident's are its own)
    feed_evidence: dict[str, list[str]] = field(default_factory=dict)
    aid: dict[str, Exchange] = field(default_factory=dict)
    aid_links: dict[str, AidLink] = field(default_factory=dict)
    closures: dict[str, ActiveClosure] = field(default_factory=dict)
    returning: dict[str, int] = field(default_factory=dict)
    hospital_load: dict[str, int] = field(default_factory=dict)
    injured_routed: dict[str, int] = field(default_factory=dict)
    failed_count: int = 0
    unfused_signals: int = 0
    heard: dict[str, int] = field(default_factory=dict)
    late_inputs: int = 0
    reports: dict[str, Report] = field(default_factory=dict)
    report_marks: dict[str, ReportMark] = field(default_factory=dict)
    losses: dict[str, dict[str, tuple[int, ...]]] = field(default_factory=dict)
    loss_totals: dict[str, tuple[int, ...]] = field(default_factory=dict)
    work_orders: dict[str, WorkOrder] = field(default_factory=dict)
    readiness: dict[str, Readiness] = field(default_factory=dict)
    move_ups: dict[str, MoveUp] = field(default_factory=dict)
    supplies: dict[str, SupplyExchange] = field(default_factory=dict)
    supply_stock: dict[str, dict[str, int]] = field(default_factory=dict)
    winds: dict[str, Signal] = field(default_factory=dict)
    burns_routed: dict[str, int] = field(default_factory=dict)


def encode_meta(state: TheaterState) -> bytes:
    meta = TheaterMeta(
        watermarks=dict(state.watermarks),
        buffer=[(a, b, c, d, encode_input(item)) for a, b, c, d, item in state.buffer],
        arrivals=state.arrivals,
        now_ms=state.now_ms,
        feed_seq=state.feed_seq,
        task_number=state.task_number,
        notification_number=state.notification_number,
        last_timed_scan_ms=state.last_timed_scan_ms,
        next_incident_number=state.fusion.next_number,
        active_warnings=dict(state.active_warnings),
        declared_levels=dict(state.declared_levels),
        posts_down=dict(state.posts_down),
        feed_pending=sorted(state.fusion.feed_pending),
        feed_evidence={i: list(state.fed[i]) for i in sorted(state.fusion.feed_pending) if i in state.fed},
        aid=dict(state.aid),
        aid_links=dict(state.aid_links),
        closures=dict(state.closures),
        returning=dict(state.returning),
        hospital_load=dict(state.hospital_load),
        injured_routed=dict(state.injured_routed),
        failed_count=state.failed_count,
        unfused_signals=state.unfused_signals,
        heard=dict(state.heard),
        late_inputs=state.late_inputs,
        reports=dict(state.reports),
        report_marks=dict(state.report_marks),
        losses={key: dict(value) for key, value in state.losses.items()},
        loss_totals=dict(state.loss_totals),
        work_orders=dict(state.work_orders),
        readiness=dict(state.readiness),
        move_ups=dict(state.move_ups),
        supplies=dict(state.supplies),
        supply_stock={key: dict(value) for key, value in state.supply_stock.items()},
        winds=dict(state.winds),
        burns_routed=dict(state.burns_routed),
    )
    return _ENCODER.encode(meta)


def changed_records(state: TheaterState) -> Iterator[tuple[str, str, bytes | None]]:
    """(table, key, value) for everything the last steps changed; None deletes. Clears the change set."""
    for table, key in sorted(state.dirty):
        if table == "incident":
            incident = state.fusion.incidents.get(key)
            yield "incident", key, _ENCODER.encode(incident) if incident is not None else None
        elif table == "task":
            task = state.tasks.get(key)
            yield "task", key, _ENCODER.encode(task) if task is not None else None
        elif table == "responder":
            yield "responder", key, state.fleet.status_of(key).encode()
    if state.dirty:
        yield "meta", META_KEY, encode_meta(state)
    state.dirty.clear()


def all_records(state: TheaterState) -> Iterator[tuple[str, str, bytes]]:
    """(table, key, value) for the whole durable form (every incident, task, responder not available, the meta
    record): what `restore` rebuilds from. Two theaters with the same records continue identically."""
    for key in sorted(state.fusion.incidents):
        yield "incident", key, _ENCODER.encode(state.fusion.incidents[key])
    for key in sorted(state.tasks):
        yield "task", key, _ENCODER.encode(state.tasks[key])
    for key in sorted(state.fleet.status):
        if state.fleet.status[key] != "available":
            yield "responder", key, state.fleet.status[key].encode()
    yield "meta", META_KEY, encode_meta(state)


def restore(
    initial_fleet: FleetState,
    incidents: Iterable[bytes],
    tasks: Iterable[bytes],
    statuses: Iterable[tuple[str, bytes]],
    meta: bytes | None,
) -> TheaterState:
    """Rebuild a theater from its tables (the inverse of `changed_records`)."""
    decoded_incidents = [msgspec.json.decode(raw, type=Incident) for raw in incidents]
    fleet = initial_fleet.with_statuses({key: value.decode() for key, value in statuses})  # type: ignore[misc]
    state = TheaterState(fleet=fleet)
    state.tasks = {task.id: task for task in (msgspec.json.decode(raw, type=Task) for raw in tasks)}
    next_number = 1
    feed_pending: list[str] = []
    feed_evidence: dict[str, list[str]] = {}
    if meta is not None:
        m = msgspec.json.decode(meta, type=TheaterMeta)
        state.watermarks = dict(m.watermarks)
        state.buffer = [(a, b, c, d, _input(raw)) for a, b, c, d, raw in m.buffer]
        state.arrivals = m.arrivals
        state.now_ms = m.now_ms
        state.feed_seq = m.feed_seq
        state.task_number = m.task_number
        state.notification_number = m.notification_number
        state.last_timed_scan_ms = m.last_timed_scan_ms
        state.active_warnings = dict(m.active_warnings)
        state.declared_levels = dict(m.declared_levels)
        state.posts_down = dict(m.posts_down)
        state.winds = dict(m.winds)
        state.burns_routed = dict(m.burns_routed)
        state.aid, state.aid_links, state.closures = dict(m.aid), dict(m.aid_links), dict(m.closures)
        state.returning, state.hospital_load = dict(m.returning), dict(m.hospital_load)
        state.injured_routed = dict(m.injured_routed)
        state.failed_count = m.failed_count
        state.unfused_signals = m.unfused_signals
        state.heard = dict(m.heard)
        state.late_inputs = m.late_inputs
        state.reports, state.report_marks = dict(m.reports), dict(m.report_marks)
        state.report_due = {r.id: r.due_ms for r in m.reports.values() if r.status == "due"}
        state.losses = {key: dict(value) for key, value in m.losses.items()}
        state.loss_totals = dict(m.loss_totals)
        state.work_orders = dict(m.work_orders)
        state.readiness, state.move_ups = dict(m.readiness), dict(m.move_ups)
        if state.move_ups:  # accepted move-ups put their units where they stand now
            state.fleet = state.fleet.with_positions(positions(state))
        state.supplies = dict(m.supplies)
        state.supply_stock = {key: dict(value) for key, value in m.supply_stock.items()}
        next_number = m.next_incident_number
        feed_pending = m.feed_pending
        feed_evidence = m.feed_evidence
    state.fusion = fuse.FusionState.rebuild(decoded_incidents, next_number, tuple(feed_pending))
    for key in sorted(state.work_orders):  # an order follows the survivor of its incident's merges
        incident_id = state.work_orders[key].incident_id
        while (found := state.fusion.incidents.get(incident_id)) is not None and found.merged_into:
            incident_id = found.merged_into
        state.orders_of.setdefault(incident_id, []).append(key)
    state.fed = {i.id: tuple(e.signal_id for e in i.evidence) for i in decoded_incidents}
    state.fed.update((i, tuple(ids)) for i, ids in feed_evidence.items())
    return state


def _input(raw: bytes) -> TheaterInput:
    return decode_input(raw)
