"""The ingest stage: every input ends accepted or rejected with a reason, and the counts always reconcile."""

from __future__ import annotations

import asyncio
import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from ebrain.compose import Core, embedded_runtime
from streams import ingest, theater
from streams.wire import topics
from streams.wire.codec import Rejected
from streams.wire.records import Counts, Signal, Tick
from streams.wire.tick_signature import TickKey
from streams.wire.timefmt import format_time_ms
from tests.streams.ingest.ingest_kit import MIN, T0, agency_warning, feed, raw, reading, reconciled


def test_good_bad_and_duplicate_messages_reconcile(core: Core) -> None:
    messages = [
        raw(reading(1, at_ms=T0)),
        raw(reading(2, value=30.0, at_ms=T0 + MIN)),  # orange: a signal
        raw(reading(1, at_ms=T0)),  # the same event again
        b"{not json",
        raw(reading(3, at_ms=T0 + 2 * MIN, position={"lon": 39.9597, "lat": 116.8105})),  # swapped
        raw(reading(4, at_ms=T0 + 3 * MIN, position={"lon": 121.47, "lat": 31.23})),  # Shanghai
        raw({"type": "tick", "schema_version": "1.0", "at": format_time_ms(T0 + 4 * MIN)}),
    ]
    part, out = feed(core, messages)
    assert part.counts.as_dict() == {"received": 6, "accepted": 2, "rejected": 4, "duplicates": 1, "ticks": 1}
    reasons = [r.reason for r in out if isinstance(r, Rejected)]
    assert reasons[0] == "duplicate: event_id 'r1' was already received"
    assert reasons[1].startswith("not a JSON object of the contract")
    assert "looks swapped" in reasons[2]
    assert "outside the Beijing-Tianjin-Hebei theater" in reasons[3]
    assert [r.origin.offset for r in out if isinstance(r, Rejected)] == [2, 3, 4, 5]
    (signal,) = [s for s in out if isinstance(s, Signal)]
    assert (signal.kind, signal.severity) == ("sensor:gas_lel", 3)
    assert out[-1] == Tick(T0 + 4 * MIN, f"ingest.sensor/{part.partition}")


def test_a_gateway_batch_counts_each_reading(core: Core) -> None:
    batch = {
        "type": "sensor.batch",
        "schema_version": "1.0",
        "event_id": "gw-1",
        "gateway_id": "GW-1",
        "readings": [reading(1), reading(2, device="bad-id"), reading(3, device="LL-131082-GAS-000418")],
    }
    part, out = feed(core, [raw(batch)])
    assert part.counts.as_dict() == {"received": 3, "accepted": 2, "rejected": 1, "duplicates": 0, "ticks": 0}
    (rejected,) = out
    assert rejected.reason.startswith("sensor.batch gw-1 readings[1].device_id: 'bad-id' is not a unified device")


def test_gcj02_positions_are_stored_in_wgs84(core: Core) -> None:
    part, _ = feed(core, [raw(reading(1, position={"lon": 116.8167, "lat": 39.9610, "crs": "GCJ02"}))])
    device = part.detector.devices["LL-131082-GAS-000417"]
    assert abs(device.lon - 116.8105) < 0.0015 and abs(device.lat - 39.9597) < 0.0015


def test_the_dedup_window_is_per_topic(core: Core) -> None:
    sensor = ingest.IngestPartition.new("ingest.sensor", 0, core.ingest)
    hotline = ingest.IngestPartition.new("ingest.hotline", 1, core.ingest)
    assert sensor.seen.horizon_ms == core.ingest.dedup.window("ingest.sensor").horizon_ms
    assert hotline.seen.horizon_ms == 24 * 60 * MIN


