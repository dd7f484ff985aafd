"""The CAP mapping file: the shipped values, the combination rule, and errors that say where."""

from __future__ import annotations

from datetime import timedelta
from importlib import resources
from pathlib import Path

import pytest

from playbooks.cap_mapping import (
    default_mapping,
    load_cap_mapping,
    parse_cap_mapping,
    severity_urgency_certainty,
)

SHIPPED = (resources.files("playbooks") / "data" / "cap_mapping.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("colour", "expected"),
    [
        ("red", ("Extreme", "Immediate", "Likely")),
        ("orange", ("Severe", "Immediate", "Likely")),
        ("yellow", ("Moderate", "Expected", "Likely")),
        ("blue", ("Minor", "Future", "Likely")),
    ],
)
def test_each_colour_alone(colour: str, expected: tuple[str, str, str]) -> None:
    assert severity_urgency_certainty(colour, None) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("level", "severity"), [("I", "Extreme"), ("II", "Severe"), ("III", "Moderate"), ("IV", "Minor")]
)
def test_each_response_level_alone_is_under_way_and_observed(level: str, severity: str) -> None:
    assert severity_urgency_certainty(None, level) == (severity, "Immediate", "Observed")  # type: ignore[arg-type]


def test_with_both_each_axis_takes_the_stronger() -> None:
    # a government may respond above the warning level: blue warning, level-I response
    assert severity_urgency_certainty("blue", "I") == ("Extreme", "Immediate", "Observed")
    # and below it: red warning, level-IV response keeps the red severity
    assert severity_urgency_certainty("red", "IV") == ("Extreme", "Immediate", "Observed")


def test_neither_is_unknown() -> None:
    assert severity_urgency_certainty(None, None) == ("Unknown", "Unknown", "Unknown")


def test_unknown_colour_suggests_a_known_one() -> None:
    with pytest.raises(ValueError, match=r"colour: 'orage' is not a warning colour; did you mean 'orange'\?"):
        severity_urgency_certainty("orage", None)  # type: ignore[arg-type]


def test_shipped_mapping_reads_as_documented() -> None:
    m = default_mapping()
    assert m.offset.utcoffset(None) == timedelta(hours=8)
    assert m.national_code == {"red": "Red", "orange": "Orange", "yellow": "Yellow", "blue": "Blue"}
    assert m.event_grades == ("特别重大", "重大", "较大", "一般")
    assert (m.warning_level_name, m.response_level_name, m.event_grade_name) == (
        "预警级别",
        "响应级别",
        "事件分级",
    )
    assert m.category("11B03") == "Met"
    assert m.category("21A01") == "Other"
    assert m.colour_of_national_code("Yellow") == "yellow"


def test_longest_prefix_wins() -> None:
    text = SHIPPED.replace('    "11B": Met', '    "11B": Met\n    "11B01": Geo\n    "1": Safety')
    m = parse_cap_mapping(text, source="t.yaml")
    assert (m.category("11B01"), m.category("11B03"), m.category("12A"), m.category("2")) == (
        "Geo",
        "Met",
        "Safety",
        "Other",
    )


def test_load_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "cap_mapping.yaml"
    path.write_text(SHIPPED.replace('utc_offset: "+08:00"', 'utc_offset: "+05:30"'), encoding="utf-8")
    m = load_cap_mapping(path)
    assert m.offset.utcoffset(None) == timedelta(hours=5, minutes=30)
    assert m.source == str(path)


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_unknown_key_names_file_line_and_suggests() -> None:
    text = SHIPPED.replace("no_level:", "no_levle:")
    with pytest.raises(ValueError) as err:
        parse_cap_mapping(text, source="cap_mapping.yaml")
    assert f"cap_mapping.yaml:{_line_of(text, 'no_levle:')}: no_levle: Extra inputs" in str(err.value)
    assert "; did you mean 'no_level'" in str(err.value)


def test_bad_value_names_the_nested_key_and_suggests() -> None:
    text = SHIPPED.replace("severity: Severe,   urgency: Immediate, certainty: Likely", "severity: Sever")
    with pytest.raises(ValueError) as err:
        parse_cap_mapping(text, source="m.yaml")
    msg = str(err.value)
    assert f"m.yaml:{_line_of(text, 'orange:')}: warning_levels.orange.severity:" in msg
    assert "; did you mean 'Severe'" in msg


def test_a_mapping_with_three_errors_gets_three_each_with_its_line() -> None:
    text = (
        SHIPPED.replace("severity: Extreme,", "severity: Extrem,", 1)
        .replace("severity: Severe,   urgency: Immediate", "severity: Severe,   urgency: Now", 1)
        .replace("level: 4,", "level: four,", 1)
    )
    with pytest.raises(ValueError) as err:
        parse_cap_mapping(text, source="m.yaml")
    said = str(err.value).splitlines()
    assert [row.split(": ")[0] for row in said] == [
        f"m.yaml:{_line_of(text, 'red:')}",
        f"m.yaml:{_line_of(text, 'orange:')}",
        f"m.yaml:{_line_of(text, 'blue:')}",
    ], said
    assert "did you mean 'Extreme'" in said[0] and "urgency" in said[1] and "level" in said[2]


def test_unknown_colour_key_is_refused() -> None:
    text = SHIPPED.replace("  blue:   {", "  bleu:   {")
    with pytest.raises(ValueError, match=r"warning_levels.bleu: .*; did you mean 'blue'\?"):
        parse_cap_mapping(text, source="m.yaml")


def test_missing_colour_is_refused() -> None:
    text = "\n".join(line for line in SHIPPED.splitlines() if not line.startswith("  blue:"))
    with pytest.raises(ValueError, match=r"m.yaml:\d+: \(top\): .*warning_levels lacks \['blue'\]"):
        parse_cap_mapping(text, source="m.yaml")


def test_repeated_parameter_names_are_refused() -> None:
    text = SHIPPED.replace('event_grade: "事件分级"', 'event_grade: "预警级别"')
    with pytest.raises(ValueError, match=r"parameter_names: .*three different names"):
        parse_cap_mapping(text, source="m.yaml")


def test_broken_yaml_names_the_file() -> None:
    with pytest.raises(ValueError, match=r"^m.yaml:\d+: not valid YAML"):
        parse_cap_mapping("utc_offset: [", source="m.yaml")
