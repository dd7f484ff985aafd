"""Event time as people read it: local clock time in Asia/Shanghai and relative times, never epoch ms."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from streams.words.clock import clock, clock_and_relative, relative, span

CST = timezone(timedelta(hours=8))
T0 = int(datetime(2024, 3, 13, 7, 54, tzinfo=CST).timestamp() * 1000)
MIN = 60_000


def test_clock_time_is_local_and_names_the_date_only_on_another_day() -> None:
    assert clock(T0, "zh", T0) == "07:54"
    assert clock(T0 + 20 * 60 * MIN, "zh", T0) == "3月14日 03:54"
    assert clock(T0 + 20 * 60 * MIN, "en", T0) == "14 Mar 03:54"


def test_relative_times_in_both_languages() -> None:
    assert relative(T0 + 12 * MIN, T0, "zh") == "12 分钟后"
    assert relative(T0 + 12 * MIN, T0, "en") == "in 12 min"
    assert relative(T0 - 65 * MIN, T0, "en") == "1 h 5 min ago"
    assert relative(T0 + 10_000, T0, "zh") == "现在"
    assert span(3 * 24 * 60 * MIN + 4 * 60 * MIN + 7 * MIN, "en") == "3 d 4 h"
    assert clock_and_relative(T0 + 15 * MIN, T0, "zh") == "08:09（15 分钟后）"
