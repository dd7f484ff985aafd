"""Reports from county posts run through the theater, for the posts' and the core levels' tests."""

from __future__ import annotations

from ebrain.compose import Core
from playbooks.evidence import Signal
from streams import theater
from streams.theater.state import Delta
from streams.wire.records import Tick

T0 = 1_690_623_000_000  # 2023-07-29 17:30 +08:00


MENTOUGOU, ZHUOZHOU, BAODING = "110109", "130681", "130600"


def run(core: Core, state: theater.TheaterState, *signals: Signal) -> list[Delta]:
    deltas: list[Delta] = []
    for signal in signals:
        deltas += theater.step(state, signal, core.theater)[1]
        for source in core.theater.tick_sources:
            deltas += theater.step(state, Tick(signal.at_ms, source), core.theater)[1]
    return deltas


def report(kind: str, signal_id: str, at_ms: int, adcode: str, lon: float, lat: float, province: str) -> Signal:
    return Signal(
        signal_id=signal_id,
        source="agency",
        kind=f"report:{kind}",
        at_ms=at_ms,
        province=province,
        adcode=adcode,
        lon=lon,
        lat=lat,
        severity=3,
        text=kind,
        attrs=(("agency", "test-agency"),),
    )
