"""The playbook language: shipped files load; broken files fail at load with file, line and a did-you-mean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ebrain.cli import main
from geo.datafiles import LoadError
from playbooks.model import check_playbooks, load_playbooks, parse_playbook
from playbooks.places import PlaybookPlaces
from playbooks.plan import Assign, Rule, SetScale, StepScale
from tests.playbooks.conftest import FILES

BROKEN = Path(__file__).parent / "broken"
_EXPECT = re.compile(r"^# expect: (\d+): (.+)$")


def _expectation(path: Path) -> tuple[int, str]:
    match = _EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path} lacks an '# expect: LINE: MESSAGE' first line"
    return int(match.group(1)), match.group(2)


def test_every_shipped_playbook_loads(places: PlaybookPlaces, capabilities: frozenset[str]) -> None:
    by_type = load_playbooks(FILES, capabilities, places)
    assert {p.id for p in by_type.values()} == {
        "rainstorm_flood",
        "waterlogging",
        "gas_explosion",
        "hazmat_leak",
        "building_collapse",
        "water_outage",
        "hotline_surge",
        "fire",
        "earthquake",
        "chemical_release",
        "power_outage",
        "gas_warning",
        "chemical_warning",
        "casualty_queue",
    }
    assert by_type["flood_warning"] is by_type["flood_rescue"]


def test_every_shipped_playbook_gives_its_after_stage_recovery_work(
    places: PlaybookPlaces, capabilities: frozenset[str]
) -> None:
    for playbook in {p.id: p for p in load_playbooks(FILES, capabilities, places).values()}.values():
        work = [
            a.work for stage, actions in playbook.on_enter if stage == "after" for a in actions if isinstance(a, Assign)
        ]
        assert work, f"{playbook.id}: no recovery work assigned on entering 'after'"
        assert len(work) == len(set(work)), playbook.id


def test_every_shipped_playbook_runs_the_shared_rules_once(
    places: PlaybookPlaces, capabilities: frozenset[str]
) -> None:
    """Grading, the response level from the grade, who leads and reporting upward are the base playbook's, run by
    every playbook (not copied into some)."""
    base = parse_playbook(FILES / "base.yaml", capabilities=capabilities, places=places)
    shared = [r.id for r in base.rules]
    assert base.base and set(shared) >= {"grade-general", "grade-larger", "grade-major", "grade-especially-major"}
    for playbook in {p.id: p for p in load_playbooks(FILES, capabilities, places).values()}.values():
        assert playbook.extends == "base", playbook.file
        ids = [r.id for r in playbook.rules]
        assert [i for i in ids if i in shared] == shared, playbook.file
        own_grading = [r.id for r in playbook.rules if r.id not in shared and _sets_grade(r)]
        assert own_grading == [], f"{playbook.file} grades by itself: {own_grading}"


def _sets_grade(rule: Rule) -> bool:
    return any(isinstance(a, SetScale | StepScale) and a.scale == "event_grade" for a in rule.then)


@pytest.mark.parametrize("path", sorted(BROKEN.glob("*.yaml")), ids=lambda p: p.stem)
def test_broken_file_fails_with_line_and_message(
    path: Path, places: PlaybookPlaces, capabilities: frozenset[str]
) -> None:
    line, message = _expectation(path)
    with pytest.raises(LoadError) as caught:
        parse_playbook(path, capabilities=capabilities, places=places)
    assert (caught.value.file, caught.value.line) == (str(path), line), str(caught.value)
    assert message in caught.value.message


THREE_ERRORS = """\
playbook: broken_three
incident_types: [test]
rules:
  - id: r1
    when: {signal: call:fire}
    then:
      - dispatch: {capability: fire_supression, count: 2}
  - id: r2
    when: {signal: call:fire}
    then:
      - dispach: {capability: fire_suppression}
  - id: r3
    when: {signal: call:fire}
    then:
      - start_timer: t1
timers:
  - id: t1
    after: 15 minutes
    then:
      - notify: {to: own}
"""


def test_a_playbook_with_three_errors_gets_three_each_with_its_line(
    places: PlaybookPlaces, capabilities: frozenset[str]
) -> None:
    with pytest.raises(LoadError) as caught:
        parse_playbook("three.yaml", THREE_ERRORS, capabilities=capabilities, places=places)
    assert str(caught.value).splitlines() == [
        "three.yaml:7: capability: unknown 'fire_supression'; did you mean 'fire_suppression'?",
        "three.yaml:11: rules[1].then[0]: unknown action 'dispach'; did you mean 'dispatch'?",
        "three.yaml:18: after: expected a duration like 15m, 2h or 90s, got '15 minutes'",
    ]


def test_check_reports_every_broken_file_not_just_the_first(
    places: PlaybookPlaces, capabilities: frozenset[str]
) -> None:
    loaded, errors = check_playbooks(BROKEN, capabilities, places)
    assert loaded == {}
    assert sorted(Path(e.file).name for e in errors) == sorted(p.name for p in BROKEN.glob("*.yaml"))


def test_cli_check_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["playbooks", "check", str(FILES)]) == 0
    assert "14 playbook(s) loaded, 0 error(s)" in capsys.readouterr().out
    assert main(["playbooks", "check", str(BROKEN)]) == 1
    err = capsys.readouterr().err
    assert "unknown_capability.yaml:8: capability: unknown 'fire_supression'; did you mean 'fire_suppression'?" in err


def test_spatial_names_need_the_region_index() -> None:
    with pytest.raises(LoadError, match="needs the region index"):
        parse_playbook(BROKEN / "unknown_region.yaml")


def test_stage_blocks_compile_to_rules_and_timers(places: PlaybookPlaces) -> None:
    playbook = parse_playbook(FILES / "rainstorm_flood.yaml", places=places)
    ids = [r.id for r in playbook.rules]
    assert ids[:2] == ["stage:during:enter", "stage:reopen"]  # stage rules run before the file's own rules
    reopen = playbook.rules[1]
    assert reopen.repeat and reopen.when.stages == frozenset({"after"})
    overdue = playbook.timer("stage:during:overdue")
    assert (overdue.start_on, overdue.unless, overdue.after_ms) == ("stage:during", "stage_left", 24 * 3_600_000)


def test_downstream_of_resolves_the_river_course(places: PlaybookPlaces) -> None:
    text = """
playbook: t
incident_types: [t]
rules:
  - id: r
    when: {downstream_of: {river: 大石河, place: 漫水河}}
    then: [{notify: {to: [downstream]}}]
"""
    playbook = parse_playbook("inline.yaml", text, places=places)
    assert playbook.rules[0].when.downstream_of == frozenset({"110111", "130681", "130684"})  # 房山, 涿州, 高碑店
