"""`ebrain demo`: the embedded runtime, the API and page, and a scenario replayed in about a minute."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ebrain.compose import embedded_runtime
from ebrain.progress import ProgressBar
from ebrain.replay_cmd import core_for
from ebrain.serve import listen, start_api
from ebrain.settings import Settings
from ebrain.summary import render_summary
from scenarios.model import load_scenario
from scenarios.replay import ReplayControl
from scenarios.run import Outcome, run_scenario

DEMO_SECONDS = 60.0


async def run_demo(settings: Settings, scenario_path: Path, speed: float | None, linger_s: float | None) -> int:
    """Replay, then keep the page up until Ctrl-C (`linger_s` None) or for `linger_s` seconds, saying which."""
    listening = listen(settings.host, settings.port)  # a port in use is said before the slow start
    scenario = load_scenario(scenario_path)
    span_s = max(1.0, (scenario.end_ms - min(scenario.t0_ms, scenario.timeline[0].at_ms)) / 1000)
    if speed is not None and speed < 0:
        speed = span_s / DEMO_SECONDS
    print(f"emergency-brain demo: {scenario.title}")
    print(f"  scenario: {scenario.file}")
    print("  runtime: embedded (one process, no broker)")
    print("  building regions, road graph, synthetic fleet and playbooks ...", flush=True)
    core = core_for(settings, scenario)
    runtime = embedded_runtime(core)
    outcome = Outcome()
    runtime.sinks.append(outcome.apply)
    control = ReplayControl(speed=speed)
    api = await start_api(core, runtime, control, listening)
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
        print(render_summary(scenario, outcome, core.words))
        if linger_s is None:
            print(f"  the replay has ended; the page stays up at {api.page_url} until you press Ctrl-C", flush=True)
            await asyncio.Event().wait()
        elif linger_s > 0:
            print(f"  the replay has ended; the page stays up for {linger_s:g} s: {api.page_url}", flush=True)
            await asyncio.sleep(linger_s)
        print("  closing the page and the runtime now", flush=True)
    finally:
        await runtime.stop()
        await api.stop()
    return 0
