"""Warnings in force on an agency partition: an update or a cancel must name one.

A warning is issued, updated and cancelled by the agency that issued it, all on `ingest.agency` (keyed by agency),
so the partition sees each warning's messages in the order they were sent. An update or cancel of a warning id it
has not seen issued (or has seen cancelled) is refused at ingest with a reason that says what to send instead: a
dead letter, counted with the rejections, never an incident. The theater keeps the same check in event-time order
as a second line (streams/theater/core.py). Bounded: at most `MAX_IN_FORCE` ids, the oldest issued forgotten first.
"""

from __future__ import annotations

MAX_IN_FORCE = 10_000


def unknown(in_force: dict[str, None], action: str, warning_id: str) -> bool:
    """Whether this action names a warning that is not in force here."""
    return action != "issue" and warning_id not in in_force


def reason(event_id: str, action: str, warning_id: str) -> str:
    return (
        f"agency.warning {event_id}: action={action}: warning_id={warning_id!r} is not a warning in force (never "
        f"issued, or already cancelled); send action 'issue' for a new warning, or the warning_id of the one to "
        f"{action}"
    )


def apply(in_force: dict[str, None], action: str, warning_id: str) -> None:
    """An accepted warning message: issued or updated ids are in force, a cancelled one no longer."""
    if action == "cancel":
        in_force.pop(warning_id, None)
        return
    in_force.pop(warning_id, None)  # the newest at the end: forgotten last
    in_force[warning_id] = None
    while len(in_force) > MAX_IN_FORCE:
        del in_force[next(iter(in_force))]
