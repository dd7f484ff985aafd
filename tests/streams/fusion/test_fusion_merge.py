"""fusion_merge.evolve is dataclasses.replace for the hot path: the same value, the same refusal of unknown fields."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from playbooks.evidence import Signal
from streams.fusion import fuse
from streams.fusion.merge import evolve


def opened() -> fuse.Incident:
    signal = Signal("s1", "hotline", "call:gas_smell", 1_000, "130000", "131082", 116.81, 39.96, "gps", 2)
    _, fused = fuse.step(fuse.FusionState(), fuse.FusionRules.load(), signal, "jingjinji")
    assert fused.incident is not None
    return fused.incident


def test_evolve_equals_replace_for_every_field() -> None:
    incident = opened()
    assert evolve(incident) == incident and evolve(incident) is not incident
    for field in dataclasses.fields(incident):
        value = getattr(incident, field.name)
        changes: dict[str, Any] = {field.name: (value, "x") if isinstance(value, tuple) else f"changed-{value}"}
        assert evolve(incident, **changes) == dataclasses.replace(incident, **changes)


def test_evolve_refuses_a_field_the_incident_does_not_have() -> None:
    with pytest.raises(TypeError, match="lattitude"):
        evolve(opened(), lattitude=40.0)
