"""The ingest stage for one source partition: decode → normalize → de-duplicate → detect → route.

Every item ends accepted or rejected with a reason: received = accepted + rejected, always (a gateway batch
counts each of its readings). Ticks are punctuation, counted apart, and are forwarded as watermarks named
after this partition. Duplicates are rejections with the reason `duplicate`, and counted apart as well. With a
tick key (live, closed deployment) only the clock's signed ticks are punctuation: any other tick is a rejection
with its reason and moves nothing (streams/wire/tick_signature.py).

A partition's ticks are its clock: an event time more than the allowed skew ahead of the newest tick is refused
(streams/data/physical.yaml), so it never moves the de-duplication window. Before its very first tick a
partition does not know the time (the clock is saved with the remembered ids: a restart keeps it). A message on
another partition than its key's is refused: de-duplication is per partition (docs/contract.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from prometheus_client import generate_latest
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from streams.ingest import detect, warnings
from streams.ingest.dedup import DedupPolicy, SeenIds
from streams.ingest.normalize import NormalizeContext, batch_item_reason, locate_reading, normalize, time_field
from streams.wire import codec, contract, tick_signature, topics
from streams.wire.codec import Origin, Rejected
from streams.wire.records import Counts, Heartbeat, Reading, Signal, TheaterInput, Tick
from streams.wire.tick_signature import TickKey


@dataclass(frozen=True)
class IngestContext:
    normalize: NormalizeContext
    thresholds: detect.Thresholds
    dedup: DedupPolicy = field(default_factory=DedupPolicy.load)  # streams/data/dedup.yaml unless given
    tick_key: TickKey | None = None  # live on a closed broker: only ticks the clock signed are taken


@dataclass
class IngestPartition:
    topic: str
    partition: int
    seen: SeenIds
    detector: detect.DetectorState = field(default_factory=detect.DetectorState)
    counts: Counts = field(default_factory=Counts)
    warnings: dict[str, None] = field(default_factory=dict)  # warning ids in force (agency partitions)
    spec: topics.TopicSpec = field(init=False, repr=False)  # the topic's key and partition count

    def __post_init__(self) -> None:
        self.spec = topics.source(self.topic)

    @classmethod
    def new(cls, topic: str, partition: int, ctx: IngestContext) -> IngestPartition:
        return cls(topic, partition, SeenIds.of(ctx.dedup.window(topic)))

    @property
    def source(self) -> str:
        return f"{self.topic}/{self.partition}"


Routed = TheaterInput | Rejected


def step(state: IngestPartition, raw: bytes, offset: int, ctx: IngestContext) -> tuple[IngestPartition, list[Routed]]:
    decoded = codec.decode_or_reason(raw)
    counts = state.counts
    if isinstance(decoded, str):
        counts.received += 1
        counts.rejected += 1
        return state, [Rejected(decoded, raw, Origin(state.topic, state.partition, offset))]
    if type(decoded) is contract.SensorBatch and state.spec.partitions > 1:
        misplaced = _misplaced(state, decoded, ctx)
        if misplaced is not None:
            misplaced = f"sensor.batch {decoded.event_id}: {misplaced}"
            counts.received += 1  # refused as a whole, like a message that does not decode
            counts.rejected += 1
            return state, [Rejected(misplaced, raw, Origin(state.topic, state.partition, offset))]
    if type(decoded) is contract.SensorReading:
        # the hot path: one reading, no generator, no routing of records other than signals
        counts.received += 1
        try:
            located = locate_reading(ctx.normalize, decoded)
        except ValueError as exc:
            counts.rejected += 1
            reason = f"sensor.reading {decoded.event_id}: {exc}"
            return state, [Rejected(reason, raw, Origin(state.topic, state.partition, offset))]
        at_ms, clock, spec = located[0], state.seen.clock_ms, state.spec
        if (clock and at_ms > clock + ctx.normalize.limits.future_skew_ms) or (
            spec.partitions > 1 and ctx.normalize.memo.partition(decoded.device_id, spec.partitions) != state.partition
        ):
            refused = _refusal(state, decoded, at_ms, ctx)  # None for a reading on a topic it is no message of
            if refused is not None:
                counts.rejected += 1
                reason = f"sensor.reading {decoded.event_id}: {refused}"
                return state, [Rejected(reason, raw, Origin(state.topic, state.partition, offset))]
        out: list[Routed] = []
        _accept(state, decoded, located, raw, offset, ctx, out)
        return state, out
    if type(decoded) is contract.SensorBatch:
        return state, _batch(state, decoded, raw, offset, ctx)
    origin = Origin(state.topic, state.partition, offset)
    out = []
    for item in normalize(ctx.normalize, decoded, raw, origin):
        if isinstance(item, Tick):
            assert type(decoded) is contract.Tick
            forged = tick_signature.refusal(ctx.tick_key, state.topic, state.partition, item.at_ms, decoded.signature)
            if forged is None:
                out.extend(tick(state, item.at_ms, ctx))
                continue
            counts.received += 1  # a tick refused is an input like any other: received = accepted + rejected
            counts.rejected += 1
            out.append(Rejected(forged, raw, origin))
            continue
        counts.received += 1
        if isinstance(item, Rejected):
            counts.rejected += 1
            out.append(item)
            continue
        event_id = str(getattr(item, "event_id", None) or getattr(item, "signal_id", ""))
        at_ms = int(getattr(item, "at_ms", 0))
        refused = _refusal(state, decoded, at_ms, ctx)
        if refused is not None:
            counts.rejected += 1
            out.append(Rejected(f"{contract.type_tag(type(decoded))} {event_id}: {refused}", raw, origin))
            continue
        warning = decoded if type(decoded) is contract.WarningReport else None
        if (
            warning is not None
            and warnings.unknown(state.warnings, warning.action, warning.warning_id)
            and event_id not in state.seen.ids  # a copy of an accepted cancel is a duplicate
        ):
            counts.rejected += 1
            out.append(Rejected(warnings.reason(event_id, warning.action, warning.warning_id), raw, origin))
            continue
        if state.seen.first_seen(event_id, at_ms) is not None:
            out.append(_duplicate(counts, event_id, raw, origin))
            continue
        counts.accepted += 1
        if warning is not None:
            warnings.apply(state.warnings, warning.action, warning.warning_id)
        if isinstance(item, Reading | Heartbeat):
            _, signals = detect.step(state.detector, item, ctx.thresholds)
            out.extend(signals)
        else:
            out.append(item)
    return state, out


def _batch(
    state: IngestPartition, batch: contract.SensorBatch, raw: bytes, offset: int, ctx: IngestContext
) -> list[Routed]:
    """A gateway batch: each reading takes the single-reading path (no generator, no `Reading` built) and ends
    accepted or rejected on its own, a bad one named by its index; its placement was judged for the whole batch."""
    counts, skew, clock = state.counts, ctx.normalize.limits.future_skew_ms, state.seen.clock_ms
    out: list[Routed] = []
    for index, d in enumerate(batch.readings):
        counts.received += 1
        try:
            located = locate_reading(ctx.normalize, d, f"readings[{index}].")
        except ValueError as exc:
            counts.rejected += 1
            out.append(Rejected(batch_item_reason(batch, exc), raw, Origin(state.topic, state.partition, offset)))
            continue
        if clock and located[0] > clock + skew:
            refused = _refusal(state, batch, located[0], ctx)
            if refused is not None:
                counts.rejected += 1
                reason = f"sensor.batch {d.event_id}: {refused}"
                out.append(Rejected(reason, raw, Origin(state.topic, state.partition, offset)))
                continue
        _accept(state, d, located, raw, offset, ctx, out)
    return out


def _accept(
    state: IngestPartition,
    d: contract.SensorReading,
    located: tuple[int, float, float, str, str],
    raw: bytes,
    offset: int,
    ctx: IngestContext,
    out: list[Routed],
) -> None:
    """A located reading that passed its checks: a duplicate, or accepted and seen by its device's detector."""
    at_ms, lon, lat, adcode, province = located
    if state.seen.first_seen(d.event_id, at_ms) is not None:
        out.append(_duplicate(state.counts, d.event_id, raw, Origin(state.topic, state.partition, offset)))
        return
    state.counts.accepted += 1
    signals = detect.observe(
        state.detector, ctx.thresholds, d.event_id, d.device_id, d.kind, d.value, at_ms, lon, lat, adcode,
        province, d.interval_s,
    )  # fmt: skip
    if signals:
        out.extend(signals)


