"""Tokens → centres, from a file, the environment or the demo set; errors say where."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard_api.access import AccessPolicy, SharingPolicy, parse_centre
from geo.regions import RegionIndex

from .conftest import TOKENS


def test_demo_set_has_joint_three_provinces_and_a_county(access: AccessPolicy) -> None:
    centres = {row["centre"] for row in access.listing()}
    assert centres == {"joint", "110000", "120000", "130000", "131082"}
    sanhe = access.authenticate(TOKENS["sanhe"])
    assert sanhe is not None
    assert (sanhe.centre.kind, sanhe.centre.province, sanhe.centre.county) == ("county", "130000", "131082")
    joint = access.authenticate(TOKENS["joint"])
    assert joint is not None and joint.personal == "none" and joint.can_control_replay
    beijing = access.authenticate(TOKENS["beijing"])
    assert beijing is not None and beijing.personal == "own" and not beijing.can_control_replay


def test_unknown_or_missing_token_is_nobody(access: AccessPolicy) -> None:
    assert access.authenticate("demo-joint-3f9c1a7f") is None
    assert access.authenticate("") is None
    assert access.authenticate(None) is None


def test_from_file_reads_yaml_and_per_token_overrides(tmp_path: Path) -> None:
    path = tmp_path / "tokens.yaml"
    path.write_text(
        "tokens:\n"
        "  - token: joint-with-personal-01\n"
        "    name: 联合研判员\n"
        "    centre: joint\n"
        "    personal: all\n"
        "  - token: tianjin-replay-000001\n"
        "    name: 天津演练员\n"
        '    centre: "120000"\n'
        "    replay: true\n",
        encoding="utf-8",
    )
    policy = AccessPolicy.from_file(path)
    joint = policy.authenticate("joint-with-personal-01")
    tianjin = policy.authenticate("tianjin-replay-000001")
    assert joint is not None and joint.sees_personal_of("110000")
    assert tianjin is not None and tianjin.can_control_replay and not tianjin.sees_personal_of("110000")


def test_file_errors_name_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "tokens.yaml"
    path.write_text("tokens:\n  - token: abcdefghijklmnop\n    name: x\n    centre: joint\n    role: admin\n")
    with pytest.raises(ValueError, match=r"tokens\.yaml:5: tokens\.0\.role: Extra inputs"):
        AccessPolicy.from_file(path)
    path.write_text("tokens:\n  - token: short\n    name: x\n    centre: joint\n")
    with pytest.raises(ValueError, match=r"tokens\.yaml:2: tokens\.0\.token"):
        AccessPolicy.from_file(path)


def test_an_unknown_centre_gets_a_did_you_mean(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps({"tokens": [{"token": "abcdefghijklmnop", "name": "x", "centre": "jiont"}]}))
    with pytest.raises(ValueError, match=r"tokens\.0\.centre: centre 'jiont' .*did you mean 'joint'"):
        AccessPolicy.from_file(path)


def test_duplicate_tokens_are_refused(tmp_path: Path) -> None:
    entry = {"token": "abcdefghijklmnop", "name": "x", "centre": "joint"}
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps({"tokens": [entry, {**entry, "name": "y"}]}))
    with pytest.raises(ValueError, match=r"tokens 0 and 1 .* have the same token"):
        AccessPolicy.from_file(path)


def test_from_env_takes_the_same_shape_or_a_bare_list() -> None:
    entries = [{"token": "env-token-0000001", "name": "北京", "centre": "110000"}]
    for value in (json.dumps({"tokens": entries}), json.dumps(entries)):
        viewer = AccessPolicy.from_env(environ={"EBRAIN_TOKENS": value}).authenticate("env-token-0000001")
        assert viewer is not None and viewer.centre.code == "110000"
    with pytest.raises(ValueError, match="EBRAIN_TOKENS is not set"):
        AccessPolicy.from_env(environ={})
    with pytest.raises(ValueError, match="EBRAIN_TOKENS: not valid JSON at line 1"):
        AccessPolicy.from_env(environ={"EBRAIN_TOKENS": "{tokens"})
    with pytest.raises(ValueError, match=r"EBRAIN_TOKENS: tokens\.0\.name"):
        AccessPolicy.from_env(environ={"EBRAIN_TOKENS": json.dumps([{"token": "abcdefghijklmnop", "centre": "joint"}])})


def test_check_refuses_a_county_that_is_not_in_the_theater(regions: RegionIndex, tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps({"tokens": [{"token": "abcdefghijklmnop", "name": "x", "centre": "131083"}]}))
    policy = AccessPolicy.from_file(path)
    with pytest.raises(
        ValueError, match=r"token of 'x': centre '131083' is not a county unit; did you mean .*'131082'"
    ):
        policy.check(regions)


def test_parse_centre_kinds() -> None:
    sharing = SharingPolicy.load()
    assert parse_centre("joint", sharing).kind == "joint"
    assert parse_centre("120000", sharing).province == "120000"
    assert parse_centre("110112", sharing).county == "110112"
    with pytest.raises(ValueError, match="did you mean '130000'"):
        parse_centre("130001x", sharing)
