"""Bad input on the Kafka entry point: mutated and generated payloads through decode → ingest → theater.

Every input must come out accepted or rejected with a reason a person can act on; no stage may raise. Accepted
records go on through the theater step (fusion, playbooks, dispatch), so a value that is valid on the wire but
absurd in the world (a year-9999 time, a point at the pole) is exercised all the way. Each test prints how
many inputs it tried (run with -s to see it).
"""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ebrain.compose import Core
from streams import ingest, theater
from streams.theater import TheaterState
from streams.wire import codec, contract, topics
from streams.wire.codec import Rejected
from streams.wire.records import Tick
from tests.faults.mutation import mutate_json
from tests.faults.seeds import MESSAGES, TOPIC

MUTANTS_PER_TYPE = 1000
FAR_FUTURE_MS = 253_402_300_799_000  # 9999-12-31T23:59:59Z: the latest time the contract's format can carry


def home(topic: str, raw: bytes) -> int:
    """The partition a producer with Kafka's default partitioner puts a message on (by its documented key)."""
    spec = topics.source(topic)
    decoded = codec.decode_or_reason(raw)
    keyed = None if isinstance(decoded, str) else topics.key_of(spec, decoded)
    return 0 if keyed is None else topics.partition_for(keyed[1], spec.partitions)


class Pipeline:
    """The steps of one worker, fed one raw message at a time; raises only when a stage itself fails."""

    def __init__(self, core: Core) -> None:
        self.ctx = core.ingest
        # any tick releases the reorder buffer: the fuzzer checks processing, not watermark bookkeeping
        self.theater_ctx = replace(core.theater, tick_sources=())
        self.fleet = core.initial_fleet
        self.parts = {
            (spec.name, p): ingest.IngestPartition.new(spec.name, p, self.ctx)
            for spec in topics.SOURCES
            for p in range(spec.partitions)
        }
        self.state = TheaterState(fleet=self.fleet)
        self.tried = self.accepted = self.rejected = 0
        self.offset = 0

    def feed(self, topic: str, raw: bytes) -> list[Rejected]:
        part = self.parts[(topic, home(topic, raw))]
        before = part.counts.as_tuple()
        self.offset += 1
        _, routed = ingest.step(part, raw, self.offset, self.ctx)
        self.tried += 1
        counts = part.counts
        assert counts.received == counts.accepted + counts.rejected, f"counts drifted after {raw[:300]!r}"
        if part.counts.as_tuple() == before:  # only a gateway batch of no readings carries nothing to count
            assert routed == [] and b'"readings"' in raw, f"the input left no trace in the counts: {raw[:300]!r}"
        rejected = [r for r in routed if isinstance(r, Rejected)]
        for r in rejected:
            assert isinstance(r.reason, str) and len(r.reason.strip()) >= 8, f"no reason for {raw[:300]!r}"
            assert r.raw == raw, "a dead letter must carry the original bytes"
            assert r.to_dead_letter()  # and it must be writable to the dead-letter topic
        self.rejected += len(rejected)
        for item in routed:
            if not isinstance(item, Rejected):
                self.accepted += 1
                theater.step(self.state, item, self.theater_ctx)
        return rejected

    def flush(self) -> None:
        """Release whatever the theater holds and fire every timer, as the end of time would."""
        theater.step(self.state, Tick(FAR_FUTURE_MS, "fuzz"), self.theater_ctx)
        self.state = TheaterState(fleet=self.fleet)


def test_seeds_are_valid_messages(core: Core) -> None:
    pipeline = Pipeline(core)
    for kind, message in MESSAGES.items():
        rejected = pipeline.feed(TOPIC.get(kind, "ingest.agency"), json.dumps(message).encode())
        assert not rejected, f"the seed {kind} is refused: {rejected[0].reason}"
    assert {contract.type_tag(cls) for cls in contract.WIRE_TYPES} == set(MESSAGES)


def test_invalid_utf8_is_rejected_with_a_reason(core: Core) -> None:
    rejected = Pipeline(core).feed("ingest.hotline", seeds_raw_with(b"\xb1"))
    assert [r.reason for r in rejected] == [
        "hotline.work_order: the payload must be UTF-8: byte 0xb1 at offset 334 is not UTF-8 (invalid start byte)"
    ]


def seeds_raw_with(junk: bytes) -> bytes:
    return json.dumps(MESSAGES["hotline.work_order"], ensure_ascii=False).encode().replace("燕郊".encode(), junk, 1)


