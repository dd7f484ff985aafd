"""Indexes over open incidents, so the cost of a signal, a timer or a clock scan does not grow with their number.

All of it is derived data: built from the incidents alone (after a restart, from the stored incidents), and
kept in step with every stored change. Nothing here decides anything; lookups return candidates that the
caller filters exactly, so results never depend on cell sizes or on set iteration order.

- a grid per (family, location precision): cells sized to the family's reach, so a lookup scans a few cells;
- keys per family (a place key for repeated calls about one address, an administrative unit for address-only
  aggregates, a county or the theater for families clustered so);
- for the clock (`ClockIndex`): a due-time heap of playbook timers, and a heap of the times from which an
  incident may meet a time-driven rule (rules driven by silence cannot hold while evidence keeps arriving).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Mapping
from typing import Any

from playbooks.incident import Incident
from streams.fusion.rules import PRECISIONS, FusionRules

KM_PER_DEG_LAT = 111.2
MIN_CELL_KM = 0.5  # below this, cells only add look-ups
# cells are wider in degrees of longitude so they are about square up to 43°N (the theater's north edge); this
# only saves look-ups: the reach in cells is computed from the latitude, so any latitude is searched fully
LON_STRETCH = 1.0 / math.cos(math.radians(43.0))


def precision_rank(precision: str) -> int:
    return PRECISIONS.index(precision) if precision in PRECISIONS else len(PRECISIONS) - 1


def anchor_rank(incident: Incident) -> int:
    """How precisely the incident is located: the finest precision among its evidence located at its point."""
    best = len(PRECISIONS) - 1
    for signal in incident.evidence:
        if signal.lon == incident.lon and signal.lat == incident.lat:
            best = min(best, precision_rank(signal.precision))
    return best


def keys_of(incident: Incident, rules: FusionRules) -> tuple[str, ...]:
    """Keys an incident is found by: its place keys (addresses, devices) and the county it is in."""
    family = rules.families.get(incident.family)
    if family is not None and family.cluster == "county":
        return (f"county:{incident.adcode}", *incident.place_keys)
    if family is not None and family.cluster == "theater":
        return ("theater", *incident.place_keys)
    within = tuple(
        "within:" + "/".join(key[len("unit:") :].split("/")[:2])
        for key in incident.place_keys
        if key.startswith("unit:") and key.count("/") == 2
    )
    return (*incident.place_keys, *dict.fromkeys(within))


class FusionIndex:
    def __init__(self, rules: FusionRules) -> None:
        self.rules = rules
        self.cell_km = {
            (name, rank): max(MIN_CELL_KM, fam.radius_km + (rules.uncertainty_km(p) or 0.0))
            for name, fam in rules.families.items()
            for rank, p in enumerate(PRECISIONS)
        }
        self.grids: dict[tuple[str, int], dict[tuple[int, int], set[str]]] = {}
        self.where: dict[str, tuple[tuple[str, int], tuple[int, int]]] = {}  # incident -> its grid and cell
        self.ranks: dict[str, tuple[int, ...]] = {}  # family -> precision ranks that have (had) a grid
        self.reach_memo: dict[tuple[float, str], dict[int, float] | None] = {}  # from the rules alone
        self.rank: dict[str, int] = {}  # anchor precision rank of each open incident
        self.keys: dict[tuple[str, str], set[str]] = {}  # (family, key) -> open incidents with it
        self.key_list: dict[str, tuple[tuple[str, str], ...]] = {}

    # -- keeping the index true ---------------------------------------------------------------------------

    def put(self, previous: Incident | None, incident: Incident) -> None:
        if previous is incident:
            return
        iid = incident.id
        if incident.status != "open":
            self.drop(iid)
            return
        rank = self.rank.get(iid)
        if previous is None or previous.status != "open" or rank is None:
            self._place(incident, anchor_rank(incident))
            self._key(incident)
            return
        if (previous.lon, previous.lat) != (incident.lon, incident.lat):
            self._place(incident, anchor_rank(incident))
        elif previous.evidence is not incident.evidence:
            # the rank must be what a rebuild computes from the evidence kept (a restored theater ranks the incident
            # the same). One signal joining: only it can refine the rank (the usual case, kept cheap for surges).
            # A merge brings evidence and a split takes some away: the kept evidence is looked at again.
            old, new = previous.evidence, incident.evidence
            if len(new) == len(old) + 1 and (not old or new[len(old) - 1] is old[-1]):
                signal = new[-1]
                if (signal.lon, signal.lat) == (incident.lon, incident.lat) and precision_rank(signal.precision) < rank:
                    rank = precision_rank(signal.precision)
            else:
                rank = anchor_rank(incident)
            if rank != self.rank[iid] or previous.family != incident.family:
                self._place(incident, rank)
        elif previous.family != incident.family:
            self._place(incident, rank)
        if (
            previous.place_keys is not incident.place_keys
            or previous.family != incident.family
            or previous.adcode != incident.adcode
        ):
            self._key(incident)

    def _place(self, incident: Incident, rank: int) -> None:
        iid = incident.id
        self.rank[iid] = rank
        slot = self._slot(incident)
        if self.where.get(iid) != slot:
            self._ungrid(iid)
            if slot[0] not in self.grids:
                self.ranks[incident.family] = tuple(sorted({*self.ranks.get(incident.family, ()), slot[0][1]}))
            self.grids.setdefault(slot[0], {}).setdefault(slot[1], set()).add(iid)
            self.where[iid] = slot

    def _key(self, incident: Incident) -> None:
        iid = incident.id
        keys = tuple((incident.family, key) for key in keys_of(incident, self.rules))
        if self.key_list.get(iid) != keys:
            self._unkey(iid)
            for key in keys:
                self.keys.setdefault(key, set()).add(iid)
            self.key_list[iid] = keys

    def drop(self, iid: str) -> None:
        self._ungrid(iid)
        self.rank.pop(iid, None)
        self._unkey(iid)

    def _unkey(self, iid: str) -> None:
        for key in self.key_list.pop(iid, ()):
            holders = self.keys[key]
            holders.discard(iid)
            if not holders:
                del self.keys[key]

    def _ungrid(self, iid: str) -> None:
        slot = self.where.pop(iid, None)
        if slot is not None:
            grid = self.grids[slot[0]]
            cell = grid[slot[1]]
            cell.discard(iid)
            if not cell:
                del grid[slot[1]]
                if not grid:
                    del self.grids[slot[0]]

    def _slot(self, incident: Incident) -> tuple[tuple[str, int], tuple[int, int]]:
        grid = (incident.family, self.rank[incident.id])
        return grid, self._cell(grid, incident.lon, incident.lat)

    def _cell(self, grid: tuple[str, int], lon: float, lat: float) -> tuple[int, int]:
        size_deg = self.cell_km[grid] / KM_PER_DEG_LAT
        return math.floor(lon / (size_deg * LON_STRETCH)), math.floor(lat / size_deg)

    # -- look-ups -----------------------------------------------------------------------------------------

    def near(self, family: str, lon: float, lat: float, reach_km: dict[int, float]) -> list[str]:
        """Open incidents of `family` that may lie within reach (by anchor precision rank) of a point."""
        found: list[str] = []
        for rank in self.ranks.get(family, ()):
            reach = reach_km.get(rank)
            grid = self.grids.get((family, rank))
            if reach is None or not grid:
                continue
            size_deg = self.cell_km[(family, rank)] / KM_PER_DEG_LAT
            # distances use the cosine of the mean latitude, never smaller than this one: a safe bound
            cos_lat = math.cos(math.radians(min(89.0, abs(lat) + reach / KM_PER_DEG_LAT)))
            reach_y = math.ceil(reach / KM_PER_DEG_LAT / size_deg)
            reach_x = math.ceil(reach / (KM_PER_DEG_LAT * cos_lat) / (size_deg * LON_STRETCH))
            if (2 * reach_x + 1) * (2 * reach_y + 1) > len(grid):
                for cell in grid.values():
                    found.extend(cell)
                continue
            cx, cy = math.floor(lon / (size_deg * LON_STRETCH)), math.floor(lat / size_deg)
            for x in range(cx - reach_x, cx + reach_x + 1):
                for y in range(cy - reach_y, cy + reach_y + 1):
                    ids = grid.get((x, y))
                    if ids:
                        found.extend(ids)
        return found

    def by_key(self, family: str, key: str) -> set[str]:
        return self.keys.get((family, key), set())


def wake_after(playbooks: Mapping[str, Any]) -> dict[str, int]:
    """Per incident type: the silence every time-driven rule of its playbook needs at least (0 if one needs none).

    A time-driven rule holds only when all its parts hold, so one with `no_evidence_for` cannot hold earlier.
    """
    out: dict[str, int] = {}
    for incident_type, playbook in playbooks.items():
        spans = [
            rule.when.no_evidence_for_ms if rule.when.no_evidence_for_ms is not None else 0
            for rule in playbook.rules
            if rule.when.time_driven
        ]
        if spans:
            out[incident_type] = min(spans)
    return out


class ClockIndex:
    """What the clock must look at: timers in due order, and incidents a time-driven rule may now hold for.

    `wake_after` maps an incident type to how long it must have been without evidence before any time-driven
    rule of its playbook can hold (0 when some such rule does not need silence); types not in it have no
    time-driven rule. Heap entries are lower bounds, checked against the incident when they come up.
    """

    def __init__(self, wake_after: dict[str, int], playbooks: object) -> None:
        self.wake_after = wake_after
        self.playbooks = playbooks  # what wake_after was computed from: a new set of playbooks rebuilds this
        self.timers: list[tuple[int, str]] = []
        self.wakes: list[tuple[int, str]] = []
        self.wake_at: dict[str, int] = {}
        self.awake: set[str] = set()

    def put(self, previous: Incident | None, incident: Incident) -> None:
        if previous is incident:
            return
        iid = incident.id
        if incident.status != "open":
            self.wake_at.pop(iid, None)
            self.awake.discard(iid)
            return
        if incident.timers and (previous is None or previous.timers != incident.timers):
            known = set() if previous is None else {(t.id, t.due_ms) for t in previous.timers}
            for timer in incident.timers:
                if (timer.id, timer.due_ms) not in known:
                    heapq.heappush(self.timers, (timer.due_ms, iid))
        after = self.wake_after.get(incident.type)
        old = self.wake_at.get(iid)
        if after is None:
            self.wake_at.pop(iid, None)
            self.awake.discard(iid)
            return
        new = incident.last_evidence_ms + after
        if old == new:
            return
        self.wake_at[iid] = new
        if old is None or new < old:
            heapq.heappush(self.wakes, (new, iid))
        elif iid in self.awake:  # later than before: the old heap entry would come up too early, so re-enter
            self.awake.discard(iid)
            heapq.heappush(self.wakes, (new, iid))
        # else: the older, earlier entry is still in the heap and is moved on when it comes up

    def may_be_due(self, until_ms: int) -> bool:
        """Whether a timer entry is due by `until_ms` (it may be stale: `next_timer` checks)."""
        return bool(self.timers) and self.timers[0][0] <= until_ms

    def next_timer(self, until_ms: int, is_due: Callable[[int, str], bool]) -> tuple[int, str] | None:
        """The earliest (due, incident id) up to `until_ms` that `is_due` confirms; stale entries are dropped."""
        while self.timers and self.timers[0][0] <= until_ms:
            due, iid = self.timers[0]
            if is_due(due, iid):
                return due, iid
            heapq.heappop(self.timers)
        return None

    def wake(self, until_ms: int) -> list[str]:
        """Open incidents for which a time-driven rule may hold by `until_ms`, in id order."""
        while self.wakes and self.wakes[0][0] <= until_ms:
            at, iid = heapq.heappop(self.wakes)
            current = self.wake_at.get(iid)
            if current is None or current < at:
                continue  # closed, merged, or re-entered earlier
            if current > at:
                heapq.heappush(self.wakes, (current, iid))
                continue
            self.awake.add(iid)
        return sorted(self.awake)
