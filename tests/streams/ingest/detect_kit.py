"""A sensor reading as the detector sees it, for the detector's tests and the store's."""

from __future__ import annotations

from streams.wire.records import Reading


def reading(
    kind: str, value: float, at_ms: int, province: str = "130000", interval_s: int = 60, device: str = "LL-131082-XX-1"
) -> Reading:
    return Reading(
        event_id=f"{device}@{at_ms}",
        device_id=device,
        kind=kind,
        value=value,
        unit="u",
        at_ms=at_ms,
        lon=116.81,
        lat=39.96,
        adcode="131082",
        province=province,
        interval_s=interval_s,
    )
