"""`ebrain replay FILE`: a scenario through the embedded runtime; optionally every delta as JSON lines."""

from __future__ import annotations

from pathlib import Path

import msgspec

from ebrain.compose import build_core, embedded_runtime
from ebrain.progress import ProgressBar
from ebrain.settings import Settings
from ebrain.summary import render_summary
from scenarios.model import load_scenario
from scenarios.replay import ReplayControl
from scenarios.run import Outcome, run_scenario
from streams.wire_internal import delta_to_builtins


async def run_replay(settings: Settings, file: Path, speed: float | None, out: Path | None) -> int:
    scenario = load_scenario(file)
    if speed is not None and speed < 0:
        speed = None
    core = build_core(settings, fleet_seed=scenario.fleet_seed, fleet_scale=scenario.fleet_scale)
    runtime = embedded_runtime(core)
    outcome = Outcome()
    runtime.sinks.append(outcome.apply)
    await runtime.start()
    try:
        await run_scenario(scenario, runtime, outcome, ReplayControl(speed=speed), ProgressBar(scenario.t0_ms))
    finally:
        await runtime.stop()
    if out is not None:
        encoder = msgspec.json.Encoder()
        with out.open("wb") as fh:
            for delta in outcome.deltas:
                fh.write(encoder.encode(delta_to_builtins(delta)) + b"\n")
        print(f"{len(outcome.deltas)} deltas written to {out}")
    print(render_summary(scenario, outcome))
    return 0
