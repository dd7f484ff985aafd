"""The embedded runtime: a failing consumer of deltas never stops the pipeline, and drain never waits forever."""

from __future__ import annotations

import asyncio

import pytest

from ebrain.compose import Core, embedded_runtime
from ebrain.settings import PACKAGE_ROOT
from scenarios.model import load_scenario
from scenarios.run import Outcome, run_scenario
from streams.theater import Delta

SCENARIO = PACKAGE_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"


def test_a_failing_sink_is_reported_and_the_others_get_everything(
    core: Core, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(delta: Delta) -> None:
        if delta.kind == "task":
            raise KeyError("a consumer that does not know tasks")

    async def go() -> tuple[Outcome, int]:
        runtime = embedded_runtime(core)
        outcome = Outcome()
        runtime.sinks.extend([broken, outcome.apply])
        await runtime.start()
        try:
            await asyncio.wait_for(run_scenario(load_scenario(SCENARIO), runtime, outcome), 120)
        finally:
            await runtime.stop()
        return outcome, runtime.sink_failures

    outcome, failures = asyncio.run(go())
    assert len(outcome.tasks) == failures > 0  # every task delta failed in the broken sink, none was lost
    assert list(outcome.incidents) == ["JINGJINJI-000001"]
    assert capsys.readouterr().err.count("embedded runtime: sink") == 1  # reported once, not once per delta


def test_drain_raises_when_a_stage_died(core: Core) -> None:
    async def go() -> None:
        runtime = embedded_runtime(core)
        await runtime.start()
        try:
            runtime._tasks[-1].cancel()  # the theater stage
            await asyncio.sleep(0)
            await runtime.produce_tick(1_710_287_640_000)
            with pytest.raises(RuntimeError, match="a stage stopped"):
                await asyncio.wait_for(runtime.drain(), 10)
        finally:
            await runtime.stop()

    asyncio.run(go())


def test_a_tick_passes_every_partition_and_reaches_the_theater_once(core: Core) -> None:
    """Busy partitions meet the tick after their messages, idle ones take it at once; the theater gets one tick
    when the last has passed it, after the signals of every partition."""
    from streams.wire.timefmt import format_time_ms
    from tests.streams.ingest.ingest_kit import T0, raw, reading

    received: list[Delta] = []

    async def go() -> dict[str, int]:
        runtime = embedded_runtime(core)
        runtime.sinks.append(received.append)
        await runtime.start()
        try:
            await runtime.produce_tick(T0)
            alarm = reading(1, value=30.0, at_ms=T0 + 60_000)
            await runtime.produce("ingest.sensor", alarm["device_id"], raw(alarm))
            await runtime.produce_tick(T0 + 60_500)  # a tick carries whole seconds
            await asyncio.wait_for(runtime.drain(), 30)
        finally:
            await runtime.stop()
        assert format_time_ms(runtime.now_ms) == format_time_ms(T0 + 60_000)
        assert runtime.theater_state.watermarks == dict.fromkeys(core.theater.tick_sources, T0 + 60_000)
        return {source: counts.ticks for source, counts in runtime.counts_by_source().items()}

    ticks = asyncio.run(go())
    assert set(ticks.values()) == {2}  # every partition counted both ticks
    assert "incident" in {d.kind for d in received}  # the alarm, released by the second tick
    assert {d.at_ms for d in received} == {T0 + 60_000}
