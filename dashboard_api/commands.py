"""Operator commands: the request bodies, and their translation into the wire `Command` the core consumes.

A command is stamped with the picture's event time (never the wall clock), the token's operator name and its
centre, and a fresh id; the core audits it and answers through the feed (a changed incident, or a rejection
that reaches the issuing centre).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

import pydantic

from dashboard_api.access import Viewer
from streams.wire import contract
from streams.wire.timefmt import CST


class CommandSink(Protocol):
    async def submit(self, command: contract.Command) -> None:
        """Put the command on the `commands` topic (or the embedded runtime's queue)."""
        ...


class ReplayControl(Protocol):
    """Present while a drill or demo replays a scenario."""

    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def set_speed(self, speed: float | None) -> None: ...
    def status(self) -> dict: ...


class _Body(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)


class NoteBody(_Body):
    """Optional body of acknowledge and release."""

    reason: str = pydantic.Field("", max_length=500)


class LevelBody(_Body):
    level: contract.ResponseLevel
    reason: str = pydantic.Field(min_length=1, max_length=500)


class CloseBody(_Body):
    reason: str = pydantic.Field(min_length=1, max_length=500)


class ApprovalBody(_Body):
    approval_id: str = pydantic.Field(min_length=1, max_length=100)


class MergeBody(_Body):
    other: str = pydantic.Field(min_length=1, max_length=100)
    reason: str = pydantic.Field("", max_length=500)


class SplitBody(_Body):
    evidence_ids: list[str] = pydantic.Field(min_length=1, max_length=200)
    reason: str = pydantic.Field("", max_length=500)


class AidAnswerBody(_Body):
    responder_ids: list[str] = pydantic.Field(default_factory=list, max_length=200)
    reason: str = pydantic.Field("", max_length=500)


class SupplyAnswerBody(_Body):
    depot_ids: list[str] = pydantic.Field(
        default_factory=list, max_length=50, description="an offer's depots or shelters; none: the nearest ones"
    )
    reason: str = pydantic.Field("", max_length=500)


class SpeedBody(_Body):
    speed: float | None = pydantic.Field(gt=0, le=100_000, description="scenario seconds per second; null = max")


class CommandAccepted(_Body):
    command_id: str
    action: str
    at: str
    incident_id: str = ""
    target: str = ""


Action = contract.CommandAction  # "assign" is the one an operator does not send through the API


def event_time_text(at_ms: int) -> str:
    """Event time as the contract's ISO 8601 with the +08:00 offset, to the millisecond."""
    return datetime.fromtimestamp(at_ms / 1000, tz=CST).isoformat(timespec="milliseconds")


def build_command(
    viewer: Viewer,
    action: Action,
    at_ms: int,
    incident_id: str = "",
    target: str = "",
    level: str = "",
    reason: str = "",
    evidence_ids: tuple[str, ...] = (),
) -> contract.Command:
    return contract.Command(
        schema_version=contract.CURRENT_VERSION,
        event_id=f"cmd-{uuid.uuid4().hex}",
        at=event_time_text(at_ms),
        operator=viewer.name,
        centre=viewer.centre.code,
        action=action,
        incident_id=incident_id,
        target=target,
        level=level,
        reason=reason,
        evidence_ids=list(evidence_ids),
    )