def test_mutated_messages_are_processed_or_rejected_with_a_reason(core: Core) -> None:
    pipeline = Pipeline(core)
    rng = random.Random(20240313)
    reasons: dict[str, int] = {}
    for kind, message in MESSAGES.items():
        topic = TOPIC.get(kind, "ingest.agency")
        for n in range(MUTANTS_PER_TYPE):
            seed = dict(message)
            if "event_id" in seed:
                seed["event_id"] = f"{seed['event_id']}-{n}"  # so mutants are not merely duplicates of each other
            raw = mutate_json(json.dumps(seed, ensure_ascii=False).encode(), rng)
            try:
                for r in pipeline.feed(topic, raw):
                    head = r.reason.split(":")[0][:40]
                    reasons[head] = reasons.get(head, 0) + 1
            except AssertionError:
                raise
            except Exception as exc:
                pytest.fail(f"{kind} mutant #{n} crashed the pipeline: {exc!r}\ninput: {raw[:600]!r}")
            if n % 100 == 99:
                pipeline.flush()
    pipeline.flush()
    print(
        f"\nwire fuzz (mutation): {pipeline.tried} inputs, {pipeline.accepted} records accepted, "
        f"{pipeline.rejected} rejected with a reason, 0 crashes; commonest reasons: "
        f"{sorted(reasons.items(), key=lambda kv: -kv[1])[:5]}"
    )
    assert pipeline.rejected > pipeline.tried // 4, "the mutator hardly broke anything: it is not testing much"
    assert pipeline.accepted > 0, "nothing survived mutation: deep stages were never reached"


def _json_values() -> st.SearchStrategy[object]:
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=6,
    )


def _field_names() -> list[str]:
    names = {"type", "schema_version"}
    for cls in contract.WIRE_TYPES:
        names.update(cls.__struct_fields__)
    return sorted(names)


# Messages built from the contract's own field names and tags, with values of any JSON type.
_MESSAGES = st.builds(
    lambda tag, version, fields: {"type": tag, "schema_version": version, **fields},
    st.sampled_from(sorted(MESSAGES)) | st.text(max_size=12),
    st.sampled_from(["1.0", "1.1", "2.0", "", "1"]),
    st.dictionaries(st.sampled_from(_field_names()), _json_values(), max_size=8),
)


def _with_one_field(kind: str, field: str, value: object) -> dict[str, object]:
    message = dict(MESSAGES[kind])
    message[field] = value
    return message


# A valid message with one field given a generated value: most pass decoding and reach the theater.
_ONE_FIELD = st.sampled_from(sorted(MESSAGES)).flatmap(
    lambda kind: st.builds(
        _with_one_field,
        st.just(kind),
        st.sampled_from(sorted(set(MESSAGES[kind]) - {"type"})),
        _json_values() | st.floats() | st.text(max_size=300),
    )
)
_TOPICS = st.sampled_from([spec.name for spec in topics.SOURCES])


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


@_settings(200)
@given(message=_MESSAGES, topic=_TOPICS)
def test_generated_messages_never_crash_a_stage(core: Core, message: dict[str, object], topic: str) -> None:
    _generated.feed(core, topic, json.dumps(message).encode())


@_settings(200)
@given(message=_ONE_FIELD)
def test_messages_with_one_generated_field_never_crash_a_stage(core: Core, message: dict[str, object]) -> None:
    kind = str(message["type"])
    message["event_id"] = f"gen-{_generated.count()}"
    _generated.feed(core, TOPIC.get(kind, "ingest.agency"), json.dumps(message, allow_nan=True).encode())


@_settings(200)
@given(raw=st.binary(max_size=300), topic=_TOPICS)
def test_arbitrary_bytes_never_crash_a_stage(core: Core, raw: bytes, topic: str) -> None:
    _generated.feed(core, topic, raw)


class _Shared:
    """One pipeline across a hypothesis run (building a theater per example would dominate the time)."""

    def __init__(self) -> None:
        self.pipeline: Pipeline | None = None

    def count(self) -> int:
        return self.pipeline.tried if self.pipeline is not None else 0

    def feed(self, core: Core, topic: str, raw: bytes) -> None:
        if self.pipeline is None:
            self.pipeline = Pipeline(core)
        self.pipeline.feed(topic, raw)
        if self.pipeline.tried % 200 == 0:
            self.pipeline.flush()


_generated = _Shared()


def test_generated_inputs_report(core: Core) -> None:
    """Runs after the two property tests in this file: prints what they tried (pytest keeps file order)."""
    pipeline = _generated.pipeline
    if pipeline is None:
        pytest.skip("the property tests did not run in this session")
    pipeline.flush()
    print(
        f"\nwire fuzz (property-based): {pipeline.tried} inputs, {pipeline.accepted} records accepted, "
        f"{pipeline.rejected} rejected with a reason, 0 crashes"
    )
    assert pipeline.tried >= 600
    assert pipeline.accepted > 0, "no generated input reached the theater"
