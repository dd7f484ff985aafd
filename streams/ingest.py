"""The ingest stage for one source partition: decode → normalize → de-duplicate → detect → route.

Every item ends accepted or rejected with a reason: received = accepted + rejected, always. Ticks are
punctuation, counted apart, and are forwarded as watermarks named after this partition.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from streams import codec, detect
from streams.codec import Origin, Rejected
from streams.normalize import NormalizeContext, normalize
from streams.records import Heartbeat, Reading, TheaterInput, Tick


@dataclass(frozen=True)
class IngestContext:
    normalize: NormalizeContext
    thresholds: detect.Thresholds
    dedup_horizon_ms: int = 24 * 3_600_000
    dedup_max_ids: int = 200_000


@dataclass
class Counts:
    received: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    ticks: int = 0

    def add(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[int, int, int, int, int]:
        return self.received, self.accepted, self.rejected, self.duplicates, self.ticks


@dataclass
class SeenIds:
    """Event ids seen within a horizon of event time, with a hard cap: bounded memory however long it runs."""

    horizon_ms: int
    max_ids: int
    ids: OrderedDict[str, int] = field(default_factory=OrderedDict)

    def first_seen(self, event_id: str, at_ms: int) -> int | None:
        """None when new (and remembered); else the time it was first seen."""
        earlier = self.ids.get(event_id)
        if earlier is not None:
            return earlier
        self.ids[event_id] = at_ms
        while self.ids and (len(self.ids) > self.max_ids or next(iter(self.ids.values())) < at_ms - self.horizon_ms):
            self.ids.popitem(last=False)
        return None


@dataclass
class IngestPartition:
    topic: str
    partition: int
    seen: SeenIds
    detector: detect.DetectorState = field(default_factory=detect.DetectorState)
    counts: Counts = field(default_factory=Counts)

    @classmethod
    def new(cls, topic: str, partition: int, ctx: IngestContext) -> IngestPartition:
        return cls(topic, partition, SeenIds(ctx.dedup_horizon_ms, ctx.dedup_max_ids))

    @property
    def source(self) -> str:
        return f"{self.topic}/{self.partition}"


Routed = TheaterInput | Rejected


def _event_time(record: object) -> int:
    return int(getattr(record, "at_ms", 0))


def step(state: IngestPartition, raw: bytes, offset: int, ctx: IngestContext) -> tuple[IngestPartition, list[Routed]]:
    origin = Origin(state.topic, state.partition, offset)
    decoded = codec.decode(raw, origin)
    out: list[Routed] = []
    counts = state.counts
    if isinstance(decoded, Rejected):
        counts.received += 1
        counts.rejected += 1
        return state, [decoded]
    for record in normalize(ctx.normalize, decoded, raw, origin):
        if isinstance(record, Tick):
            counts.ticks += 1
            tick = Tick(at_ms=record.at_ms, source=state.source)
            _, signals = detect.step(state.detector, tick, ctx.thresholds)
            out.extend(signals)
            out.append(tick)
            continue
        counts.received += 1
        if isinstance(record, Rejected):
            counts.rejected += 1
            out.append(record)
            continue
        event_id = str(getattr(record, "event_id", None) or getattr(record, "signal_id", ""))
        first = state.seen.first_seen(event_id, _event_time(record))
        if first is not None:
            counts.rejected += 1
            counts.duplicates += 1
            out.append(Rejected(f"duplicate: event_id {event_id!r} was already received", raw, origin))
            continue
        counts.accepted += 1
        if isinstance(record, Reading | Heartbeat):
            _, signals = detect.step(state.detector, record, ctx.thresholds)
            out.extend(signals)
        else:
            out.append(record)
    return state, out
