"""A run's outcome as the operator language reads it: incidents, tasks and exchanges as the feed's JSON.

`Words` names things by looking them up (an incident's title, a task's capability); the report and the
terminal summary hand it this lookup over the outcome of a run, as the API hands it the picture.
"""

from __future__ import annotations

from typing import Any

import msgspec

from scenarios.run import Outcome


def as_json(entity: Any) -> dict[str, Any]:
    """An entity (frozen dataclass or dict) in the form the feed carries it."""
    out: dict[str, Any] = msgspec.to_builtins(entity)
    return out


class OutcomeLookup:
    def __init__(self, outcome: Outcome) -> None:
        self.incidents = {key: as_json(inc) for key, inc in outcome.incidents.items()}
        self.tasks = {key: as_json(task) for key, task in outcome.tasks.items()}
        self.exchanges = {d.key: as_json(d.entity) for d in outcome.deltas if d.kind == "mutual_aid"}

    def incident(self, incident_id: str) -> dict[str, Any] | None:
        return self.incidents.get(incident_id)

    def task(self, task_id: str) -> dict[str, Any] | None:
        return self.tasks.get(task_id)

    def exchange(self, request_id: str) -> dict[str, Any] | None:
        return self.exchanges.get(request_id)
