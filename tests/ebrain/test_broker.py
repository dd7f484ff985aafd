"""The broker manager's pure parts: cluster ids as Kafka makes them."""

from __future__ import annotations

import base64
import uuid

import pytest

from ebrain import broker


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "==")


def test_cluster_ids_never_start_with_a_dash_and_are_random_v4_uuids() -> None:
    ids = [broker._new_cluster_id() for _ in range(20_000)]
    assert not [i for i in ids if i.startswith("-")]
    assert all(len(i) == 22 for i in ids)
    assert all(uuid.UUID(bytes=_decode(i)).version == 4 for i in ids)
    assert len(set(ids)) == len(ids)
    # 20,000 draws give ~310 ids starting with "_" (the other character of index 62..63): the first character
    # is spread over the alphabet, so the redraw is not hiding a skewed generator.
    assert sum(i.startswith("_") for i in ids) > 150


def test_an_id_that_would_start_with_a_dash_or_is_reserved_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    dash = uuid.UUID(bytes=b"\xf8" + bytes(15))  # 0b111110.. encodes as "-" first
    zero = uuid.UUID(bytes=bytes(16))
    metadata_topic = uuid.UUID(bytes=bytes(15) + b"\x01")
    fine = uuid.UUID("0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0")
    draws = iter([dash, zero, metadata_topic, fine])
    monkeypatch.setattr(broker.uuid, "uuid4", lambda: next(draws))
    assert base64.urlsafe_b64encode(dash.bytes).decode().startswith("-")
    assert broker._new_cluster_id() == base64.urlsafe_b64encode(fine.bytes).rstrip(b"=").decode()
