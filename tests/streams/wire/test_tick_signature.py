"""Ticks only the clock can write: a signature over topic, partition and time, made and checked with one key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from streams.wire.tick_signature import MIN_KEY_CHARS, TickKey, refusal

KEY = TickKey(b"k" * MIN_KEY_CHARS)
AT = 1_710_287_640_123  # 2024-03-13T07:54:00.123+08:00


def test_a_tick_the_clock_signed_is_taken() -> None:
    assert refusal(KEY, "ingest.hotline", 1, AT, KEY.sign("ingest.hotline", 1, AT)) is None


def test_without_a_key_every_tick_is_taken() -> None:
    assert refusal(None, "ingest.hotline", 1, AT, "") is None


@pytest.mark.parametrize(
    ("what", "signature"),
    [
        ("another key", TickKey(b"x" * MIN_KEY_CHARS).sign("ingest.hotline", 1, AT)),
        ("another time", KEY.sign("ingest.hotline", 1, AT - 1)),
        ("another partition", KEY.sign("ingest.hotline", 0, AT)),
        ("another topic", KEY.sign("ingest.agency", 1, AT)),
        ("not hex at all", "forged"),
    ],
)
def test_a_tick_signed_otherwise_is_refused_with_what_was_checked(what: str, signature: str) -> None:
    reason = refusal(KEY, "ingest.hotline", 1, AT, signature)
    assert reason is not None, what
    assert reason.startswith("a tick must be signed by the clock: the signature does not match a tick at ")
    assert "2024-03-13T07:54:00+08:00 on ingest.hotline/1" in reason


def test_an_unsigned_tick_is_refused_where_a_key_is_required() -> None:
    reason = refusal(KEY, "ingest.sensor", 3, AT, "")
    assert reason == (
        "a tick must be signed by the clock: this tick on ingest.sensor/3 has no signature; only "
        "`ebrain clock --tick-key` writes ticks here"
    )


def test_the_key_file_is_its_owners_only_and_long_enough(tmp_path: Path) -> None:
    path = tmp_path / "tick.key"
    path.write_text("s" * MIN_KEY_CHARS + "\n")
    os.chmod(path, 0o644)
    with pytest.raises(ValueError, match=r"tick key file is readable by others .*chmod 600"):
        TickKey.from_file(path)
    os.chmod(path, 0o600)
    assert TickKey.from_file(path) == TickKey(b"s" * MIN_KEY_CHARS)  # the line's end is not part of the key
    path.write_text("short\n")
    with pytest.raises(ValueError, match=r"the tick key is 5 characters, at least 32; make one: python -c"):
        TickKey.from_file(path)
    assert "s" * MIN_KEY_CHARS not in repr(TickKey(b"s" * MIN_KEY_CHARS))
