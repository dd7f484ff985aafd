"""Per-sensor alarm detection: tiers with hysteresis and a minimum duration, and silence.

`step(state, record, now)` is pure per device; `DetectorState` holds every device of one partition and
remembers which devices changed, so a Kafka table is written only when a device's state changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from importlib import resources

import yaml

from streams.records import Heartbeat, Reading, Signal, Tick

TIER_NAMES = ("none", "blue", "yellow", "orange", "red")


@dataclass(frozen=True)
class TierTable:
    unit: str
    tiers: tuple[float, float, float, float]
    hysteresis: float
    min_duration_s: int
    silence_factor: float

    def tier_of(self, value: float, current: int) -> int:
        """The tier a value is in, staying in the current tier until the value clears it by the hysteresis."""
        raw = sum(1 for bound in self.tiers if value >= bound)
        if raw >= current:
            return raw
        tier = current
        while tier > raw and value < self.tiers[tier - 1] * (1.0 - self.hysteresis):
            tier -= 1
        return tier


@dataclass(frozen=True)
class Thresholds:
    tables: dict[str, dict[str, TierTable]]
    derived: dict[str, str]

    @classmethod
    def load(cls) -> Thresholds:
        text = resources.files("streams").joinpath("data/thresholds.yaml").read_text(encoding="utf-8")
        doc = yaml.safe_load(text)
        tables = {
            authority: {
                kind: TierTable(
                    unit=str(row["unit"]),
                    tiers=tuple(float(v) for v in row["tiers"]),  # type: ignore[arg-type]
                    hysteresis=float(row["hysteresis"]),
                    min_duration_s=int(row["min_duration_s"]),
                    silence_factor=float(row["silence_factor"]),
                )
                for kind, row in kinds.items()
            }
            for authority, kinds in doc["authorities"].items()
        }
        return cls(tables=tables, derived=dict(doc.get("derived", {})))

    def table(self, province: str, kind: str) -> TierTable:
        kind = self.derived.get(kind, kind)
        return self.tables.get(province, {}).get(kind) or self.tables["default"][kind]


@dataclass(frozen=True, slots=True)
class SensorState:
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


@dataclass
class DetectorState:
    """All devices of one partition. Mutated in place for speed; devices themselves are immutable values."""

    devices: dict[str, SensorState] = field(default_factory=dict)
    dirty: set[str] = field(default_factory=set)
    last_silence_scan_ms: int = 0


SILENCE_SCAN_EVERY_MS = 60_000


def _signal(s: SensorState, kind: str, at_ms: int, severity: int, event_id: str) -> Signal:
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
        attrs=(("device_id", s.device_id), ("sensor_kind", s.kind), ("tier", TIER_NAMES[severity])),
    )


def _measure(state: SensorState, reading: Reading) -> tuple[float, float | None]:
    """The value compared with the tier table, and the updated baseline (pressure alarms on a drop)."""
    if reading.kind != "pipe_pressure":
        return reading.value, state.baseline
    baseline = reading.value if state.baseline is None else max(reading.value, state.baseline * 0.999)
    return max(0.0, baseline - reading.value), baseline


def step_reading(
    state: SensorState | None, reading: Reading, thresholds: Thresholds
) -> tuple[SensorState, tuple[Signal, ...]]:
    table = thresholds.table(reading.province, reading.kind)
    if state is None:
        state = SensorState(
            device_id=reading.device_id,
            kind=reading.kind,
            province=reading.province,
            adcode=reading.adcode,
            lon=reading.lon,
            lat=reading.lat,
            interval_s=reading.interval_s,
            last_at_ms=reading.at_ms,
            last_value=reading.value,
        )
    outputs: list[Signal] = []
    if reading.at_ms < state.last_at_ms:
        return state, ()  # a late reading cannot change the present state of the device
    measured, baseline = _measure(state, reading)
    was_silent = state.silent
    state = replace(
        state,
        last_at_ms=reading.at_ms,
        last_value=measured,
        baseline=baseline,
        interval_s=reading.interval_s,
        lon=reading.lon,
        lat=reading.lat,
        adcode=reading.adcode,
        silent=False,
    )
    if was_silent:
        outputs.append(_signal(state, "sensor_back", reading.at_ms, 0, reading.event_id))
    target = table.tier_of(measured, state.tier)
    if target < state.tier:
        state = replace(state, tier=target, pending_tier=target)
        kind = "sensor_clear" if target == 0 else f"sensor:{state.kind}"
        outputs.append(_signal(state, kind, reading.at_ms, target, reading.event_id))
    elif target > state.tier:
        if state.pending_tier != target:
            state = replace(state, pending_tier=target, pending_since_ms=reading.at_ms)
        if reading.at_ms - state.pending_since_ms >= table.min_duration_s * 1000:
            state = replace(state, tier=target)
            outputs.append(_signal(state, f"sensor:{state.kind}", reading.at_ms, target, reading.event_id))
    else:
        state = replace(state, pending_tier=state.tier)
    return state, tuple(outputs)


def scan_silence(detector: DetectorState, now_ms: int, thresholds: Thresholds) -> tuple[Signal, ...]:
    """Mark devices silent that missed `silence_factor` intervals; the theater decides if that is a blackout risk."""
    if now_ms - detector.last_silence_scan_ms < SILENCE_SCAN_EVERY_MS:
        return ()
    detector.last_silence_scan_ms = now_ms
    outputs: list[Signal] = []
    for device_id, s in detector.devices.items():
        if s.silent:
            continue
        factor = thresholds.table(s.province, s.kind).silence_factor
        if now_ms - s.last_at_ms > factor * s.interval_s * 1000:
            silent = replace(s, silent=True)
            detector.devices[device_id] = silent
            detector.dirty.add(device_id)
            event_id = f"{device_id}@{s.last_at_ms}"
            outputs.append(_signal(silent, "sensor_silent", now_ms, 0, event_id))
    return tuple(outputs)


def step(
    detector: DetectorState, record: Reading | Heartbeat | Tick, thresholds: Thresholds
) -> tuple[DetectorState, tuple[Signal, ...]]:
    if isinstance(record, Reading):
        before = detector.devices.get(record.device_id)
        after, signals = step_reading(before, record, thresholds)
        if after is not before:
            detector.devices[record.device_id] = after
            if before is None or signals or after.tier != before.tier or after.silent != before.silent:
                detector.dirty.add(record.device_id)
        return detector, signals
    if isinstance(record, Heartbeat):
        known = detector.devices.get(record.device_id)
        if known is not None and record.online and record.at_ms > known.last_at_ms:
            detector.devices[record.device_id] = replace(known, last_at_ms=record.at_ms, silent=False)
        return detector, ()
    return detector, scan_silence(detector, record.at_ms, thresholds)
