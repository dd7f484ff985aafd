"""A clock tick on the wire, as the physical-limit tests send it."""

from __future__ import annotations

from streams.wire.timefmt import format_time_ms
from tests.streams.ingest.ingest_kit import raw


def tick(at_ms: int) -> bytes:
    return raw({"type": "tick", "schema_version": "1.0", "at": format_time_ms(at_ms)})