def test_metrics_text_has_one_series_per_partition() -> None:
    text = ingest.metrics_text(
        {"ingest.sensor/0": Counts(5, 4, 1, 1, 2), "ingest.hotline/1": Counts(1, 1, 0, 0, 0)},
        dead_letters=1,
    )
    assert 'ebrain_ingest_received_total{partition="0",topic="ingest.sensor"} 5.0' in text
    assert 'ebrain_ingest_rejected_total{partition="1",topic="ingest.hotline"} 0.0' in text
    assert "# TYPE ebrain_ingest_accepted_total counter" in text
    assert text.endswith("ebrain_dead_letters_total 1.0\n")
    with_failed = ingest.metrics_text({"ingest.sensor/0": Counts(5, 4, 1, 1, 2)}, dead_letters=1, failed=2)
    assert with_failed.endswith("ebrain_theater_failed_total 2.0\n")
    with_late = ingest.metrics_text({"ingest.sensor/0": Counts(5, 4, 1, 1, 2)}, dead_letters=1, failed=0, late=7)
    assert with_late.endswith("ebrain_theater_late_total 7.0\n")


# --- fuzzing through the whole stage: nothing raises, everything is accounted for ------------------------

COORD = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([116.81, 39.96, 0.0, 200.0, -91.0])
VALUES = st.floats(allow_nan=True, allow_infinity=True) | st.integers() | st.text(max_size=5) | st.none()
READINGS = st.builds(
    lambda n, value, lon, lat, crs, drop, junk: {
        k: v
        for k, v in {
            **reading(n, value=value),  # type: ignore[arg-type]
            "position": {"lon": lon, "lat": lat, "crs": crs},
            **junk,
        }.items()
        if k != drop
    },
    n=st.integers(0, 20),  # small: duplicates are frequent
    value=VALUES,
    lon=COORD,
    lat=COORD,
    crs=st.sampled_from(["WGS84", "GCJ02", "CGCS2000", "wgs84"]),
    drop=st.sampled_from(["", "event_id", "device_id", "value", "observed_at", "position", "kind"]),
    junk=st.dictionaries(st.sampled_from(["kind", "unit", "interval_s", "extra", "device_id"]), VALUES, max_size=2),
)
ORDERS = st.builds(
    lambda n, address, position, urgency, hotline: {
        "type": "hotline.work_order",
        "schema_version": "1.0",
        "event_id": f"o{n}",
        "order_id": f"o{n}",
        "hotline": hotline,
        "received_at": format_time_ms(T0),
        "category": "求助",
        "urgency": urgency,
        "content": "闻到燃气味",
        "address": address,
        **({"position": position} if position is not None else {}),
    },
    n=st.integers(0, 5),
    address=st.sampled_from(["三河市燕郊镇小张各庄", "", "不知道在哪", "x" * 600]) | st.text(max_size=30),
    position=st.none() | st.fixed_dictionaries({"lon": COORD, "lat": COORD}),
    urgency=st.sampled_from(["一般", "紧急", "特急", "urgent"]),
    hotline=st.sampled_from(["110000", "130000", "310000", "1"]),
)
INPUTS = st.lists(READINGS.map(raw) | ORDERS.map(raw) | st.binary(max_size=40), min_size=1, max_size=30)


@settings(max_examples=150, deadline=None)
@given(INPUTS)
def test_fuzz_every_input_is_accepted_or_rejected_with_a_reason(core: Core, messages: list[bytes]) -> None:
    for topic in ("ingest.sensor", "ingest.hotline"):
        part, out = feed(core, messages, topic)
        rejected = [r for r in out if isinstance(r, Rejected)]
        assert reconciled(part)
        assert len(rejected) == part.counts.rejected
        assert all(r.reason and r.origin.topic == topic for r in rejected)


# --- silence under an active warning: a blackout risk, end to end on the embedded runtime ----------------


