"""Which status changes a responder may make (``geo/data/responder_lifecycle.yaml``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from geo.datafiles import DATA_DIR, StrictModel, load_yaml_model
from geo.fleet import STATUSES, ResponderStatus
from geo.names import did_you_mean


class _LifecycleFile(StrictModel):
    transitions: dict[ResponderStatus, list[ResponderStatus]]
    task_replies: dict[str, ResponderStatus | None]


@dataclass(frozen=True)
class ResponderLifecycle:
    transitions: Mapping[str, frozenset[str]]
    task_replies: Mapping[str, str | None]

    def check(self, responder_id: str, current: str, new: str) -> None:
        """Raise ValueError naming the responder and both statuses when ``current → new`` is not allowed.

        Staying in the same status is allowed (a repeated report changes nothing)."""
        if new not in STATUSES:
            raise ValueError(f"status={new!r} of {responder_id} is not one of {STATUSES}{did_you_mean(new, STATUSES)}")
        if new != current and new not in self.transitions.get(current, frozenset()):
            allowed = ", ".join(sorted(self.transitions.get(current, frozenset()))) or "nothing"
            raise ValueError(f"{responder_id} is {current}: it cannot become {new} (from {current}: {allowed})")

    def after_reply(self, reply_status: str) -> str | None:
        """The responder status a task reply implies (None: unchanged); an unknown reply is a ValueError."""
        if reply_status not in self.task_replies:
            raise ValueError(
                f"task reply status={reply_status!r} is unknown{did_you_mean(reply_status, self.task_replies)}"
            )
        return self.task_replies[reply_status]


def load_lifecycle(path: Path = DATA_DIR / "responder_lifecycle.yaml") -> ResponderLifecycle:
    raw = load_yaml_model(_LifecycleFile, path)
    missing = [s for s in STATUSES if s not in raw.transitions]
    if missing:
        raise ValueError(f"{path}: transitions: no entry for status {missing[0]!r}")
    return ResponderLifecycle(
        {status: frozenset(to) for status, to in raw.transitions.items()},
        dict(raw.task_replies),
    )
