"""`ebrain demo`: the embedded runtime, the API and page, and a scenario replayed in about a minute."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ebrain.compose import build_core, embedded_runtime
from ebrain.progress import ProgressBar
from ebrain.serve import start_api
from ebrain.settings import Settings
from ebrain.summary import render_summary
from scenarios.model import load_scenario
from scenarios.replay import ReplayControl
from scenarios.run import Outcome, run_scenario

DEMO_SECONDS = 60.0


async def run_demo(settings: Settings, scenario_path: Path, speed: float | None, linger_s: float) -> int:
    scenario = load_scenario(scenario_path)
    span_s = max(1.0, (scenario.end_ms - min(scenario.t0_ms, scenario.timeline[0].at_ms)) / 1000)
    if speed is not None and speed < 0:
        speed = span_s / DEMO_SECONDS
    print(f"emergency-brain demo: {scenario.title}")
    print(f"  scenario: {scenario.file}")
    print("  runtime: embedded (one process, no broker)")
    print("  building regions, road graph, synthetic fleet and playbooks ...", flush=True)
    core = build_core(settings, fleet_seed=scenario.fleet_seed, fleet_scale=scenario.fleet_scale)
    runtime = embedded_runtime(core)
    outcome = Outcome()
    runtime.sinks.append(outcome.apply)
    control = ReplayControl(speed=speed)
    api = await start_api(core, runtime, control)
    runtime.sinks.append(api.publish)
    print(f"  live page: {api.page_url}")
    others = ", ".join(f"{t['centre']}={t['token']}" for t in api.tokens if t["centre"] != "joint")
    print(f"  other command-centre tokens (open {api.base_url}?token=…): {others}")
    if speed is None:
        print("  speed: as fast as possible")
    else:
        print(f"  speed: x{speed:.0f} (scenario time), about {span_s / speed:.0f} s")
    await runtime.start()
    try:
        await run_scenario(scenario, runtime, outcome, control, ProgressBar(scenario.t0_ms))
        print(render_summary(scenario, outcome))
        if linger_s > 0:
            print(f"  the page stays up for {linger_s:.0f} s: {api.page_url}", flush=True)
            await asyncio.sleep(linger_s)
    finally:
        await runtime.stop()
        await api.stop()
    return 0