def _refusal(state: IngestPartition, msg: contract.WireMessage, at_ms: int, ctx: IngestContext) -> str | None:
    """Why a valid item cannot be de-duplicated here: its time is beyond this partition's clock, or the message is
    on a partition its key does not map to. Checked after the item's own content, so a sender hears of a wrong
    value before a wrong placement. The hot path: reasons are built only for a refusal."""
    limits, clock = ctx.normalize.limits, state.seen.clock_ms
    if limits.too_late(at_ms, clock):
        return limits.ahead(at_ms, clock, time_field(msg), f"the newest tick on {state.source}")
    if state.spec.partitions == 1 or type(msg) is contract.SensorBatch:
        return None  # a batch's placement is judged once, for the whole batch
    return _misplaced(state, msg, ctx)


def _misplaced(state: IngestPartition, msg: contract.WireMessage, ctx: IngestContext) -> str | None:
    """De-duplication is per partition: an event is recognised again only if every copy of it comes to the same
    partition, which holds when every producer places keys as Kafka's default partitioner does (docs/contract.md)."""
    spec = state.spec
    keyed = topics.key_of(spec, msg)
    if keyed is None:
        return None
    expected = ctx.normalize.memo.partition(keyed[1], spec.partitions)
    if expected == state.partition:
        return None
    return topics.misplaced(spec, state.partition, keyed[0], keyed[1], expected)


