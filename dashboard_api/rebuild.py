"""A command-centre picture rebuilt from the latest delta of each entity, and where the feed takes over from it.

On Kafka the worker writes every delta twice, in one transaction: to `feed` (the numbered history) and to the
compacted `picture` topic under "<kind>/<key>" (the latest delta of each entity). An API instance that starts
reads `picture` to its end and applies the latest deltas in seq order. Every delta up to the highest seq among
them, S, changed some entity whose latest delta is there, and each delta there carries its whole entity (an
incident's with all its evidence, where the feed carries what changed: streams/wire/incident_delta.py), so the result
is the picture as of S: the one a fold of the feed's deltas 1..S gives, without replaying the feed's history.
The instance then publishes the feed's deltas after S (`takeover` says where in the feed that is).

What a fold has and a rebuild does not: the order in which entities first appeared (a rebuilt picture lists them in
the order of their latest change; REST lists sort, so only unsorted lists and ties show it), and which centre
issued a command (remembered by the instance it was issued through, so a rejection of a command issued through
another instance reaches the joint centre only). Counts of applied deltas start from the rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from dashboard_api.deltas import DeltaError, delta_from_json
from dashboard_api.picture import Picture

Takeover = Literal["here", "earlier", "gap"]


class LatestDeltas:
    """The latest delta of each entity among records of the `picture` topic, read in any order (the cleaner may
    not have compacted the tail yet, so an entity can appear several times: the highest seq wins)."""

    def __init__(self) -> None:
        self.by_entity: dict[tuple[str, str], dict[str, Any]] = {}
        self.records = 0
        self.problems: list[str] = []

    def add(self, raw: bytes | None, where: str) -> None:
        """One record's value; `where` names it (topic, partition, offset) in a problem."""
        self.records += 1
        if raw is None:
            return  # a tombstone: the worker writes none, so nothing to forget
        try:
            delta = delta_from_json(raw)
        except DeltaError as exc:
            self.problems.append(f"{where}: {exc}")
            return
        entity = (delta["kind"], delta["key"])
        held = self.by_entity.get(entity)
        if held is None or delta["seq"] > held["seq"]:
            self.by_entity[entity] = delta

    @property
    def seq(self) -> int:
        """S: the last feed seq the rebuilt picture covers (0 when there is nothing yet)."""
        return max((d["seq"] for d in self.by_entity.values()), default=0)

    def picture(self) -> Picture:
        """A new picture as of `seq`."""
        return rebuild_picture(self.by_entity.values())


def rebuild_picture(latest: Iterable[dict[str, Any]]) -> Picture:
    """Apply the latest deltas (`delta_from_json` form) in seq order to a new picture."""
    picture = Picture()
    for delta in sorted(latest, key=lambda d: d["seq"]):
        picture.apply(delta)
    picture.gaps = 0  # the seqs between are superseded deltas, not deltas the feed lost
    return picture


def takeover(first_seq: int | None, rebuilt_seq: int, at_beginning: bool) -> Takeover:
    """Whether reading the feed from an offset gives every delta after `rebuilt_seq`.

    `first_seq` is the seq of the first delta from that offset to the end (None: no committed delta there).
    A seq at most one past the rebuild means nothing after it is missing ("here": skip the deltas up to it); a
    higher one means the missing deltas lie before the offset ("earlier"), unless the offset is the feed's first
    retained one: then retention removed them ("gap"; the picture topic, read again, covers them).
    The seqs of committed deltas only grow (exactly-once), and when a worker re-sends after a crash (at least
    once) it re-sends a run of consecutive seqs, so a delta at most one past S is followed by all later ones.
    """
    if first_seq is not None and first_seq <= rebuilt_seq + 1:
        return "here"
    if at_beginning:
        return "here" if first_seq is None else "gap"
    return "earlier"
