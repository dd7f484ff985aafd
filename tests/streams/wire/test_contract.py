"""The contract's models: the examples in docs/contract.md decode and normalise, and the rules hold."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest

from ebrain.compose import Core
from streams.ingest.normalize import normalize
from streams.wire import codec, contract
from streams.wire.codec import Origin, Rejected

DOC = Path(__file__).resolve().parents[3] / "docs" / "contract.md"
ORIGIN = Origin("test", 0, 0)


def doc_examples() -> dict[str, bytes]:
    """The JSON block under each `### <type>` heading of docs/contract.md."""
    text = DOC.read_text(encoding="utf-8")
    found: dict[str, bytes] = {}
    for match in re.finditer(r"^### (\S+)\n\n```json\n(.*?)\n```", text, flags=re.S | re.M):
        found[match.group(1)] = match.group(2).encode("utf-8")
    return found


def test_the_doc_has_one_example_per_message_type() -> None:
    assert set(doc_examples()) == {contract.type_tag(cls) for cls in contract.WIRE_TYPES}


@pytest.mark.parametrize("tag", sorted(contract.type_tag(cls) for cls in contract.WIRE_TYPES))
def test_each_doc_example_is_accepted_end_to_end(tag: str, core: Core) -> None:
    raw = doc_examples()[tag]
    message = codec.decode(raw, ORIGIN)
    assert not isinstance(message, Rejected), message.reason
    assert contract.type_tag(type(message)) == tag
    assert message.schema_version == contract.CURRENT_VERSION
    records = list(normalize(core.ingest.normalize, message, raw, ORIGIN))
    rejected = [r.reason for r in records if isinstance(r, Rejected)]
    assert records and not rejected


def test_encode_then_decode_gives_the_same_message() -> None:
    for raw in doc_examples().values():
        message = codec.decode(raw, ORIGIN)
        assert not isinstance(message, Rejected)
        assert codec.decode(codec.encode(message), ORIGIN) == message


@pytest.mark.parametrize(
    "device_id",
    ["LL-131082-GAS-000417", "LL-110109-RAIN-1", "LL-120101-BRIDGE-A7b9", "LL-130102-PRESS-0123456789abcdef"],
)
def test_device_ids_in_the_unified_code_are_accepted(device_id: str) -> None:
    assert re.fullmatch(contract.DEVICE_ID_PATTERN, device_id)


@pytest.mark.parametrize(
    "device_id",
    [
        "gas-417",
        "LL-13108-GAS-1",
        "LL-031082-GAS-1",
        "LL-131082-gas-1",
        "LL-131082-G-1",
        "LL-131082-GAS-",
        "LL-131082-GAS-1 ",
    ],
)
def test_other_device_ids_are_rejected_naming_the_field(device_id: str, core: Core) -> None:
    raw = doc_examples()["sensor.reading"].replace(b'LL-131082-GAS-000417"', device_id.encode() + b'"')
    message = codec.decode(raw, ORIGIN)
    assert isinstance(message, contract.SensorReading)
    (rejected,) = normalize(core.ingest.normalize, message, raw, ORIGIN)
    assert isinstance(rejected, Rejected)
    assert f"device_id: {device_id!r} is not a unified device code" in rejected.reason


def test_every_kind_has_a_device_code_that_fits_the_pattern() -> None:
    kinds = set(contract.SensorKind.__args__)  # type: ignore[attr-defined]
    assert set(contract.DEVICE_KIND_CODES) == kinds
    for code in contract.DEVICE_KIND_CODES.values():
        assert re.fullmatch(contract.DEVICE_ID_PATTERN, f"LL-110101-{code}-1")


def test_optional_fields_may_be_left_out() -> None:
    reading = msgspec.json.decode(doc_examples()["sensor.reading"])
    del reading["interval_s"]
    reading["position"].pop("crs")
    decoded = codec.decode(msgspec.json.encode(reading), ORIGIN)
    assert isinstance(decoded, contract.SensorReading)
    assert (decoded.interval_s, decoded.position.crs) == (60, "WGS84")