def test_a_sensor_falling_silent_under_a_red_warning_opens_a_blackout_incident(core: Core) -> None:
    warning = {
        "type": "agency.warning",
        "schema_version": "1.0",
        "event_id": "w1",
        "agency": "langfang-weather",
        "province": "130000",
        "issued_at": format_time_ms(T0),
        "action": "issue",
        "warning_id": "LF-RAIN-1",
        "event_code": "11B03",
        "hazard": "rainstorm",
        "colour": "red",
        "area": {"description": "三河市", "adcodes": ["131082"]},
    }

    async def go() -> list[theater.Delta]:
        runtime = embedded_runtime(core)
        deltas: list[theater.Delta] = []
        runtime.sinks.append(deltas.append)
        await runtime.start()
        try:
            await runtime.produce(topics.INGEST_AGENCY.name, "langfang-weather", raw(warning))
            device = "LL-131082-GAS-000417"
            await runtime.produce(topics.INGEST_SENSOR.name, device, raw(reading(1, at_ms=T0 + MIN)))
            for minute in range(2, 12):
                await runtime.produce_tick(T0 + minute * MIN)
            await runtime.drain()
            assert runtime.counts()["rejected"] == 0
        finally:
            await runtime.stop()
        return deltas

    incidents = [d.entity for d in asyncio.run(go()) if d.kind == "incident"]
    blackout = [i for i in incidents if i.type == "sensor_blackout"]
    assert blackout, sorted({i.type for i in incidents})
    kinds = {e.kind for e in blackout[-1].evidence}
    assert "blackout_risk" in kinds


def test_the_embedded_runtime_counts_each_partition_and_keeps_every_dead_letter(core: Core) -> None:
    async def go() -> tuple[dict[str, int], str, list[Rejected]]:
        runtime = embedded_runtime(core)
        await runtime.start()
        try:
            await runtime.produce(topics.INGEST_SENSOR.name, "LL-131082-GAS-000417", raw(reading(1)))
            await runtime.produce(topics.INGEST_SENSOR.name, "LL-131082-GAS-000417", raw(reading(1)))
            await runtime.produce(topics.INGEST_HOTLINE.name, "o1", b"{}")
            await runtime.drain()
            return runtime.counts(), runtime.metrics_text(), list(runtime.dead_letters)
        finally:
            await runtime.stop()

    counts, metrics, letters = asyncio.run(go())
    assert (counts["received"], counts["accepted"], counts["rejected"], counts["duplicates"]) == (3, 1, 2, 1)
    assert counts["dead_letters"] == 2
    assert [(r.origin.topic, r.reason.split(":")[0]) for r in letters] == [
        ("ingest.sensor", "duplicate"),
        ("ingest.hotline", "type"),
    ]
    assert "ebrain_dead_letters_total 2" in metrics
    assert "ebrain_theater_failed_total 0.0" in metrics and counts["failed"] == 0


def test_an_update_or_cancel_of_a_warning_not_in_force_is_a_dead_letter_with_what_to_send(core: Core) -> None:
    part = ingest.IngestPartition.new(topics.INGEST_AGENCY.name, 0, core.ingest)
    sent = [
        ("u0", "update"),  # nothing issued yet
        ("i1", "issue"),
        ("u1", "update"),
        ("c1", "cancel"),
        ("c1", "cancel"),  # the same cancel again: a duplicate, not an unknown warning
        ("c2", "cancel"),  # cancelled already
        ("u2", "update"),
    ]
    outcomes = []
    for offset, (event_id, action) in enumerate(sent):
        _, routed = ingest.step(part, agency_warning(event_id, action), offset, core.ingest)
        (item,) = routed
        outcomes.append(item.reason.split(":")[0] if isinstance(item, Rejected) else "accepted")
    assert outcomes == [
        "agency.warning u0",
        "accepted",
        "accepted",
        "accepted",
        "duplicate",
        "agency.warning c2",
        "agency.warning u2",
    ]
    _, (refused,) = ingest.step(part, agency_warning("u3", "update"), 9, core.ingest)
    assert isinstance(refused, Rejected)
    assert refused.reason == (
        "agency.warning u3: action=update: warning_id='LF-RAIN-1' is not a warning in force (never issued, or already "
        "cancelled); send action 'issue' for a new warning, or the warning_id of the one to update"
    )
    counts = part.counts
    assert (counts.received, counts.accepted, counts.rejected, counts.duplicates) == (8, 3, 5, 1)
    assert counts.received == counts.accepted + counts.rejected


