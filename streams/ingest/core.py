"""The ingest stage for one source partition: decode → normalize → de-duplicate → detect → route.

Every item ends accepted or rejected with a reason: received = accepted + rejected, always (a gateway batch
counts each of its readings). Ticks are punctuation, counted apart, and are forwarded as watermarks named
after this partition. Duplicates are rejections with the reason `duplicate`, and counted apart as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from prometheus_client import generate_latest
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from streams.ingest import detect
from streams.ingest.dedup import DedupPolicy, SeenIds
from streams.ingest.normalize import NormalizeContext, locate_reading, normalize
from streams.wire import codec, contract
from streams.wire.codec import Origin, Rejected
from streams.wire.records import Counts, Heartbeat, Reading, TheaterInput, Tick


@dataclass(frozen=True)
class IngestContext:
    normalize: NormalizeContext
    thresholds: detect.Thresholds
    dedup: DedupPolicy = field(default_factory=DedupPolicy.load)  # streams/data/dedup.yaml unless given


@dataclass
class IngestPartition:
    topic: str
    partition: int
    seen: SeenIds
    detector: detect.DetectorState = field(default_factory=detect.DetectorState)
    counts: Counts = field(default_factory=Counts)

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
    if type(decoded) is contract.SensorReading:
        # the hot path: one reading, no generator, no routing of records other than signals
        counts.received += 1
        try:
            at_ms, lon, lat, adcode, province = locate_reading(ctx.normalize, decoded)
        except ValueError as exc:
            counts.rejected += 1
            reason = f"sensor.reading {decoded.event_id}: {exc}"
            return state, [Rejected(reason, raw, Origin(state.topic, state.partition, offset))]
        if state.seen.first_seen(decoded.event_id, at_ms) is not None:
            origin = Origin(state.topic, state.partition, offset)
            return state, [_duplicate(counts, decoded.event_id, raw, origin)]
        counts.accepted += 1
        d = decoded
        signals = detect.observe(
            state.detector, ctx.thresholds, d.event_id, d.device_id, d.kind, d.value, at_ms, lon, lat, adcode,
            province, d.interval_s,
        )  # fmt: skip
        return state, list(signals)
    origin = Origin(state.topic, state.partition, offset)
    out: list[Routed] = []
    for item in normalize(ctx.normalize, decoded, raw, origin):
        if isinstance(item, Tick):
            counts.ticks += 1
            tick = Tick(at_ms=item.at_ms, source=state.source)
            _, signals = detect.step(state.detector, tick, ctx.thresholds)
            out.extend(signals)
            out.append(tick)
            continue
        counts.received += 1
        if isinstance(item, Rejected):
            counts.rejected += 1
            out.append(item)
            continue
        event_id = str(getattr(item, "event_id", None) or getattr(item, "signal_id", ""))
        if state.seen.first_seen(event_id, int(getattr(item, "at_ms", 0))) is not None:
            out.append(_duplicate(counts, event_id, raw, origin))
            continue
        counts.accepted += 1
        if isinstance(item, Reading | Heartbeat):
            _, signals = detect.step(state.detector, item, ctx.thresholds)
            out.extend(signals)
        else:
            out.append(item)
    return state, out


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
    counts_by_source: Mapping[str, Counts], dead_letters: int | None = None, failed: int | None = None
) -> str:
    """The counts in the Prometheus text exposition format (prometheus_client), one series per source partition;
    `failed`: inputs the theater accepted but could not handle (counted inside `accepted`)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_CountsCollector(counts_by_source, dead_letters, failed))
    return generate_latest(registry).decode()


class _CountsCollector(Collector):
    def __init__(self, counts_by_source: Mapping[str, Counts], dead_letters: int | None, failed: int | None) -> None:
        self.counts_by_source = counts_by_source
        self.dead_letters = dead_letters
        self.failed = failed

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
        if self.dead_letters is not None:
            dead = CounterMetricFamily("ebrain_dead_letters_total", "Rejected items written to the dead-letter topic.")
            dead.add_metric([], self.dead_letters)
            yield dead
        if self.failed is not None:
            failed = CounterMetricFamily(
                "ebrain_theater_failed_total",
                "Accepted inputs and timers the theater could not handle (kept, flagged).",
            )
            failed.add_metric([], self.failed)
            yield failed
