"""Replay: the plan of messages and ticks, and pacing that re-anchors on every change (checked on a fake clock)."""

from __future__ import annotations

import asyncio

from ebrain.settings import PACKAGE_ROOT
from scenarios.model import load_scenario
from scenarios.replay import ReplayControl, plan, replay
from streams.testing import Recorder

SCENARIO = PACKAGE_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_plan_is_ordered_and_ends_at_the_end() -> None:
    scenario = load_scenario(SCENARIO)
    steps = list(plan(scenario))
    times = [s.at_ms for s in steps]
    assert times == sorted(times)
    assert steps[-1].entry is None and steps[-1].at_ms == scenario.end_ms
    assert sum(1 for s in steps if s.entry is not None) == len(scenario.timeline)
    assert list(plan(scenario)) == steps


def test_speed_change_applies_from_the_scenario_time_reached() -> None:
    clock = FakeClock()
    control = ReplayControl(speed=60.0, clock=clock)
    control.start(0)
    clock.now += 10  # 10 s at x60 = 600 s of scenario time
    assert control.scenario_now() == 600_000
    assert control.due_in(1_200_000) == 10.0
    control.set_speed(600.0)
    assert control.due_in(1_200_000) == 1.0  # the remaining 600 s at x600, not recomputed from the start
    clock.now += 1
    assert control.scenario_now() == 1_200_000
    control.set_speed(None)
    assert control.due_in(10**9) == 0.0


def test_pause_holds_scenario_time_and_resume_continues_from_it() -> None:
    clock = FakeClock()
    control = ReplayControl(speed=10.0, clock=clock)
    control.start(0)
    clock.now += 5
    control.pause()
    assert control.status()["paused"] is True
    clock.now += 1000
    assert control.scenario_now() == 50_000
    control.resume()
    assert control.due_in(60_000) == 1.0


def test_a_paused_replay_sends_nothing_until_resumed() -> None:
    scenario = load_scenario(SCENARIO)

    async def go() -> tuple[int, int, int]:
        recorder = Recorder()
        control = ReplayControl()
        control.pause()
        task = asyncio.create_task(replay(scenario, recorder, control))
        for _ in range(20):
            await asyncio.sleep(0)
        held = len(recorder.sent)
        control.resume()
        await task
        return held, len(recorder.sent), control.sent

    held, sent, counted = asyncio.run(go())
    assert held == 0
    assert sent == counted == len(list(plan(scenario)))
