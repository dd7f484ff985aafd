"""Fixtures for playbook tests: the real region index and data tables, and a dry-run helper."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ebrain.compose import Core
from ebrain.settings import PACKAGE_ROOT
from geo.fleet import load_capabilities
from playbooks.dryrun import DryRun, read_events, run
from playbooks.model import parse_playbook
from playbooks.places import PlaybookPlaces
from playbooks.plan import Playbook

FILES = PACKAGE_ROOT / "playbooks" / "files"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def places(core: Core) -> PlaybookPlaces:
    return PlaybookPlaces.load(core.regions)


@pytest.fixture(scope="session")
def capabilities() -> frozenset[str]:
    return frozenset(load_capabilities().capabilities)


@pytest.fixture(scope="session")
def shipped(places: PlaybookPlaces, capabilities: frozenset[str]) -> Callable[[str], Playbook]:
    def load(name: str) -> Playbook:
        return parse_playbook(FILES / f"{name}.yaml", capabilities=capabilities, places=places)

    return load


def dry_run(playbook: Playbook, events: list[dict[str, Any]] | str, incident_type: str) -> DryRun:
    """Run a playbook over events given inline (dicts) or as a fixture file name."""
    if isinstance(events, str):
        return run(playbook, read_events(FIXTURES / events), incident_type)
    text = "\n".join(json.dumps(e, ensure_ascii=False) for e in events)
    return run(playbook, read_events("inline.jsonl", text), incident_type)


def whats(dry: DryRun) -> list[str]:
    assert dry.incident is not None
    return [d.what for d in dry.incident.decisions]


def effects_of(dry: DryRun, kind: type) -> list[Any]:
    return [e for step in dry.steps for e in step.effects if isinstance(e, kind)]
