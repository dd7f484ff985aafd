"""Command bodies and the wire Command they make."""

from __future__ import annotations

import pydantic
import pytest

from dashboard_api.access import AccessPolicy
from dashboard_api.commands import LevelBody, SplitBody, build_command, event_time_text
from streams.wire.timefmt import parse_time_ms

from .conftest import T0, TOKENS


def test_event_time_keeps_milliseconds_and_the_offset() -> None:
    text = event_time_text(T0 + 123)
    assert text == "2024-03-13T07:54:00.123+08:00"
    assert parse_time_ms(text, "at") == T0 + 123


def test_build_command_fills_who_and_when(access: AccessPolicy) -> None:
    viewer = access.authenticate(TOKENS["sanhe"])
    assert viewer is not None
    command = build_command(viewer, "split", T0, incident_id="INC-YJ", evidence_ids=("a", "b"))
    assert (command.operator, command.centre, command.at) == ("三河值班员", "131082", "2024-03-13T07:54:00.000+08:00")
    assert command.evidence_ids == ["a", "b"]
    assert build_command(viewer, "acknowledge", T0).event_id != command.event_id


def test_bodies_forbid_unknown_fields_and_check_values() -> None:
    with pytest.raises(pydantic.ValidationError, match=r"extra_forbidden|Extra inputs"):
        LevelBody.model_validate({"level": "I", "reason": "x", "by": "me"})
    with pytest.raises(pydantic.ValidationError, match="level"):
        LevelBody.model_validate({"level": "1", "reason": "x"})
    with pytest.raises(pydantic.ValidationError, match="at least 1"):
        SplitBody.model_validate({"evidence_ids": []})
