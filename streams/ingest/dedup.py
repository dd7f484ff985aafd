"""Idempotency: an event id delivered again within a horizon of event time is recognised, in bounded memory.

Each source partition keeps a `SeenIds`: ids in arrival order with their event time, forgotten once they are
older than the horizon (measured back from the newest event time accepted) or when the cap is reached. Horizon
and cap are set per topic in streams/data/dedup.yaml. `ChunkLog` turns the ids remembered since the last save into
records for a durable table (Kafka), and back, so that a restart does not forget them.

An event time can move the window only because it was accepted, and an event time more than a few minutes ahead
of the partition's clock (`clock_ms`, its newest tick) is refused before it gets here (streams.ingest.core): a
producer whose clock runs ahead cannot push the window forward and make resent messages new again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import msgspec
import pydantic

from geo.datafiles import StrictModel, load_yaml_model
from geo.names import did_you_mean

DATA_FILE = Path(str(resources.files("streams"))) / "data" / "dedup.yaml"
_CHUNK = msgspec.json.Decoder(list[tuple[str, int]])
_ENCODER = msgspec.json.Encoder()


class _Window(StrictModel):
    horizon_h: float = pydantic.Field(gt=0, le=24 * 30)
    max_ids: int = pydantic.Field(ge=1, le=10_000_000)


class _File(StrictModel):
    default: _Window
    topics: dict[str, _Window] = pydantic.Field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DedupWindow:
    horizon_ms: int
    max_ids: int


@dataclass(frozen=True)
class DedupPolicy:
    default: DedupWindow
    topics: Mapping[str, DedupWindow] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = DATA_FILE, known_topics: Iterable[str] = ()) -> DedupPolicy:
        doc = load_yaml_model(_File, path)
        known = list(known_topics)
        for name in doc.topics:
            if known and name not in known:
                raise ValueError(f"{path}: topics.{name}: not a source topic{did_you_mean(name, known)}")

        def window(w: _Window) -> DedupWindow:
            return DedupWindow(int(w.horizon_h * 3_600_000), w.max_ids)

        return cls(window(doc.default), {name: window(w) for name, w in doc.topics.items()})

    def window(self, topic: str) -> DedupWindow:
        return self.topics.get(topic, self.default)


@dataclass
class SeenIds:
    """Event ids seen within a horizon of event time, with a hard cap: bounded memory however long it runs.

    Ids are forgotten in arrival order; with event times out of order an id may be kept a little longer
    than the horizon, never shorter (unless the cap forces it: the cap is the memory bound).
    """

    horizon_ms: int
    max_ids: int
    ids: dict[str, int] = field(default_factory=dict)
    # Arrival order, for forgetting the oldest first. (Popping the front of a dict would rescan its deleted
    # slots on every call: quadratic on a long run.)
    order: deque[str] = field(default_factory=deque)
    newest_ms: int = 0
    clock_ms: int = 0  # the partition's newest tick; 0 before the first
    fresh: list[tuple[str, int]] = field(default_factory=list)  # remembered since the last durable save

    @classmethod
    def of(cls, window: DedupWindow) -> SeenIds:
        return cls(window.horizon_ms, window.max_ids)

    def first_seen(self, event_id: str, at_ms: int) -> int | None:
        """None when new (and remembered); else the event time it was first seen with."""
        ids = self.ids
        earlier = ids.get(event_id)
        if earlier is not None:
            return earlier
        ids[event_id] = at_ms
        order = self.order
        order.append(event_id)
        self.fresh.append((event_id, at_ms))
        if at_ms > self.newest_ms:
            self.newest_ms = at_ms
        if len(order) > self.max_ids:
            del ids[order.popleft()]
        cutoff = self.newest_ms - self.horizon_ms
        while order and ids[order[0]] < cutoff:
            del ids[order.popleft()]
        return None

    def advance(self, clock_ms: int) -> None:
        """The partition's clock moved (a tick)."""
        if clock_ms > self.clock_ms:
            self.clock_ms = clock_ms

    def remember(self, pairs: Iterable[tuple[str, int]]) -> None:
        """Load ids from a durable store (oldest first); they are not fresh."""
        for event_id, at_ms in pairs:
            self.first_seen(event_id, at_ms)
        self.fresh.clear()


@dataclass
class ChunkLog:
    """The durable form of one partition's `SeenIds`: append-only chunks of ids, deleted once forgotten.

    Keys are "<prefix>/<sequence>"; a save writes one chunk of the ids remembered since the previous save
    and deletes (value None) the chunks whose ids the `SeenIds` no longer keeps.
    """

    prefix: str
    chunks: list[tuple[int, int, int]] = field(default_factory=list)  # sequence, newest event time, id count
    next_seq: int = 0

    def key(self, seq: int) -> str:
        return f"{self.prefix}/{seq:012d}"

    def save(self, seen: SeenIds) -> list[tuple[str, bytes | None]]:
        writes: list[tuple[str, bytes | None]] = []
        if seen.fresh:
            newest = max(at for _, at in seen.fresh)
            writes.append((self.key(self.next_seq), _ENCODER.encode(seen.fresh)))
            self.chunks.append((self.next_seq, newest, len(seen.fresh)))
            self.next_seq += 1
            seen.fresh = []
        cutoff = seen.newest_ms - seen.horizon_ms
        kept = sum(count for _, _, count in self.chunks)
        while self.chunks:
            seq, newest, count = self.chunks[0]
            if newest >= cutoff and kept - count < seen.max_ids:
                break
            writes.append((self.key(seq), None))
            self.chunks.pop(0)
            kept -= count
        return writes

    @classmethod
    def restore(cls, prefix: str, records: Iterable[tuple[str, bytes]], seen: SeenIds) -> ChunkLog:
        """Rebuild the log and refill `seen` from the stored chunks of this prefix (others are ignored)."""
        log = cls(prefix)
        mine = sorted(
            (int(key.rsplit("/", 1)[1]), value)
            for key, value in records
            if key.rsplit("/", 1)[0] == prefix and value is not None
        )
        for seq, value in mine:
            pairs = _CHUNK.decode(value)
            seen.remember(pairs)
            log.chunks.append((seq, max((at for _, at in pairs), default=0), len(pairs)))
            log.next_seq = seq + 1
        return log
