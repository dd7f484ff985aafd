"""`ebrain playbooks check DIR` (lint) and `ebrain playbooks try PLAYBOOK EVENTS.jsonl` (dry run)."""

from __future__ import annotations

import sys
from pathlib import Path

from ebrain.settings import Settings
from geo.datafiles import LoadError
from geo.fleet import load_capabilities
from geo.regions import RegionIndex
from playbooks.dryrun import read_events, report, run
from playbooks.model import check_playbooks, parse_playbook
from playbooks.places import PlaybookPlaces
from streams.fusion import coverage
from streams.fusion.rules import FusionRules
from streams.words.phrasebook import Phrasebook


def _context(settings: Settings) -> tuple[frozenset[str], PlaybookPlaces]:
    regions = RegionIndex.load(settings.boundaries)
    return frozenset(load_capabilities().capabilities), PlaybookPlaces.load(regions)


def check(settings: Settings, directory: Path) -> int:
    """Every file is checked; each error is printed as file:line: message. Then whether every incident type fusion
    can open has a playbook in the folder (streams/fusion/coverage.py). Exit 1 if anything is wrong."""
    if not directory.is_dir():
        print(f"{directory}: not a folder of playbooks", file=sys.stderr)
        return 2
    capabilities, places = _context(settings)
    loaded, errors = check_playbooks(directory, capabilities, places)
    for incident_type, playbook in sorted(loaded.items()):
        print(f"ok     {incident_type:<20} {playbook.id}  ({playbook.file})")
    said = [line for error in errors for line in str(error).splitlines()]  # a file gives every error it has
    for line in said:
        print(f"error  {line}", file=sys.stderr)
    uncovered = coverage.gaps(FusionRules.load(), loaded, Phrasebook.load().vocabulary.get("hazard", {}))
    for gap in uncovered:
        print(f"error  {directory}: {gap}", file=sys.stderr)
    problems = len(said) + len(uncovered)
    print(f"{len({p.file for p in loaded.values()})} playbook(s) loaded, {problems} error(s)")
    return 1 if problems else 0


def try_playbook(settings: Settings, playbook_file: Path, events_file: Path, incident_type: str | None) -> int:
    capabilities, places = _context(settings)
    try:
        playbook = parse_playbook(playbook_file, capabilities=capabilities, places=places)
        events = read_events(events_file)
    except LoadError as exc:
        print(f"error  {exc}", file=sys.stderr)
        return 1
    if incident_type is not None and incident_type not in playbook.incident_types:
        print(f"error  --type {incident_type!r} is not one of {sorted(playbook.incident_types)}", file=sys.stderr)
        return 1
    try:
        dry = run(playbook, events, incident_type)
    except ValueError as exc:
        print(f"error  {events_file}: {exc}", file=sys.stderr)
        return 1
    print(f"dry run of {playbook.id} ({playbook.file}) over {len(events)} event(s) from {events_file}")
    for line in report(dry):
        print(line)
    return 0
