"""Ticks only the clock can write: an HMAC-SHA256 signature over the tick's partition and time.

Kafka authorizes per topic, not per record, so an agency that may write its own input topic could put a tick on its
partitions too, and move their clocks (the time their de-duplication window and future-skew check judge by). A tick
therefore carries a signature made with a key that only the clock and the workers read (a secrets file, mode 600):
HMAC-SHA256 over the logical topic, the partition and the tick's time in milliseconds, so a signed tick cannot be
moved to another partition or to another time. A worker given the key rejects every tick that is unsigned or
wrongly signed, with the reason, and it moves nothing; a worker without a key (the open development broker,
replays and drills in scenario time) takes ticks as they come.

Pure: the key comes in as bytes; reading it from its file is `TickKey.from_file`, at the composition root.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from pathlib import Path

from streams.wire.private_file import read_private
from streams.wire.timefmt import format_time_ms

MIN_KEY_CHARS = 32
MAKE_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(32))" > FILE && chmod 600 FILE'
_REASON = "a tick must be signed by the clock"


@dataclass(frozen=True)
class TickKey:
    secret: bytes = field(repr=False)  # never printed, even in a traceback

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_KEY_CHARS:
            raise ValueError(f"tick key: {len(self.secret)} characters, at least {MIN_KEY_CHARS} are needed")

    @classmethod
    def from_file(cls, path: Path) -> TickKey:
        """The key is the file's text (surrounding blanks ignored); the file must be readable by its owner only."""
        text = read_private(path, "tick key file").strip()
        if len(text) < MIN_KEY_CHARS:
            raise ValueError(
                f"{path}: the tick key is {len(text)} characters, at least {MIN_KEY_CHARS}; make one: {MAKE_KEY}"
            )
        return cls(text.encode())

    def sign(self, topic: str, partition: int, at_ms: int) -> str:
        """The signature of a tick at `at_ms` on `topic` (logical name, without the prefix) / `partition`."""
        message = f"{topic}/{partition}@{at_ms}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()


def refusal(key: TickKey | None, topic: str, partition: int, at_ms: int, signature: str) -> str | None:
    """Why a tick on `topic`/`partition` is not the clock's (None: it is, or no key is required here)."""
    if key is None:
        return None
    where = f"{topic}/{partition}"
    if not signature:
        return f"{_REASON}: this tick on {where} has no signature; only `ebrain clock --tick-key` writes ticks here"
    if hmac.compare_digest(key.sign(topic, partition, at_ms), signature):
        return None
    return (
        f"{_REASON}: the signature does not match a tick at {format_time_ms(at_ms)} on {where} (made with another "
        "key, or for another partition or time); only `ebrain clock --tick-key` writes ticks here"
    )
