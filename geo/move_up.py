"""Move-up (pre-positioning): which teams to move where so that a warned area is better covered.

Greedy, as move-up in fire and ambulance services usually is: take the one move (a team to a post) that raises the
coverage score most, apply it, repeat up to a bound. The score adds the shares of hazards and of population covered
within the first time (15 min) and half of those within the later ones (30 min). A move never takes a county's
last teams below the floor (the area a station leaves must keep a team); a move to a post inside the team's own
county leaves no area, so the floor does not bind it. A team of another province is only
a candidate where an agreement lends its capability (the caller passes those teams only). Pure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from geo.coverage import MoveUpBounds, Target


@dataclass(frozen=True)
class Move:
    unit: int  # index into the teams given
    post: int  # index into the posts given
    gain: float  # score gained by this move, given the moves before it


def score(nearest: np.ndarray, to: tuple[Target, ...], within_min: tuple[int, ...]) -> np.ndarray:
    """Coverage score for one or many nearest-time rows (last axis: targets)."""
    kinds = np.array([t.kind for t in to])
    weights = np.array([t.weight for t in to], dtype=np.float64)
    total = np.zeros(nearest.shape[:-1])
    for kind in ("hazard", "population"):
        mask = kinds == kind
        whole = float(weights[mask].sum())
        if not whole:
            continue
        for rank, minutes in enumerate(within_min):
            covered = (nearest <= minutes * 60) & mask
            total = total + (1.0 if rank == 0 else 0.5) * (covered * weights).sum(axis=-1) / whole
    return total


def propose(
    times: np.ndarray,
    post_times: np.ndarray,
    counties: tuple[str, ...],
    to: tuple[Target, ...],
    within_min: tuple[int, ...],
    bounds: MoveUpBounds,
    post_counties: tuple[str, ...] = (),
    travel: np.ndarray | None = None,
) -> tuple[Move, ...]:
    """`times`: teams × targets (s); `post_times`: posts × targets (s); `counties`: each team's home county;
    `bounds`: how many moves at most, the floor a county keeps, the least gain a move must bring; `post_counties`:
    each post's county, where known (a move within the team's county keeps the team there, whatever the floor);
    `travel`: teams × posts (s), where known: a move that takes longer than `reach_min` is not proposed (a team
    arriving after the hazard pre-positions nothing)."""
    max_moves, floor, min_gain = bounds.max_moves, bounds.floor, bounds.min_gain
    times = times.copy()
    left = Counter(counties)
    moved: set[int] = set()
    used: set[int] = set()
    out: list[Move] = []
    n_units, n_posts = times.shape[0], post_times.shape[0]
    if n_units == 0 or n_posts == 0 or not to:
        return ()
    for _ in range(max_moves):
        now = float(score(times.min(axis=0), to, within_min))
        order = np.argsort(times, axis=0, kind="stable")
        best1 = np.take_along_axis(times, order[:1], axis=0)[0]
        best2 = np.take_along_axis(times, order[1:2], axis=0)[0] if n_units > 1 else np.full(len(to), np.inf)
        # each team's absence: the nearest of the others, for every target
        without = np.where(order[0][None, :] == np.arange(n_units)[:, None], best2[None, :], best1[None, :])
        trial = np.minimum(without[:, None, :], post_times[None, :, :])  # teams × posts × targets
        gains = score(trial, to, within_min) - now
        for unit in range(n_units):
            if unit in moved:
                gains[unit, :] = -np.inf
            elif left[counties[unit]] <= floor:
                away = [p for p in range(n_posts) if p >= len(post_counties) or post_counties[p] != counties[unit]]
                gains[unit, away] = -np.inf
        for post in used:
            gains[:, post] = -np.inf
        if travel is not None:
            gains[travel > bounds.reach_min * 60] = -np.inf
        best_u, best_p = np.unravel_index(int(np.argmax(gains)), gains.shape)
        u, p = int(best_u), int(best_p)
        gain = float(gains[u, p])
        if not gain >= min_gain:
            break
        out.append(Move(u, p, round(gain, 4)))
        times[u] = post_times[p]
        moved.add(u)
        used.add(p)
        if p >= len(post_counties) or post_counties[p] != counties[u]:
            left[counties[u]] -= 1
    return tuple(out)
