"""Evidence: what a sensor, a caller or an agency observed, located and timed. Incidents are built from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Precision = Literal["gps", "place", "town", "county", "province"]
Source = Literal["sensor", "hotline", "agency", "operator"]


@dataclass(frozen=True, slots=True)
class Personal:
    """Caller data (personal class): kept with the owning province, masked everywhere else."""

    owner_province: str
    name: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class Signal:
    """One piece of evidence. `kind` names what was observed (gas_alarm, call:gas_smell, warning, ...)."""

    signal_id: str
    source: Source
    kind: str
    at_ms: int
    province: str
    adcode: str | None = None
    lon: float | None = None
    lat: float | None = None
    precision: Precision = "gps"
    severity: int = 0  # 0 none, 1 blue, 2 yellow, 3 orange, 4 red (warning colour order, 4 highest)
    value: float | None = None
    place_key: str = ""  # normalised address for merging repeated calls about one place
    text: str = ""
    attrs: tuple[tuple[str, str], ...] = ()
    personal: Personal | None = None

    def attr(self, name: str, default: str = "") -> str:
        for key, val in self.attrs:
            if key == name:
                return val
        return default
