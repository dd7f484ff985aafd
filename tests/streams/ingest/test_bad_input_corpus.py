"""A corpus of bad input, as agencies really send it, through the embedded runtime: each ends in the dead letters
with a reason that tells the sender what to change, nothing else moves, and the counts reconcile."""

from __future__ import annotations

import asyncio
import json

import pytest

from ebrain.compose import Core, embedded_runtime
from streams.theater import Delta
from streams.wire.codec import Rejected
from tests.streams.ingest.bad_input_kit import CORPUS, DEVICE, T0, reading, text


@pytest.fixture(scope="module")
def outcome(core: Core) -> tuple[list[Rejected], dict[str, int], list[Delta]]:
    async def go() -> tuple[list[Rejected], dict[str, int], list[Delta]]:
        runtime = embedded_runtime(core)
        deltas: list[Delta] = []
        runtime.sinks.append(deltas.append)
        await runtime.start()
        try:
            await runtime.produce_tick(T0)
            await runtime.drain()
            await runtime.produce("ingest.sensor", DEVICE, text(reading(0)))  # the good one, resent last
            for _, topic, key, payload, _ in CORPUS:
                await runtime.produce(topic, key, payload)
            await runtime.produce_tick(T0 + 60_000)
            await runtime.drain()
        finally:
            await runtime.stop()
        return list(runtime.dead_letters), runtime.counts(), deltas

    return asyncio.run(go())


@pytest.mark.parametrize(("name", "expected"), [(c[0], c[4]) for c in CORPUS])
def test_each_bad_input_ends_in_the_dead_letters_with_its_reason(
    outcome: tuple[list[Rejected], dict[str, int], list[Delta]], name: str, expected: str
) -> None:
    letters, _, _ = outcome
    payload = next(c[3] for c in CORPUS if c[0] == name)
    found = [r.reason for r in letters if r.raw == payload and expected in r.reason]
    assert found, f"{name}: no dead letter says {expected!r}: {[r.reason for r in letters if r.raw == payload]}"


def test_counts_reconcile_and_only_the_good_reading_is_accepted(
    outcome: tuple[list[Rejected], dict[str, int], list[Delta]],
) -> None:
    letters, counts, _ = outcome
    assert counts["received"] == counts["accepted"] + counts["rejected"]
    assert counts["rejected"] == len(CORPUS) == len(letters) == counts["dead_letters"]
    assert counts["accepted"] == 1  # the good reading


@pytest.mark.parametrize("event_id", ["bad-17", "bad-18"])  # an update, a cancel
def test_an_update_or_cancel_of_an_unknown_warning_is_refused_and_opens_nothing(
    outcome: tuple[list[Rejected], dict[str, int], list[Delta]], event_id: str
) -> None:
    _, _, deltas = outcome  # refused at ingest (a dead letter, above): the theater never meets it
    assert not [d for d in deltas if d.key == event_id]
    opened = [d for d in deltas if d.kind == "incident"]
    assert all(event_id not in json.dumps(d.entity, default=str) for d in opened)
