"""Reading actions: each kind becomes its own frozen, typed value, with the file line it was written on."""

from __future__ import annotations

import dataclasses

import pytest

from geo.datafiles import LoadError
from playbooks import plan
from playbooks.model import parse_playbook
from playbooks.places import PlaybookPlaces

TEXT = """\
playbook: t
incident_types: [t]
timers:
  - id: ack
    after: 10m
    then: [close]
rules:
  - id: r
    when: {signal: [call:gas_smell]}
    then:
      - enter_stage: during
      - set_response_level: II
      - set_event_grade: {level: 较大, reason: two dead, allow_lower: true}
      - raise_response_level: {by: 2}
      - lower: {scale: warning_colour, reason: easing}
      - dispatch: {capability: water_rescue, count: 2, within: 45m}
      - notify: {to: [downstream, own], message: water coming, river: 大石河}
      - start_timer: ack
      - cancel_timer: ack
      - issue_warning: {event_code: "11B03", event: 暴雨, headline: 暴雨预警, area: province, expires: 2h}
      - update_warning: {colour: red}
      - cancel_warning: {}
      - request_mutual_aid: {capability: water_rescue, count: 3, from: [120000, any], reason: boats}
      - require_approval:
          summary: evacuate
          within: 15m
          default: reject
          then: [{dispatch: {capability: water_rescue}}]
      - close
"""


def test_every_action_kind_reads_into_its_typed_value(places: PlaybookPlaces, capabilities: frozenset[str]) -> None:
    playbook = parse_playbook("inline.yaml", TEXT, capabilities, places)
    assert playbook.rules[0].then == (
        plan.EnterStage(stage="during", line=11),
        plan.SetScale(scale="response_level", level="II", line=12),
        plan.SetScale(scale="event_grade", level="较大", reason="two dead", allow_lower=True, line=13),
        plan.StepScale(scale="response_level", steps=2, line=14),
        plan.StepScale(scale="warning_colour", steps=-1, reason="easing", line=15),
        plan.Dispatch(capability="water_rescue", count=2, within_ms=45 * 60_000, line=16),
        plan.Notify(to=("downstream", "own"), message="water coming", river="大石河", line=17),
        plan.StartTimer(timer="ack", line=18),
        plan.CancelTimer(timer="ack", line=19),
        plan.PublicWarningAction(
            verb="issue",
            event_code="11B03",
            event="暴雨",
            headline="暴雨预警",
            area="province",
            expires_ms=7_200_000,
            line=20,
        ),
        plan.PublicWarningAction(verb="update", colour="red", line=21),
        plan.PublicWarningAction(verb="cancel", line=22),
        plan.RequestMutualAid(capability="water_rescue", count=3, lenders=("120000", "any"), reason="boats", line=23),
        plan.RequireApproval(approval=0, line=24),
        plan.Close(line=29),
    )
    assert playbook.approvals[0].then == (
        plan.Dispatch(capability="water_rescue", count=1, within_ms=30 * 60_000, line=28),
    )
    assert playbook.timers[0].then == (plan.Close(line=6),)


def test_actions_are_frozen(places: PlaybookPlaces, capabilities: frozenset[str]) -> None:
    action = parse_playbook("inline.yaml", TEXT, capabilities, places).rules[0].then[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        action.stage = "after"  # type: ignore[misc,union-attr]


def test_a_missing_timer_is_reported_at_the_action_line(places: PlaybookPlaces, capabilities: frozenset[str]) -> None:
    text = TEXT.replace("      - cancel_timer: ack", "      - cancel_timer: akc")
    with pytest.raises(LoadError) as caught:
        parse_playbook("inline.yaml", text, capabilities, places)
    assert (caught.value.line, caught.value.message) == (19, "cancel_timer: no timer 'akc'; did you mean 'ack'?")
