"""Event time on the wire is ISO 8601 with an explicit offset; inside it is integer epoch milliseconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")


def parse_time_ms(value: str, field: str) -> int:
    """Parse an ISO 8601 time that names its offset; a naive time is ambiguous and rejected."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{field}: {value!r} is not an ISO 8601 time (e.g. 2024-03-13T07:54:00+08:00)") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{field}: {value!r} has no UTC offset; add one, e.g. +08:00")
    return int(parsed.timestamp() * 1000)


def format_time_ms(at_ms: int) -> str:
    """Render event time in China Standard Time with its offset, the form command centres read."""
    return datetime.fromtimestamp(at_ms / 1000, tz=CST).isoformat(timespec="seconds")


def format_utc_ms(at_ms: int) -> str:
    return datetime.fromtimestamp(at_ms / 1000, tz=UTC).isoformat(timespec="seconds")
