"""Signals for the fusion tests: one at a place and an event time."""

from __future__ import annotations

import math

from playbooks.evidence import Personal, Signal

YANJIAO = (116.81, 39.96)  # 小张各庄, 燕郊 (Hebei, 131082)


T0 = 1_710_287_640_000  # 2024-03-13 07:54 +08:00


MIN = 60_000


def at(east_km: float, north_km: float, origin: tuple[float, float] = YANJIAO) -> tuple[float, float]:
    lon, lat = origin
    return lon + east_km / (111.2 * math.cos(math.radians(lat))), lat + north_km / 111.2


_ids = iter(range(1, 10**6))


def sig(
    kind: str,
    where: tuple[float, float] = YANJIAO,
    minutes: float = 0,
    precision: str = "gps",
    province: str = "130000",
    adcode: str = "131082",
    place_key: str = "",
    hotline: str | None = None,
    **attrs: str,
) -> Signal:
    source = {"sensor": "sensor", "call": "hotline"}.get(kind.split(":")[0], "agency")
    return Signal(
        signal_id=f"s{next(_ids)}",
        source=source,  # type: ignore[arg-type]
        kind=kind,
        at_ms=T0 + int(minutes * MIN),
        province=province,
        adcode=adcode,
        lon=where[0],
        lat=where[1],
        precision=precision,  # type: ignore[arg-type]
        place_key=place_key,
        attrs=tuple(attrs.items()),
        personal=Personal(owner_province=hotline) if hotline else None,
    )
