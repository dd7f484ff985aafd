"""Where fusion's result is handled: a site named part of an event goes on the feed as an `event` delta."""

from __future__ import annotations

from ebrain.compose import Core
from playbooks.evidence import Signal
from streams.theater.state import TheaterState
from tests.streams.theater.theater_geo_kit import T0, of_kind, run, stepwise

DAGANG = (117.46, 38.84)


def call(n: int, topics: str, unit: str, role: str = "here") -> Signal:
    return Signal(
        signal_id=f"c{n}", source="hotline", kind=f"call:{topics.split(',')[0]}", at_ms=T0 + n * 60_000,
        province="120000", adcode="120116", lon=DAGANG[0], lat=DAGANG[1], precision="county",
        attrs=(("topics", topics), ("role", role), ("unit", unit)),
    )  # fmt: skip


def test_a_flooded_street_is_announced_as_a_site_of_the_rainstorm(core: Core) -> None:
    state = TheaterState(fleet=core.initial_fleet)
    deltas = run(
        state,
        stepwise(core.theater),
        call(1, "weather", "120116", role="felt"),  # it is raining hard: the county's rainstorm, an event
        call(2, "roof_leak", "120116/海滨街道"),
        call(3, "roof_leak", "120116/海滨街道"),  # the same queue: announced once
        until_ms=T0 + 10 * 60_000,
    )
    links = of_kind(deltas, "event")
    assert len(links) == 1
    assert (links[0]["event_type"], links[0]["site_type"]) == ("rainstorm", "roof_leak_cluster")
    event = state.fusion.incidents[links[0]["event_id"]]
    assert event.scale == "event" and event.count(("call:weather",)) == 1
