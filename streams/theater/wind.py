"""The wind the weather agency reports, and the sector downwind of a release that a shelter-in-place warning covers.

Each station's latest observation (`agency.weather`, contract 1.2) is kept by its place; a release uses the nearest
station within `MAX_STATION_KM` whose report is at most `MAX_AGE_MS` old at the release's event time. The sector
downwind is a wedge from the release point, `HALF_ANGLE_DEG` either side of the direction the wind blows to, as
far as the substances' reach (playbooks/data/hazards.yaml). With no usable wind, the warning covers every
direction to that reach, and says the wind is unknown. The values here are [choice]s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from playbooks.evidence import Signal
from playbooks.places import km_between
from streams.theater.state import TheaterContext, TheaterState

MAX_STATION_KM = 60.0
MAX_AGE_MS = 3 * 3_600_000
HALF_ANGLE_DEG = 30.0  # the wind's direction wavers: the wedge is 60° wide
_KM_PER_DEG_LAT = 111.32
_POINTS = 8  # points along the wedge's arc


@dataclass(frozen=True)
class Downwind:
    ring: tuple[tuple[float, float], ...]  # (lon, lat), closed
    adcodes: tuple[str, ...]  # the counties the area touches, the release's first
    from_deg: float | None  # None: the wind was unknown, the area is a circle
    speed_ms: float | None
    station: str


def on_report(state: TheaterState, signal: Signal) -> bool:
    """Keep a station's wind; returns True when the signal was one (it is no evidence of an incident)."""
    if signal.kind != "weather" or signal.lon is None or signal.lat is None:
        return False
    key = f"{signal.lon:.4f},{signal.lat:.4f}"
    last = state.winds.get(key)
    if last is None or last.at_ms <= signal.at_ms:
        state.winds[key] = signal
        state.dirty.add(("meta", "winds"))
    return True


def wind_at(state: TheaterState, lon: float, lat: float, now_ms: int) -> Signal | None:
    """The nearest station's latest wind in reach and not too old, or None."""
    usable = [
        (km_between(lon, lat, s.lon, s.lat), key, s)
        for key, s in state.winds.items()
        if s.lon is not None and s.lat is not None and now_ms - MAX_AGE_MS <= s.at_ms <= now_ms
    ]
    usable = [u for u in usable if u[0] <= MAX_STATION_KM]
    return min(usable, key=lambda u: (u[0], u[1]))[2] if usable else None


def downwind(
    state: TheaterState, ctx: TheaterContext, lon: float, lat: float, reach_km: float, now_ms: int
) -> Downwind:
    """The area downwind of a release at (lon, lat) as far as `reach_km`."""
    wind = wind_at(state, lon, lat, now_ms)
    if wind is None:
        bearings = [i * 360.0 / (4 * _POINTS) for i in range(4 * _POINTS)]
        ring = [_offset(lon, lat, b, reach_km) for b in bearings]
        from_deg = speed = None
        station = ""
    else:
        from_deg = float(wind.attr("wind_from_deg", "0"))
        speed = float(wind.attr("wind_speed_ms", "0"))
        station = wind.text
        to_deg = (from_deg + 180.0) % 360.0
        arc = [to_deg - HALF_ANGLE_DEG + i * 2 * HALF_ANGLE_DEG / _POINTS for i in range(_POINTS + 1)]
        ring = [(lon, lat), *(_offset(lon, lat, b, reach_km) for b in arc)]
    ring.append(ring[0])
    return Downwind(tuple(ring), _units_touched(ctx, lon, lat, ring), from_deg, speed, station)


def _offset(lon: float, lat: float, bearing_deg: float, km: float) -> tuple[float, float]:
    b = math.radians(bearing_deg)
    dlat = km * math.cos(b) / _KM_PER_DEG_LAT
    dlon = km * math.sin(b) / (_KM_PER_DEG_LAT * math.cos(math.radians(lat)))
    return round(lon + dlon, 5), round(lat + dlat, 5)


def _units_touched(ctx: TheaterContext, lon: float, lat: float, ring: list[tuple[float, float]]) -> tuple[str, ...]:
    """The counties under the release point and along the area's edge and spokes (sampled)."""
    found: list[str] = []
    points = [(lon, lat)]
    for px, py in ring:
        points += [(lon + (px - lon) * f, lat + (py - lat) * f) for f in (0.25, 0.5, 0.75, 1.0)]
    for px, py in points:
        unit = ctx.regions.locate(px, py)
        if unit is not None and unit.adcode not in found:
            found.append(unit.adcode)
    return tuple(found)


def compass(from_deg: float) -> tuple[str, str]:
    """The wind's direction as people say it (东北风, a north-easterly), by the eight points."""
    zh = ("北", "东北", "东", "东南", "南", "西南", "西", "西北")
    en = ("northerly", "north-easterly", "easterly", "south-easterly", "southerly", "south-westerly", "westerly",
          "north-westerly")  # fmt: skip
    i = round(from_deg / 45.0) % 8
    return f"{zh[i]}风", en[i]
