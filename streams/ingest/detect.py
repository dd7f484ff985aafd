"""Per-sensor alarm detection: tiers with hysteresis and a minimum duration, rate of change, and silence.

`step_reading(state, reading, thresholds)` is pure per device. `DetectorState` holds every device of one
partition and remembers which devices changed in a way worth keeping (tier, pending tier, rate alarm,
silence), so a Kafka table is written only when a device's alarm state changes, not on every reading.
The tables are data (streams/data/thresholds.yaml), per issuing authority and sensor kind.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import get_args

import msgspec
import pydantic
from msgspec.structs import replace

from geo.datafiles import StrictModel, load_yaml_model
from geo.names import did_you_mean
from streams.wire.contract import SensorKind
from streams.wire.records import Heartbeat, Reading, Signal, Tick

TIER_NAMES = ("none", "blue", "yellow", "orange", "red")
DATA_FILE = Path(str(resources.files("streams"))) / "data" / "thresholds.yaml"


class _Rate(StrictModel):
    rise_per_min: float = pydantic.Field(gt=0)
    severity: int = pydantic.Field(ge=1, le=4)


class _Table(StrictModel):
    unit: str
    tiers: tuple[float, float, float, float]
    hysteresis: float = pydantic.Field(ge=0, lt=1)
    min_duration_s: int = pydantic.Field(ge=0)
    silence_factor: float = pydantic.Field(gt=0)
    rate: _Rate | None = None

    @pydantic.field_validator("tiers")
    @classmethod
    def _ascending(cls, tiers: tuple[float, ...]) -> tuple[float, ...]:
        if list(tiers) != sorted(tiers):
            raise ValueError(f"tiers {list(tiers)} must rise from blue to red")
        return tiers


class _File(StrictModel):
    authorities: dict[str, dict[str, _Table]]
    derived: dict[str, str] = pydantic.Field(default_factory=dict)

    @pydantic.field_validator("authorities")
    @classmethod
    def _has_default(cls, authorities: dict[str, dict[str, _Table]]) -> dict[str, dict[str, _Table]]:
        if "default" not in authorities:
            raise ValueError("a 'default' authority is required")
        return authorities


@dataclass(frozen=True, slots=True)
class TierTable:
    unit: str
    tiers: tuple[float, float, float, float]
    hysteresis: float
    min_duration_s: int
    silence_factor: float
    rate_per_min: float | None = None  # a rise at least this fast (per minute of event time) alarms
    rate_severity: int = 0

    def silence_ms(self, interval_s: int) -> float:
        return self.silence_factor * interval_s * 1000

    def tier_of(self, value: float, current: int) -> int:
        """The tier a value is in, staying in the current tier until the value clears it by the hysteresis."""
        tiers = self.tiers
        raw = (value >= tiers[0]) + (value >= tiers[1]) + (value >= tiers[2]) + (value >= tiers[3])
        if raw >= current:
            return raw
        tier = current
        while tier > raw and value < tiers[tier - 1] * (1.0 - self.hysteresis):
            tier -= 1
        return tier


@dataclass(frozen=True)
class Thresholds:
    tables: dict[str, dict[str, TierTable]]
    derived: dict[str, str]
    _memo: dict[tuple[str, str], TierTable] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls, path: Path = DATA_FILE) -> Thresholds:
        doc = load_yaml_model(_File, path)
        kinds = [doc.derived.get(k, k) for k in get_args(SensorKind)]
        for authority, rows in doc.authorities.items():
            for name in rows:
                if name not in kinds:
                    raise ValueError(
                        f"{path}: authorities.{authority}.{name}: not a sensor kind{did_you_mean(name, kinds)}"
                    )
        missing = sorted(set(kinds) - set(doc.authorities["default"]))
        if missing:
            raise ValueError(f"{path}: authorities.default: no table for {', '.join(missing)}")
        tables = {
            authority: {
                kind: TierTable(
                    t.unit,
                    t.tiers,
                    t.hysteresis,
                    t.min_duration_s,
                    t.silence_factor,
                    t.rate.rise_per_min if t.rate else None,
                    t.rate.severity if t.rate else 0,
                )
                for kind, t in kinds.items()
            }
            for authority, kinds in doc.authorities.items()
        }
        return cls(tables=tables, derived=dict(doc.derived))

    def table(self, province: str, kind: str) -> TierTable:
        """The authority's table for a kind, else the default one (memoised: it is on the hot path)."""
        found = self._memo.get((province, kind))
        if found is None:
            name = self.derived.get(kind, kind)
            found = self.tables.get(province, {}).get(name) or self.tables["default"][name]
            self._memo[(province, kind)] = found
        return found


