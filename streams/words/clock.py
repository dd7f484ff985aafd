"""Event time as people read it: local clock time in Asia/Shanghai and "in 12 min" / "12 分钟后".

Relative times are computed from the event time of what is being said (a delta's `at_ms`), never from the
wall clock, so a replay reads the same every time. A clock time names the date only when it is not the day
of `now_ms`.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Shanghai")
MINUTE_MS = 60_000


def _local(at_ms: int) -> datetime:
    return datetime.fromtimestamp(at_ms / 1000, tz=ZONE)


def clock(at_ms: int, lang: str, now_ms: int | None = None) -> str:
    """`07:54`, or with the date when it is another day than `now_ms`: `3月13日 07:54` / `13 Mar 07:54`."""
    when = _local(at_ms)
    time = when.strftime("%H:%M")
    if now_ms is not None and _local(now_ms).date() == when.date():
        return time
    if lang == "zh":
        return f"{when.month}月{when.day}日 {time}"
    return f"{when.day} {when.strftime('%b')} {time}"


def full_date(at_ms: int, lang: str) -> str:
    """`2024年3月13日 07:54` / `13 Mar 2024 07:54`."""
    when = _local(at_ms)
    if lang == "zh":
        return f"{when.year}年{when.month}月{when.day}日 {when.strftime('%H:%M')}"
    return f"{when.day} {when.strftime('%b')} {when.year} {when.strftime('%H:%M')}"


def span(ms: int, lang: str) -> str:
    """A duration: `12 分钟`, `2 小时 5 分钟` / `12 min`, `2 h 5 min`, `3 d 4 h`."""
    minutes = round(abs(ms) / MINUTE_MS)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if lang == "zh":
        parts = [f"{days} 天" if days else "", f"{hours} 小时" if hours else "", f"{mins} 分钟" if mins else ""]
        if days:
            parts[2] = ""
        return " ".join(p for p in parts if p) or "不到 1 分钟"
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{mins} min" if mins else ""]
    if days:
        parts[2] = ""
    return " ".join(p for p in parts if p) or "under a minute"


def relative(at_ms: int, now_ms: int, lang: str) -> str:
    """`in 12 min` / `12 分钟后`, `5 min ago` / `5 分钟前`, `now` / `现在`."""
    delta = at_ms - now_ms
    if abs(delta) < 30_000:
        return "现在" if lang == "zh" else "now"
    if lang == "zh":
        return f"{span(delta, lang)}{'后' if delta > 0 else '前'}"
    return f"in {span(delta, lang)}" if delta > 0 else f"{span(delta, lang)} ago"


def clock_and_relative(at_ms: int, now_ms: int, lang: str) -> str:
    """`08:09（15 分钟后）` / `08:09 (in 15 min)`."""
    if lang == "zh":
        return f"{clock(at_ms, lang, now_ms)}（{relative(at_ms, now_ms, lang)}）"
    return f"{clock(at_ms, lang, now_ms)} ({relative(at_ms, now_ms, lang)})"
