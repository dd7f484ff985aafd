"""The messages agencies and sensors send, as a generator writes them into a timeline: agency.incident,
agency.casualty, sensor.reading, and a GPS position. A field left out is left out of the message; fields keep the
order given, which is the order they are written in the scenario file.
"""

from __future__ import annotations

import random
from typing import Any


def incident(agency: str, province: str, kind: str, description: str, **fields: Any) -> dict[str, Any]:
    """An agency.incident payload; `fields` (address, position, people_affected…) follow in the order given."""
    return {
        "type": "agency.incident",
        "agency": agency,
        "province": province,
        "incident_kind": kind,
        "description": description,
        **fields,
    }


def reading(
    device: str, kind: str, value: float, unit: str, position: dict[str, Any], interval_s: int
) -> dict[str, Any]:
    """A sensor.reading payload: the device's first reading, or the reading a `repeat` starts from."""
    return {
        "type": "sensor.reading",
        "device_id": device,
        "kind": kind,
        "value": value,
        "unit": unit,
        "position": position,
        "interval_s": interval_s,
    }


def casualty(
    agency: str,
    province: str,
    address: str,
    position: dict[str, Any] | None = None,
    deaths: int | None = None,
    injured: int | None = None,
    missing: int | None = None,
) -> dict[str, Any]:
    """An agency.casualty payload; a count or position not given is left out of the message."""
    payload: dict[str, Any] = {"type": "agency.casualty", "agency": agency, "province": province}
    if position is not None:
        payload["position"] = position
    payload["address"] = address
    for name, count in (("deaths", deaths), ("injured", injured), ("missing", missing)):
        if count is not None:
            payload[name] = count
    return payload


def gps(lon: float, lat: float, rng: random.Random | None = None, jitter: float = 0.0, crs: str = "WGS84") -> dict:
    if rng is not None and jitter:
        lon += rng.uniform(-jitter, jitter)
        lat += rng.uniform(-jitter, jitter)
    return {"lon": round(lon, 5), "lat": round(lat, 5), "crs": crs}
