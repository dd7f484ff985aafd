"""A run's outcome as the operator language reads it: incidents, tasks and exchanges as the feed's JSON.

`Words` names things by looking them up (an incident's title, a task's capability); the report and the
terminal summary hand it this lookup over the outcome of a run, as the API hands it the picture.
"""

from __future__ import annotations

from typing import Any

import msgspec

from scenarios.run import Outcome
from streams.words import MappingLookup


def as_json(entity: Any) -> dict[str, Any]:
    """An entity (frozen dataclass or dict) in the form the feed carries it."""
    out: dict[str, Any] = msgspec.to_builtins(entity)
    return out


class OutcomeLookup(MappingLookup):
    """The lookup over a run's outcome: its incidents, tasks and mutual-aid exchanges by id."""

    incidents: dict[str, dict[str, Any]]
    tasks: dict[str, dict[str, Any]]

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(
            {key: as_json(inc) for key, inc in outcome.incidents.items()},
            {key: as_json(task) for key, task in outcome.tasks.items()},
            {d.key: as_json(d.entity) for d in outcome.deltas if d.kind == "mutual_aid"},
        )
