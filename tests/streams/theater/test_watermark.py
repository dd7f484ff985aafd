"""The watermark over source partitions: waiting for every partition, idleness, lateness, and late inputs."""

from __future__ import annotations

import dataclasses

import pytest

from ebrain.compose import Core
from playbooks.evidence import Signal
from streams import theater
from streams.theater import watermark
from streams.theater.watermark import WatermarkPolicy
from streams.wire.records import Tick

SOURCES = ("a/0", "a/1", "b/0")
WAIT = WatermarkPolicy()
LIVE = WatermarkPolicy(idle_after_ms=5_000, lateness_ms=1_000)


def ticks(policy: WatermarkPolicy, *sent: tuple[str, int]) -> tuple[list[int | None], dict[str, int], dict[str, int]]:
    marks: dict[str, int] = {}
    heard: dict[str, int] = {}
    lows = [watermark.step(marks, heard, source, at, SOURCES, policy) for source, at in sent]
    return lows, marks, heard


def test_by_default_the_watermark_waits_for_every_partition() -> None:
    lows, _, _ = ticks(WAIT, ("a/0", 10_000), ("a/1", 20_000), ("a/0", 30_000), ("b/0", 25_000))
    assert lows == [None, None, None, 20_000]


def test_a_partition_never_heard_from_is_idle_once_the_clock_is_live() -> None:
    lows, _, _ = ticks(LIVE, ("a/0", 10_000), ("a/1", 10_000))
    assert lows == [9_000, 9_000]  # b/0 never ticked: not waited for; the watermark trails by the lateness


def test_a_partition_whose_ticks_stop_is_skipped_after_the_idle_time_and_counts_again_with_its_next_tick() -> None:
    sent = [(s, t) for t in (10_000, 11_000) for s in SOURCES]
    sent += [(s, t) for t in range(12_000, 20_000, 1_000) for s in ("a/0", "a/1")]  # b/0 falls silent at 11 s
    lows, marks, heard = ticks(LIVE, *sent)
    assert lows[5] == 10_000  # all three at 11 s
    by_clock = dict(zip([t for _, t in sent[6:]], lows[6:], strict=True))
    assert by_clock[16_000] == 10_000  # the clock is 5 s past b/0's last tick: still waited for
    assert by_clock[17_000] == 16_000  # more than 5 s: b/0 is idle
    assert watermark.idle(marks, heard, SOURCES, LIVE) == ("b/0",)
    # b/0 ticks again (its own mark is old): heard now, so waited for again
    assert watermark.step(marks, heard, "b/0", 19_000, SOURCES, LIVE) == 18_000
    assert watermark.idle(marks, heard, SOURCES, LIVE) == ()


def test_a_partition_catching_up_is_waited_for_even_far_behind() -> None:
    marks = {"a/0": 60_000, "a/1": 60_000, "b/0": 10_000}
    heard = {"a/0": 60_000, "a/1": 60_000, "b/0": 10_000}
    # b/0's backlog arrives: its ticks are old, but it is heard from at the clock's time
    assert watermark.step(marks, heard, "b/0", 11_000, SOURCES, LIVE) == 10_000
    assert watermark.step(marks, heard, "a/0", 61_000, SOURCES, LIVE) == 10_000


def test_one_tick_far_in_the_future_does_not_make_the_others_idle() -> None:
    lows, _, _ = ticks(LIVE, *[(s, 10_000) for s in SOURCES], ("a/0", 4_000_000_000_000))
    assert lows[-1] == 9_000  # the clock is the median of the marks


def test_a_policy_is_checked() -> None:
    with pytest.raises(ValueError, match="idle_after_ms"):
        WatermarkPolicy(idle_after_ms=0)
    with pytest.raises(ValueError, match="lateness_ms"):
        WatermarkPolicy(lateness_ms=-1)


def signal(at_ms: int, sid: str) -> Signal:
    return Signal(
        signal_id=sid, source="hotline", kind="report:fire", at_ms=at_ms, lon=116.9, lat=39.9, adcode="131082",
        province="hebei", severity=2,
    )  # fmt: skip


def test_the_theater_releases_past_an_idle_partition_and_counts_a_late_input(core: Core) -> None:
    ctx = dataclasses.replace(core.theater, tick_sources=SOURCES, watermark=LIVE)
    state = theater.TheaterState(fleet=core.initial_fleet)
    t0 = 1_710_000_000_000
    theater.step(state, signal(t0 + 500, "S1"), ctx)
    for source in ("a/0", "a/1"):  # b/0 never ticks
        theater.step(state, Tick(at_ms=t0 + 2_000, source=source), ctx)
    assert not state.buffer and state.now_ms == t0 + 1_000  # released: the watermark is 2 s less the lateness
    assert state.late_inputs == 0
    theater.step(state, signal(t0 + 200, "S2"), ctx)  # behind the watermark: processed on arrival
    assert state.late_inputs == 1 and not state.buffer
