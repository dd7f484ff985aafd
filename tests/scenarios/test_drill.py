"""Every shipped scenario is a drill and a test: its expectations are met on the embedded runtime, and the same
file always gives byte-identical outputs."""

from __future__ import annotations

import asyncio
from pathlib import Path

import msgspec
import pytest

from ebrain.compose import Core, build_core, embedded_runtime
from ebrain.settings import PACKAGE_ROOT, Settings
from scenarios.drill import DrillResult, region_resolver, run_drill, score_outcome
from scenarios.model import Scenario, load_scenario
from scenarios.run import Outcome
from streams.wire.envelope import delta_to_builtins

FILES = sorted((PACKAGE_ROOT / "scenarios" / "files").glob("*.yaml"))


def drill(core: Core, scenario: Scenario) -> DrillResult:
    return asyncio.run(run_drill(scenario, embedded_runtime(core), region_resolver(core.regions)))


def core_for(core: Core, scenario: Scenario) -> Core:
    if (scenario.fleet_seed, scenario.fleet_scale) == (7, 1.0):
        return core  # the session's core has the default fleet
    return build_core(Settings(), fleet_seed=scenario.fleet_seed, fleet_scale=scenario.fleet_scale)


def deltas_bytes(result: DrillResult) -> bytes:
    encoder = msgspec.json.Encoder()
    return b"\n".join(encoder.encode(delta_to_builtins(d)) for d in result.outcome.deltas)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_shipped_scenario_meets_its_expectations(core: Core, path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.expectations, f"{path.name} states no expectations"
    assert scenario.real and scenario.synthetic, f"{path.name} must say what is real and what is synthetic"
    result = drill(core_for(core, scenario), scenario)
    failed = [f"{path.name}:{r.expectation.line}: {r.expectation.text} — {r.detail}" for r in result.failed]
    assert not failed, "\n".join(failed)


def test_two_replays_give_byte_identical_outputs(core: Core) -> None:
    scenario = load_scenario(PACKAGE_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml")
    first, second = drill(core, scenario), drill(core, scenario)
    assert first.outcome.deltas, "nothing to compare"
    assert deltas_bytes(first) == deltas_bytes(second)
    assert first.results == second.results


def test_scoring_the_feed_as_it_comes_back_from_kafka_gives_the_same_result(core: Core) -> None:
    """What a Kafka run returns is the feed as JSON; rebuilt into an outcome, it scores exactly as the original."""
    scenario = load_scenario(PACKAGE_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml")
    embedded = drill(core, scenario)
    feed = [msgspec.json.decode(msgspec.json.encode(delta_to_builtins(d))) for d in embedded.outcome.deltas]
    rebuilt = score_outcome(scenario, Outcome.from_feed(feed), region_resolver(core.regions))
    assert rebuilt.results == embedded.results
    assert rebuilt.kpis == embedded.kpis
    assert rebuilt.outcome.incidents == embedded.outcome.incidents
