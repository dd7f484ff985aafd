"""Signals at a place and an event time, for the merge and tick tests of the theater."""

from __future__ import annotations

import math

from playbooks.evidence import Signal

YANJIAO = (116.81, 39.96)


T0 = 1_710_287_640_000


MIN = 60_000


def at(east_km: float, north_km: float = 0.0) -> tuple[float, float]:
    lon, lat = YANJIAO
    return lon + east_km / (111.2 * math.cos(math.radians(lat))), lat + north_km / 111.2


def sig(n: int, kind: str, where: tuple[float, float], minute: float, **kw: object) -> Signal:
    source = {"sensor": "sensor", "call": "hotline"}.get(kind.split(":")[0], "agency")
    fields: dict[str, object] = {
        "province": "130000",
        "adcode": "131082",
        "precision": "gps",
        "severity": 3,
        **kw,
    }
    return Signal(f"e{n}", source, kind, T0 + int(minute * MIN), lon=where[0], lat=where[1], **fields)  # type: ignore[arg-type]
