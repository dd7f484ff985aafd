"""Shipped playbook hotline_surge: cluster size against each hotline's own bounds, then standing down."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from playbooks.plan import Playbook
from tests.playbooks.conftest import dry_run, whats

CST = timezone(timedelta(hours=8))


def calls(n: int, province: str, adcode: str, every_s: int = 30) -> list[dict[str, object]]:
    start = datetime(2023, 7, 31, 8, 0, tzinfo=CST)
    return [
        {
            "at": (start + timedelta(seconds=i * every_s)).isoformat(),
            "kind": "call:roof_leak",
            "source": "hotline",
            "province": province,
            "adcode": adcode,
        }
        for i in range(n)
    ]


def test_beijing_bounds_are_higher_than_the_national_ones(shipped: Callable[[str], Playbook]) -> None:
    beijing = dry_run(shipped("hotline_surge"), calls(60, "110000", "110111"), "roof_leak_cluster")
    hebei = dry_run(shipped("hotline_surge"), calls(60, "130000", "130681"), "roof_leak_cluster")
    assert beijing.incident is not None and hebei.incident is not None
    assert beijing.incident.response_level == "IV"  # 60 ≥ Beijing yellow 30, < orange 100
    assert hebei.incident.response_level == "III"  # 60 ≥ national orange 50
    assert hebei.incident.stage == "during" and beijing.incident.stage == "before"
    assert "rule fast-arrivals fired" in whats(beijing)


def test_three_quiet_hours_stand_down(shipped: Callable[[str], Playbook]) -> None:
    events = [*calls(25, "130000", "130681"), {"at": "2023-07-31T12:00:00+08:00", "command": "tick"}]
    dry = dry_run(shipped("hotline_surge"), events, "roof_leak_cluster")
    assert dry.incident is not None
    assert [w for w in whats(dry) if w.startswith("response_level")] == ["response_level -→IV", "response_level IV→-"]
    assert dry.incident.stage == "after"