class SensorState(msgspec.Struct, frozen=True, gc=False):
    """One device's state: an immutable value, replaced on every reading. A msgspec Struct rather than a frozen
    dataclass because it is built once per reading on the hot path (25x cheaper to build) and is the record
    the Kafka table stores."""

    device_id: str
    kind: str
    province: str
    adcode: str
    lon: float
    lat: float
    interval_s: int
    last_at_ms: int
    last_value: float
    tier: int = 0
    pending_tier: int = 0
    pending_since_ms: int = 0
    baseline: float | None = None  # for pipe pressure: recent normal pressure
    silent: bool = False
    rate_alarm: bool = False
    # per tier blue..red above the current one: event time of the first reading of the present run at or above
    # it (0: not there). A minimum duration counts from here, so a jump of tiers never restarts the wait.
    above_since_ms: tuple[int, int, int, int] = (0, 0, 0, 0)


@dataclass
class DetectorState:
    """All devices of one partition. Mutated in place for speed; devices themselves are immutable values.

    `waiting` (devices with a tier waiting out its minimum duration) and `silence_due_ms` (no device can be silent
    before it) are derived from `devices`: None means "work it out", which is what a restored state starts with.
    """

    devices: dict[str, SensorState] = field(default_factory=dict)
    # devices whose state changed since the runtime last wrote them durably: every accepted reading and heartbeat
    # changes at least the last-seen time, which a restarted detector needs to judge silence
    dirty: set[str] = field(default_factory=set)
    waiting: dict[str, None] | None = None
    silence_due_ms: float | None = None


def _signal(s: SensorState, kind: str, at_ms: int, severity: int, event_id: str, trigger: str) -> Signal:
    return Signal(
        signal_id=f"{event_id}:{kind}",
        source="sensor",
        kind=kind,
        at_ms=at_ms,
        province=s.province,
        adcode=s.adcode,
        lon=s.lon,
        lat=s.lat,
        precision="gps",
        severity=severity,
        value=s.last_value,
        place_key=f"device:{s.device_id}",
        attrs=(
            ("device_id", s.device_id),
            ("sensor_kind", s.kind),
            ("tier", TIER_NAMES[severity]),
            ("trigger", trigger),
        ),
    )


def _measure(state: SensorState | None, kind: str, value: float) -> tuple[float, float | None]:
    """The value compared with the tier table, and the updated baseline (pressure alarms on a drop)."""
    if kind != "pipe_pressure":
        return value, None
    old = None if state is None else state.baseline
    baseline = value if old is None else max(value, old * 0.999)
    return max(0.0, baseline - value), baseline


def step_reading(
    state: SensorState | None, reading: Reading, thresholds: Thresholds
) -> tuple[SensorState, tuple[Signal, ...]]:
    """One device's next state and signals. A late or repeated reading (not newer than the device's latest)
    cannot change its present state and changes nothing."""
    if state is not None and reading.at_ms <= state.last_at_ms:
        return state, ()
    r = reading
    table = thresholds.table(r.province, r.kind)
    return _advance(
        state,
        table,
        r.event_id,
        r.device_id,
        r.kind,
        r.value,
        r.at_ms,
        r.lon,
        r.lat,
        r.adcode,
        r.province,
        r.interval_s,
    )


def observe(
    detector: DetectorState,
    thresholds: Thresholds,
    event_id: str,
    device_id: str,
    kind: str,
    value: float,
    at_ms: int,
    lon: float,
    lat: float,
    adcode: str,
    province: str,
    interval_s: int,
) -> tuple[Signal, ...]:
    """`step` for one reading given as its fields: the ingest hot path, which builds no `Reading` record."""
    before = detector.devices.get(device_id)
    if before is not None and at_ms <= before.last_at_ms:
        return ()
    table = thresholds.table(province, kind)
    after, signals = _advance(
        before, table, event_id, device_id, kind, value, at_ms, lon, lat, adcode, province, interval_s
    )
    detector.devices[device_id] = after
    if after.pending_tier != after.tier or (before is not None and before.pending_tier != before.tier):
        waiting = _waiting(detector)  # the common case, no tier waiting before or after, skips this
        if after.pending_tier > after.tier:
            waiting[device_id] = None
        elif device_id in waiting:
            del waiting[device_id]
    if before is None or before.silent or interval_s < before.interval_s:
        _may_fall_silent_at(detector, at_ms + table.silence_ms(interval_s))
    detector.dirty.add(device_id)
    return signals


