"""Move-up: the greedy takes the move that gains most, never strips a county below its floor, and stops."""

import numpy as np

from geo.coverage import MoveUpBounds, Target
from geo.move_up import propose


def bounds(floor: int) -> MoveUpBounds:
    return MoveUpBounds(max_moves=3, floor=floor, min_gain=0.01, reach_min=90)


TO = (Target("hazard", "a", "1", 0, 0, 1.0), Target("hazard", "b", "2", 0, 0, 1.0))
POSTS = np.array([[100.0, 5000.0], [5000.0, 100.0]])  # post 0 stands at a, post 1 at b


def test_the_move_that_covers_an_uncovered_hazard_is_proposed() -> None:
    times = np.array([[100.0, 5000.0], [200.0, 5000.0]])  # both teams near a, b uncovered
    moves = propose(times, POSTS, ("x", "x"), TO, (15, 30), bounds(1))
    assert [(m.post, round(m.gain, 2)) for m in moves] == [(1, 0.75)]  # 0.5 within 15 min + half of 0.5 within 30


def test_a_county_keeps_its_floor() -> None:
    times = np.array([[100.0, 5000.0], [200.0, 5000.0]])
    assert propose(times, POSTS, ("x", "y"), TO, (15, 30), bounds(1)) == ()


def test_nothing_to_gain_proposes_nothing() -> None:
    times = np.array([[100.0, 5000.0], [5000.0, 100.0]])
    assert propose(times, POSTS, ("x", "x"), TO, (15,), bounds(0)) == ()


def test_a_county_s_last_team_may_move_within_its_own_county() -> None:
    # one team in county x, 20 minutes from the one target; the post is at the target, in county x
    times = np.array([[1200.0]])
    post = np.array([[0.0]])
    assert propose(times, post, ("x",), TO[:1], (15, 30), bounds(1)) == ()  # county unknown: the floor binds
    moves = propose(times, post, ("x",), TO[:1], (15, 30), bounds(1), post_counties=("x",))
    assert [(m.unit, m.post) for m in moves] == [(0, 0)]
    assert propose(times, post, ("x",), TO[:1], (15, 30), bounds(1), post_counties=("y",)) == ()


def test_a_move_longer_than_the_reach_is_not_proposed() -> None:
    # b is uncovered; team 0 would cover it best but is 100 minutes from post 1, team 1 is 60 minutes from it
    times = np.array([[100.0, 6000.0], [200.0, 3600.0]])
    travel = times  # the posts stand at the targets
    moves = propose(times, POSTS, ("x", "x"), TO, (15, 30), bounds(0), travel=travel)
    assert [(m.unit, m.post) for m in moves] == [(1, 1)]
    far = np.array([[100.0, 6000.0], [200.0, 6000.0]])
    assert propose(far, POSTS, ("x", "x"), TO, (15, 30), bounds(0), travel=far) == ()
