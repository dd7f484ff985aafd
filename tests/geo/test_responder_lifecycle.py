from itertools import pairwise
from pathlib import Path

import pytest

from geo.responder_lifecycle import load_lifecycle


@pytest.fixture(scope="module")
def lifecycle():
    return load_lifecycle()


def test_the_lifecycle_of_a_unit_sent_to_a_task(lifecycle):
    path = ["available", "assigned", "en_route", "on_scene", "returning", "available"]
    for current, new in pairwise(path):
        lifecycle.check("u", current, new)
    for current in ("available", "assigned", "en_route", "on_scene", "returning"):
        lifecycle.check("u", current, "out_of_service")
    lifecycle.check("u", "on_scene", "on_scene")  # a repeated report


@pytest.mark.parametrize(
    ("current", "new", "message"),
    [
        ("on_scene", "available", r"u is on_scene: it cannot become available \(from on_scene: out_of_service, ret"),
        ("out_of_service", "assigned", "it cannot become assigned"),
        ("available", "en_route", "it cannot become en_route"),
        ("available", "on_sceen", r"status='on_sceen' of u is not one of .*did you mean 'on_scene'"),
    ],
)  # fmt: skip
def test_a_change_against_the_lifecycle_says_why(lifecycle, current, new, message):
    with pytest.raises(ValueError, match=message):
        lifecycle.check("u", current, new)


def test_task_replies_move_the_unit(lifecycle):
    assert [lifecycle.after_reply(s) for s in ("acknowledged", "en_route", "on_scene", "completed", "declined")] == [
        None, "en_route", "on_scene", "returning", "available",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="did you mean 'completed'"):
        lifecycle.after_reply("complete")


def test_a_bad_file_names_file_and_line(tmp_path: Path):
    path = tmp_path / "lifecycle.yaml"
    path.write_text("transitions:\n  available: [asigned]\ntask_replies: {}\n")
    with pytest.raises(ValueError, match=r"lifecycle.yaml:2: transitions.available.0"):
        load_lifecycle(path)
    path.write_text("transitions:\n  available: [assigned]\ntask_replies: {}\n")
    with pytest.raises(ValueError, match="no entry for status 'assigned'"):
        load_lifecycle(path)