def tick(state: IngestPartition, at_ms: int, ctx: IngestContext) -> list[Routed]:
    """A tick at `at_ms` on this partition: the silence scan's signals, then the tick as this partition's watermark.
    `step` does this for a tick message."""
    return [*advance(state, at_ms, ctx), Tick(at_ms=at_ms, source=state.source)]


def advance(state: IngestPartition, at_ms: int, ctx: IngestContext) -> tuple[Signal, ...]:
    """A tick's work on this partition without its watermark: the partition's clock moves, held tiers fire, silent
    devices are found. The embedded runtime calls it for every partition (a replay ticks them all after each
    instant: most of what the 72-hour load scenario moves) and gives the theater one watermark for all of them."""
    state.counts.ticks += 1
    state.seen.advance(at_ms)
    return detect.on_tick(state.detector, at_ms, ctx.thresholds)


def _duplicate(counts: Counts, event_id: str, raw: bytes, origin: Origin) -> Rejected:
    counts.rejected += 1
    counts.duplicates += 1
    return Rejected(f"duplicate: event_id {event_id!r} was already received", raw, origin)


def total(parts: Iterable[IngestPartition]) -> Counts:
    out = Counts()
    for part in parts:
        out = out.add(part.counts)
    return out


def metrics_text(
    counts_by_source: Mapping[str, Counts],
    dead_letters: int | None = None,
    failed: int | None = None,
    late: int | None = None,
) -> str:
    """The counts in the Prometheus text exposition format (prometheus_client), one series per source partition;
    `failed`: inputs the theater accepted but could not handle (counted inside `accepted`); `late`: inputs that
    reached the theater behind its watermark (processed on arrival, out of event-time order)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_CountsCollector(counts_by_source, dead_letters, failed, late))
    return generate_latest(registry).decode()


class _CountsCollector(Collector):
    def __init__(
        self, counts_by_source: Mapping[str, Counts], dead_letters: int | None, failed: int | None, late: int | None
    ) -> None:
        self.counts_by_source = counts_by_source
        self.dead_letters = dead_letters
        self.failed = failed
        self.late = late

    def collect(self) -> Iterator[Metric]:
        for name in ("received", "accepted", "rejected", "duplicates", "ticks"):
            family = CounterMetricFamily(
                f"ebrain_ingest_{name}_total",
                f"Input items {name} by the ingest stage (received = accepted + rejected).",
                labels=["topic", "partition"],
            )
            for source in sorted(self.counts_by_source):
                topic, _, partition = source.rpartition("/")
                family.add_metric([topic, partition], getattr(self.counts_by_source[source], name))
            yield family
        totals = (
            ("ebrain_dead_letters_total", "Rejected items written to the dead-letter topic.", self.dead_letters),
            (
                "ebrain_theater_failed_total",
                "Accepted inputs and timers the theater could not handle (kept, flagged).",
                self.failed,
            ),
            (
                "ebrain_theater_late_total",
                "Inputs that reached the theater behind its watermark: processed on arrival, out of event-time order.",
                self.late,
            ),
        )
        for name, doc, value in totals:
            if value is not None:  # a runtime that does not count it leaves the series out
                yield CounterMetricFamily(name, doc, value=value)