def _advance(
    state: SensorState | None,
    table: TierTable,
    event_id: str,
    device_id: str,
    kind: str,
    value: float,
    at_ms: int,
    lon: float,
    lat: float,
    adcode: str,
    province: str,
    interval_s: int,
) -> tuple[SensorState, tuple[Signal, ...]]:
    measured, baseline = _measure(state, kind, value)
    outputs: list[Signal] = []
    if state is not None and state.pending_tier > state.tier:
        # a wait that ran out between the last reading and this one fired then (as a tick would have made it)
        state, held = fire_held(state, table, at_ms - 1)
        outputs.extend(held)
    tier = 0 if state is None else state.tier
    pending = 0 if state is None else state.pending_tier
    since = at_ms if state is None else state.pending_since_ms
    rate_alarm = False if state is None else state.rate_alarm
    above = (0, 0, 0, 0) if state is None else state.above_since_ms
    target = table.tier_of(measured, tier)
    after = SensorState(
        device_id, kind, province, adcode, lon, lat, interval_s, at_ms, measured, tier, pending, since, baseline,
        False, rate_alarm, above,
    )  # fmt: skip
    if target == tier and pending == tier and not rate_alarm and table.rate_per_min is None and not outputs:
        if state is not None and state.silent:
            return after, (_signal(after, "sensor_back", at_ms, 0, event_id, "reading"),)
        return after, ()  # the common case: nothing changes but the latest value
    if state is not None and state.silent:
        outputs.append(_signal(after, "sensor_back", at_ms, 0, event_id, "reading"))
    if target < tier:
        after = replace(after, tier=target, pending_tier=target, above_since_ms=(0, 0, 0, 0))
        name = "sensor_clear" if target == 0 else f"sensor:{kind}"
        outputs.append(_signal(after, name, at_ms, target, event_id, "level"))
    elif target > tier:
        # the run at or above each tier keeps its first reading; a tier the value fell below starts again
        runs = tuple(0 if t <= tier or t > target else (above[t - 1] or at_ms) for t in range(1, 5))
        after = replace(after, pending_tier=target, pending_since_ms=runs[tier], above_since_ms=runs)
        after, held = fire_held(after, table, at_ms, event_id)
        outputs.extend(held)
    elif pending != tier:
        after = replace(after, pending_tier=tier, above_since_ms=(0, 0, 0, 0))
    if table.rate_per_min is not None and state is not None:
        rate = (measured - state.last_value) / ((at_ms - state.last_at_ms) / 60_000)
        if rate >= table.rate_per_min and not rate_alarm:
            after = replace(after, rate_alarm=True)
            severity = max(table.rate_severity, after.tier)
            outputs.append(_signal(after, f"sensor:{kind}", at_ms, severity, event_id, "rate"))
        elif rate_alarm and rate < table.rate_per_min * (1.0 - table.hysteresis):
            after = replace(after, rate_alarm=False)
    return after, tuple(outputs)


def fire_held(
    s: SensorState, table: TierTable, now_ms: int, event_id: str | None = None
) -> tuple[SensorState, tuple[Signal, ...]]:
    """Announce every tier above the current one whose minimum duration has run out by `now_ms`, each at the
    event time it ran out (the highest of those running out at the same time). `event_id` names a reading that
    made a tier due at its own time; a wait that runs out later is named after the device and that time."""
    wait_ms = table.min_duration_s * 1000
    if s.pending_tier > s.tier and not any(s.above_since_ms):
        # a state stored before per-tier starts were kept: its one start stands for every tier it waits for
        runs = tuple(s.pending_since_ms if s.tier < t <= s.pending_tier else 0 for t in range(1, 5))
        s = replace(s, above_since_ms=runs)
    due = [
        (s.above_since_ms[t - 1] + wait_ms, t)
        for t in range(s.tier + 1, s.pending_tier + 1)
        if s.above_since_ms[t - 1] and s.above_since_ms[t - 1] + wait_ms <= now_ms
    ]
    outputs: list[Signal] = []
    for i, (at_ms, t) in enumerate(due):
        if i + 1 < len(due) and due[i + 1][0] == at_ms:
            continue  # a higher tier runs out at the same time: announce that one
        runs = tuple(0 if k <= t else since for k, since in enumerate(s.above_since_ms, 1))
        s = replace(s, tier=t, pending_since_ms=runs[t] if t < 4 else 0, above_since_ms=runs)
        name = event_id if event_id is not None and at_ms == s.last_at_ms else f"{s.device_id}/held@{at_ms}"
        outputs.append(_signal(s, f"sensor:{s.kind}", at_ms, t, name, "level"))
    return s, tuple(outputs)