def _gateway_beside(device: str) -> str:
    """A gateway id Kafka's partitioner puts on the device's partition, so its batch may carry the device."""
    spec = topics.source("ingest.sensor")
    where = topics.partition_for(device, spec.partitions)
    return next(g for g in (f"GW-{n}" for n in range(100)) if topics.partition_for(g, spec.partitions) == where)


def test_a_gateway_batch_gives_what_its_readings_give_one_a_message(core: Core) -> None:
    device = "LL-131082-GAS-000417"
    items = [
        reading(1, at_ms=T0),
        reading(2, value=30.0, at_ms=T0 + MIN),  # orange: a signal
        reading(1, at_ms=T0),  # a duplicate
        reading(3, at_ms=T0 + 2 * MIN, position={"lon": 39.9597, "lat": 116.8105}),  # swapped
        reading(4, value=0.5, at_ms=T0 + 3 * MIN),  # back to normal: clear
        reading(5, at_ms=T0 + 30 * MIN),  # beyond the clock: refused
    ]
    tick = raw({"type": "tick", "schema_version": "1.0", "at": format_time_ms(T0)})
    one_by_one, single_out = feed(core, [tick, *(raw(item) for item in items)])
    gateway = {"type": "sensor.batch", "schema_version": "1.0", "event_id": "gw-1"}
    batch = raw({**gateway, "gateway_id": _gateway_beside(device), "readings": items})
    batched, batch_out = feed(core, [tick, batch], partition=one_by_one.partition)
    assert batched.counts == one_by_one.counts
    assert batched.counts.as_dict() == {"received": 6, "accepted": 3, "rejected": 3, "duplicates": 1, "ticks": 1}
    signals = [item for item in batch_out if not isinstance(item, Rejected)]
    assert signals == [item for item in single_out if not isinstance(item, Rejected)]
    assert [s.kind for s in signals if isinstance(s, Signal)] == ["sensor:gas_lel", "sensor_clear"]
    reasons = [r.reason for r in batch_out if isinstance(r, Rejected)]
    assert reasons[0] == "duplicate: event_id 'r1' was already received"
    assert reasons[1].startswith("sensor.batch gw-1 readings[3].position: ") and "looks swapped" in reasons[1]
    assert reasons[2].startswith(f"sensor.batch r5: observed_at: {format_time_ms(T0 + 30 * MIN)} is 30 min 0 s ahead")
    assert {r.origin.offset for r in batch_out if isinstance(r, Rejected)} == {1}


def test_with_a_tick_key_only_the_clocks_ticks_move_a_partition(core: Core) -> None:
    key = TickKey(b"k" * 32)
    ctx = dataclasses.replace(core.ingest, tick_key=key)
    part = ingest.IngestPartition.new("ingest.hotline", 1, ctx)

    def tick(at_ms: int, signature: str) -> bytes:
        return raw({"type": "tick", "schema_version": "1.2", "at": format_time_ms(at_ms), "signature": signature})

    day = 24 * 60 * MIN
    out: list = []
    for offset, message in enumerate(
        [
            tick(T0, key.sign("ingest.hotline", 1, T0)),  # the clock's
            raw({"type": "tick", "schema_version": "1.0", "at": format_time_ms(T0 + day)}),  # an agency's, unsigned
            tick(T0 + day, key.sign("ingest.hotline", 0, T0 + day)),  # the clock's for another partition
            tick(T0 + day, key.sign("ingest.hotline", 1, T0)),  # the clock's, its time changed
        ]
    ):
        out += ingest.step(part, message, offset, ctx)[1]
    assert out[0] == Tick(T0, "ingest.hotline/1")
    reasons = [r.reason for r in out[1:]]
    assert all(r.startswith("a tick must be signed by the clock: ") for r in reasons), reasons
    assert "has no signature" in reasons[0] and "does not match a tick at" in reasons[1]
    assert part.counts.as_dict() == {"received": 3, "accepted": 0, "rejected": 3, "duplicates": 0, "ticks": 1}
    assert part.seen.clock_ms == T0, "a refused tick moved the partition's clock"
