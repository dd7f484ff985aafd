"""Flood warnings (CAP) run through the theater, for the warning tests."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ebrain.compose import Core
from playbooks.evidence import Signal
from streams import theater
from streams.theater.state import Delta
from streams.wire.records import OperatorCommand, Tick

XSD = Path(__file__).parents[3] / "playbooks/data/standards/cap12.xsd"


T0 = int(datetime(2023, 7, 31, 11, 0, tzinfo=timezone(timedelta(hours=8))).timestamp() * 1000)


MIN = 60_000


def run(core: Core, items: list[Signal | OperatorCommand | Tick]) -> list[Delta]:
    ctx = dataclasses.replace(core.theater, tick_sources=())  # one source: a tick releases everything before it
    state = theater.TheaterState(fleet=core.initial_fleet)
    deltas: list[Delta] = []
    for item in items:
        state, out = theater.step(state, item, ctx)
        deltas.extend(out)
    return deltas


def flood_warning(at_ms: int, action: str, signal_id: str) -> Signal:
    attrs = {"agency": "bj-hydrology", "action": action, "warning_id": "BJ-HYD-1", "event_code": "11A01"}
    attrs |= {"hazard": "flood", "colour": "red", "area": "110111", "area_description": "大石河漫水河段"}
    return Signal(
        signal_id=signal_id,
        source="agency",
        kind="warning",
        at_ms=at_ms,
        province="110000",
        adcode="110111",
        lon=115.72,
        lat=39.75,
        precision="county",
        severity=4,
        place_key="warning:BJ-HYD-1",
        text="大石河红色洪水预警",
        attrs=tuple(sorted(attrs.items())),
    )
