"""`ebrain replay FILE`: a scenario through the embedded runtime, or into Kafka with --broker; optionally every
delta as JSON lines (the same file always gives byte-identical lines)."""

from __future__ import annotations

import asyncio
import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

import msgspec

from ebrain.compose import Core, build_core, embedded_runtime, kafka_credentials, normalize_context
from ebrain.progress import ProgressBar
from ebrain.scenario_cmd import check_before_run
from ebrain.serve import kafka_refused
from ebrain.settings import Settings
from ebrain.summary import render_summary
from geo.datafiles import LoadError
from scenarios.model import Scenario
from scenarios.replay import ReplayControl, replay
from scenarios.run import Outcome, replay_embedded
from streams.ingest.normalize import NormalizeContext
from streams.runtime.kafka_auth import KafkaCredentials
from streams.runtime.kafka_io import KafkaIngress, read_feed
from streams.wire.envelope import delta_to_builtins
from streams.wire.topics import FEED, physical

Progress = Callable[[int, int, int], None]


async def run_embedded(core: Core, scenario: Scenario, control: ReplayControl, progress: Progress | None) -> Outcome:
    return await replay_embedded(scenario, embedded_runtime(core), control=control, progress=progress)


async def run_kafka(
    broker: str,
    scenario: Scenario,
    control: ReplayControl,
    progress: Progress | None,
    prefix: str = "",
    idle_s: float = 20.0,
    credentials: KafkaCredentials | None = None,
) -> Outcome:
    """Produce the scenario into Kafka (a worker must be running with the scenario's fleet seed) and read the
    feed back until it has been quiet for `idle_s` seconds. The topics of the map are created if missing, so the
    scenario is never lost to a topic the worker has not created yet."""
    from kafka.errors import KafkaError

    from streams.runtime.faust_app import ensure_topics  # faust is imported only when Kafka is used

    try:
        await asyncio.to_thread(ensure_topics, broker, prefix, credentials)
    except KafkaError as exc:
        raise kafka_refused(broker, credentials is not None, exc) from None
    ingress = KafkaIngress(broker, prefix, credentials)
    await ingress.start()
    try:
        await replay(scenario, ingress, control, progress)
        await ingress.flush()
    finally:
        await ingress.stop()
    feed = [delta async for delta in read_feed(broker, idle_s=idle_s, prefix=prefix, credentials=credentials)]
    if not feed:
        print(
            f"  no delta came back on {physical(FEED, prefix)} within {idle_s:g} s: is a worker running "
            f"(`ebrain worker --broker {broker}{f' --topic-prefix {prefix}' if prefix else ''}`)?",
            file=sys.stderr,
        )
    return Outcome.from_feed(feed)


def write_deltas(outcome: Outcome, out: Path) -> None:
    encoder = msgspec.json.Encoder()
    with out.open("wb") as fh:
        for delta in outcome.deltas:
            fh.write(encoder.encode(delta_to_builtins(delta)) + b"\n")


def scenario_to_run(settings: Settings, file: Path, normalize: NormalizeContext | None = None) -> Scenario | None:
    """The scenario of `file` once the checks before a run pass, as the check read it (the file is parsed once);
    None (the reason printed) when a run would fail, which the commands turn into exit code 2. Give the run's
    `normalize` context, so the check's placements of call addresses are remembered for the run."""
    try:
        return check_before_run(settings, file, normalize)
    except LoadError as exc:
        print(exc, file=sys.stderr)
        return None


def core_for(settings: Settings, scenario: Scenario, normalize: NormalizeContext | None = None) -> Core:
    """The core a scenario runs on: its fleet, and public warnings marked as an exercise (docs/cap.md)."""
    exercise = dataclasses.replace(settings, exercise=True)
    return build_core(exercise, fleet_seed=scenario.fleet_seed, fleet_scale=scenario.fleet_scale, normalize=normalize)


async def outcome_of(
    core: Core, scenario: Scenario, speed: float | None, broker: str | None, prefix: str = ""
) -> Outcome:
    control = ReplayControl(speed=speed)
    bar = ProgressBar(scenario.t0_ms)
    if broker is None:
        return await run_embedded(core, scenario, control, bar)
    print(f"  replaying into Kafka at {broker}; the worker must run with --fleet-seed {scenario.fleet_seed} --exercise")
    return await run_kafka(broker, scenario, control, bar, prefix, credentials=kafka_credentials(core.settings))


async def run_replay(
    settings: Settings,
    file: Path,
    speed: float | None,
    out: Path | None,
    broker: str | None = None,
    prefix: str = "",
    full: bool = False,
) -> int:
    normalize = normalize_context(settings)
    scenario = scenario_to_run(settings, file, normalize)
    if scenario is None:
        return 2
    core = core_for(settings, scenario, normalize)
    speed = None if speed is not None and speed < 0 else speed
    outcome = await outcome_of(core, scenario, speed, broker, prefix)
    if out is not None:
        write_deltas(outcome, out)
        print(f"{len(outcome.deltas)} deltas written to {out}")
    print(render_summary(scenario, outcome, core.words, full=full))
    return 0
