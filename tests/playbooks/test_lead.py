"""Who leads (指挥权): moved by the event grade, the response level and the regions the incident spans, the
highest winning, each move a decision; lenders joining an incident do not make it cross-region."""

from __future__ import annotations

from dataclasses import replace

from playbooks.lead import follow, lead_of
from tests.scenarios.expectations_kit import T0, incident


def test_grade_level_and_regions_each_move_the_lead_and_the_highest_wins() -> None:
    base = incident(None, T0)
    assert lead_of(base) == ("county", "")
    assert lead_of(replace(base, response_level="III")) == ("city", "response_level")
    assert lead_of(replace(base, event_grade="重大", response_level="III")) == ("province", "event_grade")
    assert lead_of(replace(base, adcodes=("131082", "131028"))) == ("city", "counties")
    assert lead_of(replace(base, adcodes=("131082", "130100"))) == ("province", "cities")
    assert lead_of(replace(base, adcodes=("131082", "110112"))) == ("joint", "provinces")
    assert lead_of(replace(base, adcodes=("131082", "110112"), response_level="I")) == (
        "state_council",
        "response_level",
    )
    # a lender's province on the incident is not a region it spans
    assert lead_of(replace(base, provinces=("130000", "110000"))) == ("county", "")


def test_each_move_is_a_decision_and_the_lead_follows_a_lower_level_back_down() -> None:
    raised = follow(incident("II", T0), T0 + 1)
    assert raised.lead == "province"
    assert (raised.decisions[-1].what, raised.decisions[-1].rule, raised.decisions[-1].reason) == (
        "lead county→province",
        "lead",
        "response_level",
    )
    assert follow(raised, T0 + 2) is raised  # no move, no decision
    lowered = follow(replace(raised, response_level="IV"), T0 + 3)
    assert lowered.lead == "county" and lowered.decisions[-1].what == "lead province→county"
