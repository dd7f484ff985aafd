"""Scenario time as people write and read it: offsets from T0 such as +1h30m, -14m, +90s, and T+h:mm."""

from __future__ import annotations

import re

_OFFSET = re.compile(r"^([+-]?)(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def parse_offset(text: object) -> int:
    """ "+1h30m", "-14m", "0m", "+906m", "15m" → milliseconds."""
    match = _OFFSET.match(str(text).strip())
    if match is None or not any(match.group(i) for i in (2, 3, 4)):
        raise ValueError(f"{text!r} is not an offset like +1h30m, -14m or +90s")
    sign = -1 if match.group(1) == "-" else 1
    hours, minutes, seconds = (int(match.group(i) or 0) for i in (2, 3, 4))
    return sign * ((hours * 60 + minutes) * 60 + seconds) * 1000


def offset_text(at_ms: int, t0_ms: int) -> str:
    """Event time as T±h:mm from T0, rounded to the minute."""
    minutes = round((at_ms - t0_ms) / 60_000)
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"T{sign}{hours}:{mins:02d}"
