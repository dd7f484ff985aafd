"""Run a scenario through a runtime and collect what came out: the picture at the end and every delta.

`replay_embedded` runs one on a fresh embedded runtime (start, replay, drain, stop): the one way the CLI, the tools
and the tests do it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import msgspec

from playbooks.incident import Incident, Notification, Task
from scenarios.model import Scenario
from scenarios.replay import Producer, ReplayControl, replay
from streams.runtime.embedded import EmbeddedRuntime
from streams.wire.incident_delta import incident_from_data
from streams.wire.records import FEED_ENTITY_TYPES, Delta


@dataclass
class Outcome:
    """The end state of a run, rebuilt from the deltas alone (as a command centre would see it)."""

    incidents: dict[str, Incident] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    notifications: list[Notification] = field(default_factory=list)
    responders: dict[str, str] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    deltas: list[Delta] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    dead_letters: list[tuple[str, str]] = field(default_factory=list)  # (event id or "", reason) of each reject

    def apply(self, delta: Delta) -> None:
        self.deltas.append(delta)
        entity: Any = delta.entity
        if delta.kind == "incident":
            self.incidents[delta.key] = entity
        elif delta.kind == "task":
            self.tasks[delta.key] = entity
        elif delta.kind == "notification":
            self.notifications.append(entity)
        elif delta.kind == "responder":
            self.responders[delta.key] = entity["status"]
        elif delta.kind == "rejected":
            self.rejected.append(str(entity))
        elif delta.kind == "warning":
            self.warnings.append(dict(entity))

    @classmethod
    def from_feed(cls, feed: list[dict[str, Any]]) -> Outcome:
        """The outcome rebuilt from feed records as read back from Kafka ({seq, at_ms, kind, key, data}); an
        incident's evidence is folded from what each of its deltas changed."""
        outcome = cls()
        for record in feed:
            kind, key = str(record["kind"]), str(record["key"])
            entity = record["data"]
            change = None
            if kind == "incident":
                entity, change = incident_from_data(entity, outcome.incidents.get(key))
            elif kind in FEED_ENTITY_TYPES:
                entity = msgspec.convert(entity, FEED_ENTITY_TYPES[kind])
            outcome.apply(Delta(int(record["seq"]), int(record["at_ms"]), kind, key, entity, change))  # type: ignore[arg-type]
        return outcome


class DrainingProducer(Producer, Protocol):
    """What a scenario run needs of a runtime: produce, tick, and wait until all is processed."""

    async def drain(self) -> None: ...

    def counts(self) -> dict[str, int]: ...


async def run_scenario(
    scenario: Scenario,
    runtime: DrainingProducer,
    outcome: Outcome,
    control: ReplayControl | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> Outcome:
    """Replay the scenario into a started runtime whose deltas go to `outcome.apply`."""
    await replay(scenario, runtime, control or ReplayControl(), progress)
    await runtime.drain()
    outcome.counts = runtime.counts()
    outcome.dead_letters = [(_event_id(r.raw), r.reason) for r in getattr(runtime, "dead_letters", ())]
    return outcome


def _event_id(raw: bytes) -> str:
    """The event id a rejected message carries, when it is JSON with one (to find its line in the scenario)."""
    try:
        message = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        return ""
    return str(message.get("event_id", "")) if isinstance(message, dict) else ""


def refused(outcome: Outcome) -> list[tuple[str, str]]:
    """Every input the run did not use, with its reason: rejected at ingest (event id, reason) and refused or
    ignored in the theater (feed key, reason), in the order they happened."""
    theater = [(d.key, str(d.entity)) for d in outcome.deltas if d.kind == "rejected"]
    return [*outcome.dead_letters, *theater]


async def replay_embedded(
    scenario: Scenario,
    runtime: EmbeddedRuntime,
    outcome: Outcome | None = None,
    control: ReplayControl | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> Outcome:
    """Start `runtime` (not started yet), replay the whole scenario into it, and stop it; its deltas fold into
    `outcome` (a new one unless given, e.g. one the API also reads)."""
    outcome = outcome if outcome is not None else Outcome()
    runtime.sinks.append(outcome.apply)
    await runtime.start()
    try:
        return await run_scenario(scenario, runtime, outcome, control, progress)
    finally:
        await runtime.stop()
