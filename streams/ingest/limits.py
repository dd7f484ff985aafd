"""What the physical world allows on input: event times within a window, sensor values within their kind's range
and unit, a device's kind code agreeing with its reading (streams/data/physical.yaml).

Each check returns a reason that tells the sender what to change, or None; the caller turns a reason into a
rejection. Checks are pure and cheap: they run on every reading of the hot path.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import get_args

import pydantic

from geo.datafiles import StrictModel, load_yaml_model
from geo.names import did_you_mean
from streams.wire import contract
from streams.wire.timefmt import format_time_ms, parse_time_ms

DATA_FILE = Path(str(resources.files("streams"))) / "data" / "physical.yaml"
KIND_OF_CODE = {code: kind for kind, code in contract.DEVICE_KIND_CODES.items()}


class _Time(StrictModel):
    earliest: str
    future_skew_s: int = pydantic.Field(ge=0, le=86_400)

    @pydantic.field_validator("earliest")
    @classmethod
    def _iso(cls, value: str) -> str:
        parse_time_ms(value, "earliest")
        return value


class _Sensor(StrictModel):
    unit: str = pydantic.Field(min_length=1)
    min: float
    max: float
    hint: str = ""

    @pydantic.model_validator(mode="after")
    def _ordered(self) -> _Sensor:
        if self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        return self


class _File(StrictModel):
    time: _Time
    sensors: dict[str, _Sensor]

    @pydantic.field_validator("sensors")
    @classmethod
    def _every_kind(cls, sensors: dict[str, _Sensor]) -> dict[str, _Sensor]:
        kinds = get_args(contract.SensorKind)
        for name in sensors:
            if name not in kinds:
                raise ValueError(f"{name!r} is not a sensor kind{did_you_mean(name, kinds)}")
        missing = [k for k in kinds if k not in sensors]
        if missing:
            raise ValueError(f"no range for {', '.join(missing)}")
        return sensors


@dataclass(frozen=True, slots=True)
class SensorRange:
    unit: str
    low: float
    high: float
    hint: str


@dataclass(frozen=True)
class PhysicalLimits:
    earliest_ms: int
    future_skew_ms: int
    sensors: dict[str, SensorRange]

    @classmethod
    def load(cls, path: Path = DATA_FILE) -> PhysicalLimits:
        doc = load_yaml_model(_File, path)
        return cls(
            parse_time_ms(doc.time.earliest, "earliest"),
            doc.time.future_skew_s * 1000,
            {kind: SensorRange(s.unit, s.min, s.max, s.hint) for kind, s in doc.sensors.items()},
        )

    def too_early(self, at_ms: int, field: str, value: str) -> str:
        """The reason for a time before `earliest_ms`."""
        return (
            f"{field}: {value!r} is before {format_time_ms(self.earliest_ms)}, earlier than any event the brain "
            "takes (a zeroed or unset clock?); send the time the event happened, with its UTC offset"
        )

    def too_late(self, at_ms: int, clock_ms: int) -> bool:
        """An event time beyond the clock by more than the skew; `clock_ms` 0 is a clock not known yet."""
        return clock_ms != 0 and at_ms > clock_ms + self.future_skew_ms

    def ahead(self, at_ms: int, clock_ms: int, field: str, clock_name: str) -> str:
        """The reason for a time `too_late`."""
        ahead_s = (at_ms - clock_ms) // 1000
        return (
            f"{field}: {format_time_ms(at_ms)} is {_duration(ahead_s)} ahead of the event time "
            f"{format_time_ms(clock_ms)} ({clock_name}); at most {self.future_skew_ms // 1000} s ahead is accepted: "
            "check the producer's clock and its UTC offset"
        )

    def reading(self, kind: str, value: float, unit: str, device_id: str, named: str, field: str = "") -> str | None:
        """A reading's unit, value and device checked against its kind (`named`: the kind the device id's KIND
        code names, "" when the code is not one the contract names)."""
        allowed = self.sensors[kind]
        if unit != allowed.unit:
            units = sorted({s.unit for s in self.sensors.values()})
            same = unit.lower() == allowed.unit.lower()
            hint = f"; did you mean {allowed.unit!r}?" if same else did_you_mean(unit, units)
            return f"{field}unit: {unit[:16]!r} is not the unit of {kind}; send {allowed.unit!r} ({allowed.hint}){hint}"
        if not allowed.low <= value <= allowed.high:
            return (
                f"{field}value: {value:g} {unit} is outside the physical range of {kind}, "
                f"{allowed.low:g} to {allowed.high:g} {allowed.unit}"
            )
        if named and named != kind:
            code = device_id.split("-")[2]
            return (
                f"{field}device_id: {device_id!r} is a {named} device ({code}) but reports {kind}; a {kind} device is "
                f"LL-<county>-{contract.DEVICE_KIND_CODES[kind]}-<serial>: check the device id or the kind"
            )
        return None


def _duration(seconds: int) -> str:
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    if seconds < 3 * 86_400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86_400:.0f} days"
