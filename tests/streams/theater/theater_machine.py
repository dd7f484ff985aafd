"""A stateful model of the theater for hypothesis (`RuleBasedStateMachine`): random valid inputs in event time,
and the invariants every run must keep (docs/testing.md). Used by the bounded run in `make test`
(test_theater_properties.py) and the long run of `make soak` (soak.py beside it).

Inputs: signals of every kind fusion knows (each family's kinds, the follow-ups that only join, warnings, declared
response levels, casualty reports, silent sensors) at places across the theater with the border areas between
Beijing, Tianjin and Hebei weighted in; operator commands (acknowledge, set a level, approve or reject a pending
approval, close, merge, split); replies about tasks; ticks that release what is buffered and fire timers; signals
that arrive late. At any point the theater is saved (its durable tables, as a Kafka worker writes them) and restored;
from then on the restored theater runs beside the original and must say exactly the same.

Invariants after every step: no exception escapes the step and none was contained (the inputs are valid);
incident ids are stable (numbered without gaps, never reused, never vanish; a merged id stays merged); evidence is
conserved (every released signal joined exactly one live incident, or is counted in `unfused_signals`); every task
belongs to a known incident; a restored theater's deltas and durable records equal the original's.
"""

from __future__ import annotations

import functools
from typing import Any, cast

import msgspec
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from ebrain.compose import Core, build_core
from ebrain.settings import Settings
from playbooks.evidence import Signal
from streams import theater
from streams.theater import store
from streams.theater.state import TheaterContext, TheaterState
from streams.wire.envelope import encode_delta
from streams.wire.records import OperatorCommand, TaskReply, TheaterInput, Tick
from tests.streams.theater.store_kit import empty_tables, restore_from, write_changes
from tests.streams.theater.theater_geo_kit import T0, stepwise

MIN = 60_000
SAVE_EVERY = 10  # steps between saves: a rule without arguments would otherwise be drawn over and over

# (lon, lat): border areas weighted in (燕郊/通州, 房山/涿州, 武清/廊坊, 蓟州/三河/平谷, 大港/黄骅), and inland places
PLACES = (
    (116.81, 39.96),
    (116.72, 39.90),
    (115.98, 39.55),
    (116.03, 39.49),
    (116.95, 39.45),
    (117.08, 39.40),
    (117.30, 40.05),
    (117.12, 40.15),
    (117.46, 38.84),
    (117.35, 38.40),
    (116.40, 39.91),
    (118.45, 39.73),
    (115.47, 38.87),
)
HAZARDS = ("rainstorm", "flood", "gas")
PRECISIONS = ("gps", "gps", "place", "town", "county")
CASUALTY_FIGURES = st.tuples(st.integers(0, 40), st.integers(0, 120), st.integers(0, 5))


#: the inputs of the current machine, for a long run to print when it finds something (tests/streams/theater/soak.py)
TRACE: list[str] = []


@functools.cache
def shared_core() -> Core:
    """Built once per process: regions, fleet and rules are immutable."""
    return build_core(Settings(), fleet_seed=7, fleet_scale=1.0)


def signal_kinds(ctx: TheaterContext) -> tuple[str, ...]:
    kinds = {k for family in ctx.fusion.families.values() for k in family.kinds}
    kinds |= ctx.fusion.attach_only | ctx.fusion.attach_by_place
    kinds |= {"warning", "response_level", "sensor_silent", "casualties"}
    return tuple(sorted(kinds))


class TheaterMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        TRACE.clear()
        core = shared_core()
        self.core = core
        self.ctx = stepwise(core.theater)
        self.kinds = signal_kinds(self.ctx)
        self.state = TheaterState(fleet=core.initial_fleet)
        self.state.fusion.ledger = {}
        self.twin: TheaterState | None = None
        self.tables = empty_tables()
        self.clock_ms = T0
        self.sent: set[str] = set()
        self.seen_ids: dict[str, str] = {}  # incident id → its status when last seen
        self.serial = 0
        self.warnings: list[tuple[str, str]] = []  # (warning id, province) in force
        self.steps = 0
        self.saved_at = -SAVE_EVERY  # a save is possible from the start, then after every SAVE_EVERY steps

    # -- driving -----------------------------------------------------------------------------------------

    def _next_id(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}{self.serial:06d}"

    def _step(self, item: TheaterInput) -> None:
        self.steps += 1
        TRACE.append(repr(item))
        _, deltas = theater.step(self.state, item, self.ctx)
        write_changes(self.tables, self.state)
        if self.twin is not None:
            _, twin_deltas = theater.step(self.twin, item, self.ctx)
            self.twin.dirty.clear()
            assert [encode_delta(d) for d in twin_deltas] == [encode_delta(d) for d in deltas], (
                f"the restored theater said something else on {item}"
            )

    def _located(self, place: int, jitter: tuple[float, float]) -> tuple[float, float, str, str]:
        lon, lat = PLACES[place][0] + jitter[0], PLACES[place][1] + jitter[1]
        unit = self.core.regions.locate(lon, lat)
        if unit is None:  # just off the theater: the anchor itself is inside
            lon, lat = PLACES[place]
            unit = self.core.regions.locate(lon, lat)
        assert unit is not None
        return lon, lat, unit.adcode, unit.province_adcode

    def _open_ids(self) -> list[str]:
        return sorted(i for i, inc in self.state.fusion.incidents.items() if inc.status == "open")

    # -- rules -------------------------------------------------------------------------------------------

    @rule(
        kind=st.integers(0, 10_000),
        place=st.integers(0, len(PLACES) - 1),
        jitter=st.tuples(st.floats(-0.03, 0.03), st.floats(-0.03, 0.03)),
        after_s=st.integers(0, 900),
        late=st.booleans(),
        precision=st.sampled_from(PRECISIONS),
        severity=st.integers(1, 4),
        value=st.floats(0, 200, allow_nan=False),
        figures=CASUALTY_FIGURES,
        hazard=st.sampled_from(HAZARDS),
        cancel=st.booleans(),
        at_incident=st.integers(-1, 10_000),
    )
    def signal(
        self,
        kind: int,
        place: int,
        jitter: tuple[float, float],
        after_s: int,
        late: bool,
        precision: str,
        severity: int,
        value: float,
        figures: tuple[int, int, int],
        hazard: str,
        cancel: bool,
        at_incident: int,
    ) -> None:
        name = self.kinds[kind % len(self.kinds)]
        lon, lat, adcode, province = self._located(place, jitter)
        open_ids = self._open_ids()
        if at_incident >= 0 and open_ids:  # more evidence at an open incident: joins, upgrades, merges of types
            incident = self.state.fusion.incidents[open_ids[at_incident % len(open_ids)]]
            lon, lat, adcode, province = incident.lon, incident.lat, incident.adcode, incident.province
        at_ms = self.state.now_ms - after_s * 1000 if late and self.state.now_ms else self.clock_ms + after_s * 1000
        at_ms = max(at_ms, T0)
        ident = self._next_id("s")
        attrs: list[tuple[str, str]] = []
        source = (
            "agency"
            if name.startswith("report:") or name in ("warning", "response_level", "casualties")
            else ("hotline" if name.startswith("call:") else "sensor")
        )
        kwargs: dict[str, Any] = {}
        if name.startswith("call:"):
            topic = name[5:]
            attrs += [("topics", topic), ("unit", adcode)]
            if precision in ("town", "county"):
                unit = self.core.regions.unit(adcode)
                lon, lat = unit.label_lon, unit.label_lat
        else:
            precision = "gps"
        if name == "warning":
            if cancel and self.warnings:
                warning_id, province = self.warnings.pop(0)
                attrs += [("action", "cancel"), ("warning_id", warning_id), ("colour", "blue"), ("hazard", hazard)]
            else:
                warning_id = self._next_id("W")
                self.warnings.append((warning_id, province))
                colour = ("blue", "yellow", "orange", "red")[severity - 1]
                attrs += [("action", "issue"), ("warning_id", warning_id), ("colour", colour), ("hazard", hazard)]
                attrs += [("area", adcode), ("agency", "weather")]
            kwargs["severity"] = severity
        elif name == "response_level":
            level = ("IV", "III", "II", "I")[severity - 1]
            attrs += [("action", "end" if cancel else "declare"), ("hazard", hazard), ("level", level)]
            attrs += [("agency", "gov")]
        elif name == "casualties":
            deaths, injured, missing = figures
            attrs += [("deaths", str(deaths)), ("injured", str(injured)), ("missing", str(missing))]
            attrs += [("agency", "fire"), ("unit", adcode)]
            kwargs["value"] = float(deaths)
        elif name.startswith("sensor:"):
            kwargs["value"] = value
            kwargs["severity"] = severity
        elif name.startswith("report:"):
            attrs += [("agency", "agency"), ("unit", adcode)]
            kwargs["value"] = float(int(value))
        item = Signal(
            signal_id=ident, source=source, kind=name, at_ms=at_ms, province=province, adcode=adcode,  # type: ignore[arg-type]
            lon=lon, lat=lat, precision=precision, attrs=tuple(attrs), **kwargs,  # type: ignore[arg-type]
        )  # fmt: skip
        self.sent.add(ident)
        self._step(item)

    @rule(minutes=st.integers(1, 240))
    def tick(self, minutes: int) -> None:
        self.clock_ms += minutes * MIN
        self._step(Tick(self.clock_ms))

    @precondition(lambda self: bool(self._open_ids()))
    @rule(
        pick=st.integers(0, 10_000),
        action=st.sampled_from(["acknowledge", "set_level", "approve", "reject", "close", "merge", "split"]),
        other=st.integers(0, 10_000),
        level=st.sampled_from(["I", "II", "III", "IV"]),
    )
    def command(self, pick: int, action: str, other: int, level: str) -> None:
        ids = self._open_ids()
        incident = self.state.fusion.incidents[ids[pick % len(ids)]]
        target, evidence_ids = "", cast(tuple[str, ...], ())
        if action in ("approve", "reject"):
            pending = [a.id for a in incident.approvals if a.state == "pending"]
            target = pending[other % len(pending)] if pending else "A1"
        elif action == "merge":
            target = ids[other % len(ids)]
        elif action == "split":
            kept = [e.signal_id for e in incident.evidence]
            evidence_ids = (kept[other % len(kept)],) if kept else ()
        cmd = OperatorCommand(
            event_id=self._next_id("E"), at_ms=max(self.state.now_ms, T0), operator="li",
            centre=incident.province, action=action, incident_id=incident.id, target=target,
            level=level if action == "set_level" else "", reason="drill", evidence_ids=evidence_ids,
        )  # fmt: skip
        self._step(cmd)

    @precondition(lambda self: bool(self.state.tasks))
    @rule(pick=st.integers(0, 10_000), status=st.sampled_from(["acknowledged", "en_route", "on_scene", "completed"]))
    def task_reply(self, pick: int, status: str) -> None:
        tasks = sorted(self.state.tasks.values(), key=lambda t: t.id)
        task = tasks[pick % len(tasks)]
        reply = TaskReply(
            event_id=self._next_id("R"), task_id=task.id, responder_id=task.responder_id or "-", status=status,
            at_ms=max(self.state.now_ms, T0),
        )  # fmt: skip
        self._step(reply)

    @precondition(lambda self: self.steps - self.saved_at >= SAVE_EVERY)
    @rule()
    def save_and_restore(self) -> None:
        """Restore from the durable tables; the restored theater now runs beside the original."""
        self.saved_at = self.steps
        TRACE.append("save_and_restore")
        self.twin = self._restored()
        self._check_same_records(self.twin)

    # -- invariants --------------------------------------------------------------------------------------

    @invariant()
    def nothing_failed(self) -> None:
        failures = [f"{f.what}: {f.error}" for f in self.state.failures]
        assert self.state.failed_count == 0, failures

    @invariant()
    def ids_are_stable(self) -> None:
        incidents = self.state.fusion.incidents
        for incident_id, status in self.seen_ids.items():
            assert incident_id in incidents, f"{incident_id} vanished"
            if status == "merged":  # a merged id keeps pointing at its survivor
                assert incidents[incident_id].status == "merged", f"{incident_id} came back from a merge"
        for incident_id, incident in incidents.items():
            assert incident.id == incident_id
            self.seen_ids[incident_id] = incident.status
        numbers = sorted(int(i.rsplit("-", 1)[1]) for i in incidents)
        assert numbers == list(range(1, len(numbers) + 1)), "incident numbers were skipped or reused"

    @invariant()
    def evidence_is_conserved(self) -> None:
        state = self.state
        ledger = state.fusion.ledger or {}
        buffered = sum(1 for *_, item in state.buffer if isinstance(item, Signal))
        released = len(self.sent) - buffered
        assert len(ledger) + state.unfused_signals == released, (len(ledger), state.unfused_signals, released)
        live = [i for i in state.fusion.incidents.values() if i.status != "merged"]
        assert sum(i.evidence_count for i in live) == len(ledger), "a signal is counted in no or two incidents"
        kept: dict[str, str] = {}
        for incident in live:
            for evidence in incident.evidence:
                assert evidence.signal_id not in kept, (
                    f"{evidence.signal_id} in {kept.get(evidence.signal_id)} and {incident.id}"
                )
                kept[evidence.signal_id] = incident.id
        for signal_id, incident_id in kept.items():
            assert state.fusion.final_incident(signal_id) == incident_id, f"{signal_id}: ledger and evidence disagree"

    @invariant()
    def every_task_belongs_to_an_incident(self) -> None:
        for task in self.state.tasks.values():
            assert task.incident_id in self.state.fusion.incidents, f"{task.id} of unknown {task.incident_id}"

    # -- restore -----------------------------------------------------------------------------------------

    def _restored(self) -> TheaterState:
        restored = restore_from(self.tables, self.core.initial_fleet)
        restored.fusion.ledger = None
        return restored

    def _check_same_records(self, other: TheaterState) -> None:
        mine = {(t, k): v for t, k, v in store.all_records(self.state)}
        theirs = {(t, k): v for t, k, v in store.all_records(other)}
        differ: list[Any] = sorted(k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k))
        if ("meta", store.META_KEY) in differ:
            a, b = (msgspec.json.decode(r[("meta", store.META_KEY)]) for r in (mine, theirs))
            differ += [f"meta.{k}: {a[k]!r:.200} vs {b[k]!r:.200}" for k in a if a[k] != b.get(k)]
        assert not differ, differ[:6]

    def teardown(self) -> None:
        if self.twin is not None:
            self._check_same_records(self.twin)
