"""Leader changes as the worker logs them."""

from __future__ import annotations

from streams.runtime.leaders import NO_LEADER, leader_changes


def test_a_moved_lost_or_returned_leader_is_one_line_and_a_new_partition_none() -> None:
    before = {"signals/0": 2, "feed/0": 2, "tasks/1": 1, "tasks/2": NO_LEADER}
    now = {"signals/0": 3, "feed/0": NO_LEADER, "tasks/1": 1, "tasks/2": 1, "picture/0": 3}
    assert leader_changes(before, now) == [
        "feed/0: no leader (it was broker 2)",
        "signals/0: leader moved from broker 2 to broker 3",
        "tasks/2: led by broker 1 again",
    ]
    assert leader_changes({}, now) == []
