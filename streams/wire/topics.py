"""The topic map: names, keys and partition counts, shared by both runtimes and the AsyncAPI document."""

from __future__ import annotations

from dataclasses import dataclass

from kafka.partitioner.default import murmur2


@dataclass(frozen=True)
class TopicSpec:
    name: str
    key: str
    partitions: int
    compacted: bool = False
    description: str = ""
    config: tuple[tuple[str, str], ...] = ()  # topic configs besides the cleanup policy


INGEST_SENSOR = TopicSpec("ingest.sensor", "device_id", 4, description="lifeline sensor readings and heartbeats")
INGEST_HOTLINE = TopicSpec("ingest.hotline", "order_id", 2, description="12345 hotline work orders")
INGEST_AGENCY = TopicSpec("ingest.agency", "agency", 1, description="agency reports: warnings, levels, incidents")
COMMANDS = TopicSpec("commands", "incident_id", 1, description="operator commands from command centres")
TASK_STATUS = TopicSpec("task.status", "task_id", 1, description="agencies' replies about tasks")
DLQ = TopicSpec("ingest.dlq", "source topic", 1, description="rejected input: raw bytes, origin and reason")
FAILED = TopicSpec(
    "theater.failed", "incident id", 1, description="inputs and timers the theater could not handle: error and input"
)
SIGNALS = TopicSpec("signals", "theater", 1, description="located evidence, controls and watermarks per theater")
INCIDENTS = TopicSpec("incidents", "incident_id", 1, compacted=True, description="latest state of each incident")
TASKS = TopicSpec("tasks", "responder province", 3, description="tasks for responders, by agency region")
FEED = TopicSpec("feed", "theater", 1, description="numbered deltas for command-centre feeds")
# The cleaner never compacts a topic's active segment, and Kafka rolls one after 7 days by default: these two are
# rewritten all the time and read from the start by every API instance that starts, so their segments roll often.
_ROLL_OFTEN = (("segment.ms", str(10 * 60_000)),)
PICTURE = TopicSpec(
    "picture",
    "kind/key",
    1,
    compacted=True,
    description="the latest delta of each entity: where an API instance starts",
    config=_ROLL_OFTEN,
)
INGEST_COUNTS = TopicSpec(
    "ingest.counts",
    "source partition",
    1,
    compacted=True,
    description="ingest counts of each source partition",
    config=_ROLL_OFTEN,
)

#: Inputs from agencies and operators: each partition carries ticks (event-time punctuation).
SOURCES: tuple[TopicSpec, ...] = (INGEST_SENSOR, INGEST_HOTLINE, INGEST_AGENCY, COMMANDS, TASK_STATUS)
ALL: tuple[TopicSpec, ...] = (*SOURCES, DLQ, SIGNALS, INCIDENTS, TASKS, FEED, PICTURE, INGEST_COUNTS, FAILED)


def physical(spec: TopicSpec, prefix: str = "") -> str:
    """The Kafka topic name of a spec. A prefix lets several independent pipelines share one broker (tests,
    drills beside a live theater); logical names (watermark sources, DLQ origins) never carry it."""
    return prefix + spec.name


def source(name: str) -> TopicSpec:
    spec = next((s for s in SOURCES if s.name == name), None)
    if spec is None:
        raise ValueError(f"topic: {name!r} is not an input topic ({', '.join(s.name for s in SOURCES)})")
    return spec


def tick_sources() -> tuple[str, ...]:
    """Every source partition; the theater releases input only when all of them have passed a time."""
    return tuple(f"{spec.name}/{p}" for spec in SOURCES for p in range(spec.partitions))


def partition_for(key: str, partitions: int) -> int:
    """Kafka's default key → partition map (murmur2), so the embedded runtime places keys as Kafka does."""
    return (murmur2(key.encode("utf-8")) & 0x7FFFFFFF) % partitions