def scan_silence(detector: DetectorState, now_ms: int, thresholds: Thresholds) -> tuple[Signal, ...]:
    """Mark devices silent that missed `silence_factor` intervals; the theater decides if that is a blackout risk
    (it is when a warning is active in the device's area). Devices are only looked at once one may be due."""
    if detector.silence_due_ms is not None and now_ms <= detector.silence_due_ms:
        return ()
    outputs: list[Signal] = []
    silent: list[SensorState] = []
    next_due = math.inf
    # Insertion order is the order the partition's readings arrived in: the same on every runtime.
    for s in detector.devices.values():
        if s.silent:
            continue
        due = s.last_at_ms + thresholds.table(s.province, s.kind).silence_ms(s.interval_s)
        if now_ms > due:
            silent.append(s)
        else:
            next_due = min(next_due, due)
    detector.silence_due_ms = next_due
    for s in silent:
        outputs.append(_go_silent(detector, s, now_ms, "silence"))
    return tuple(outputs)


def fire_waiting(detector: DetectorState, now_ms: int, thresholds: Thresholds) -> tuple[Signal, ...]:
    """On a tick: every tier whose minimum duration has run out by now, in event-time order."""
    waiting = _waiting(detector)
    fired: list[Signal] = []
    for device_id in list(waiting):
        s = detector.devices[device_id]
        after, signals = fire_held(s, thresholds.table(s.province, s.kind), now_ms)
        if signals:
            detector.devices[device_id] = after
            detector.dirty.add(device_id)
            fired.extend(signals)
            if after.pending_tier <= after.tier:
                del waiting[device_id]
    return tuple(sorted(fired, key=lambda signal: (signal.at_ms, signal.signal_id)))


def _waiting(detector: DetectorState) -> dict[str, None]:
    if detector.waiting is None:
        detector.waiting = {d: None for d, s in detector.devices.items() if s.pending_tier > s.tier}
    return detector.waiting


def _may_fall_silent_at(detector: DetectorState, due_ms: float) -> None:
    if detector.silence_due_ms is not None and due_ms < detector.silence_due_ms:
        detector.silence_due_ms = due_ms


def _go_silent(detector: DetectorState, s: SensorState, at_ms: int, trigger: str) -> Signal:
    silent = replace(s, silent=True)
    detector.devices[s.device_id] = silent
    detector.dirty.add(s.device_id)
    return _signal(silent, "sensor_silent", at_ms, 0, f"{s.device_id}@{s.last_at_ms}", trigger)


def step(
    detector: DetectorState, record: Reading | Heartbeat | Tick, thresholds: Thresholds
) -> tuple[DetectorState, tuple[Signal, ...]]:
    if isinstance(record, Reading):
        r = record
        signals = observe(
            detector, thresholds, r.event_id, r.device_id, r.kind, r.value, r.at_ms, r.lon, r.lat, r.adcode,
            r.province, r.interval_s,
        )  # fmt: skip
        return detector, signals
    if isinstance(record, Heartbeat):
        known = detector.devices.get(record.device_id)
        if known is None or record.at_ms <= known.last_at_ms:
            return detector, ()
        if not record.online:
            # a gateway saying the device is offline: silence announced, not waited for
            return detector, (() if known.silent else (_go_silent(detector, known, record.at_ms, "heartbeat"),))
        alive = replace(known, last_at_ms=record.at_ms, interval_s=record.interval_s, silent=False)
        detector.devices[record.device_id] = alive
        if known.silent or record.interval_s < known.interval_s:
            _may_fall_silent_at(
                detector, record.at_ms + thresholds.table(alive.province, alive.kind).silence_ms(alive.interval_s)
            )
        detector.dirty.add(record.device_id)
        if known.silent:
            return detector, (_signal(alive, "sensor_back", record.at_ms, 0, record.event_id, "heartbeat"),)
        return detector, ()
    return detector, on_tick(detector, record.at_ms, thresholds)


def on_tick(detector: DetectorState, now_ms: int, thresholds: Thresholds) -> tuple[Signal, ...]:
    """A tick: tiers whose minimum duration ran out, then devices gone silent. A replay ticks every partition after
    each instant, so the usual case (no tier waiting, no device due to fall silent) returns at once."""
    if not detector.waiting and detector.waiting is not None:
        due = detector.silence_due_ms
        if due is not None and now_ms <= due:
            return ()
    held = fire_waiting(detector, now_ms, thresholds)
    return held + scan_silence(detector, now_ms, thresholds)
