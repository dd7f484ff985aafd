"""The topic map: names, keys and partition counts, shared by both runtimes and the AsyncAPI document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kafka.partitioner.default import murmur2

from streams.wire import contract


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
FEED = TopicSpec(
    "feed",
    "theater",
    1,
    description="numbered deltas for command-centre feeds (an incident's: what its evidence gained)",
)
# The cleaner never compacts a topic's active segment, and Kafka rolls one after 7 days by default: these two are
# rewritten all the time and read from the start by every API instance that starts, so their segments roll often.
_ROLL_OFTEN = (("segment.ms", str(10 * 60_000)),)
PICTURE = TopicSpec(
    "picture",
    "kind/key",
    1,
    compacted=True,
    description="the latest delta of each entity, whole (an incident with all its evidence): where an API starts",
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

#: The key of the theater's own counts on `ingest.counts` (late and failed inputs), beside the source partitions'.
THEATER_COUNTS_KEY = "theater/"

#: Inputs from agencies and operators: each partition carries ticks (event-time punctuation).
SOURCES: tuple[TopicSpec, ...] = (INGEST_SENSOR, INGEST_HOTLINE, INGEST_AGENCY, COMMANDS, TASK_STATUS)
#: Which topic carries each producer message type, and the field whose value is the Kafka key.
ROUTES: dict[type[Any], tuple[TopicSpec, str]] = {
    contract.SensorReading: (INGEST_SENSOR, "device_id"),
    contract.SensorBatch: (INGEST_SENSOR, "gateway_id"),
    contract.SensorHeartbeat: (INGEST_SENSOR, "device_id"),
    contract.WorkOrder: (INGEST_HOTLINE, "order_id"),
    contract.WarningReport: (INGEST_AGENCY, "agency"),
    contract.ResponseLevelReport: (INGEST_AGENCY, "agency"),
    contract.IncidentReport: (INGEST_AGENCY, "agency"),
    contract.ResourceStatus: (INGEST_AGENCY, "agency"),
    contract.CasualtyReport: (INGEST_AGENCY, "agency"),
    contract.LossReport: (INGEST_AGENCY, "agency"),
    contract.WeatherObservation: (INGEST_AGENCY, "agency"),
    contract.Command: (COMMANDS, "incident_id"),
    contract.TaskStatus: (TASK_STATUS, "task_id"),
}
#: What the contract says of placement: de-duplication is per partition, so every copy of an event must reach the
#: same partition (docs/contract.md, "Topics and keys").
PARTITIONING = (
    "the partition is Kafka's default partitioner's: murmur2 of the key, modulo the partitions (kcat: "
    "-X partitioner=murmur2_random); a message on another partition is refused"
)
ALL: tuple[TopicSpec, ...] = (*SOURCES, DLQ, SIGNALS, INCIDENTS, TASKS, FEED, PICTURE, INGEST_COUNTS, FAILED)


APP_ID = "ebrain"


def pipeline_id(prefix: str = "", app_id: str = APP_ID) -> str:
    """The worker group's id, which faust also puts first in the names of its own topics (`<id>-<table>-changelog`,
    `<id>-__assignor-__leader`): with the prefix in front, every topic of a pipeline starts with it and reads as
    such (`ho.` gives `ho.ebrain-incident-changelog` beside `ho.signals`), and one prefix ACL covers them all."""
    return prefix + app_id


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


def key_of(spec: TopicSpec, message: object) -> tuple[str, str] | None:
    """The documented key of a message on its topic, as (field, value). None for a message that has none: a tick,
    a command without an incident, a message of a type the topic does not document."""
    route = ROUTES.get(type(message))
    if route is None or route[0] is not spec:
        return None
    value = getattr(message, route[1], None)
    return (route[1], value) if isinstance(value, str) else None


def misplaced(spec: TopicSpec, partition: int, field: str, key: str, expected: int) -> str:
    """The reason a keyed message is refused on a partition its key does not map to."""
    return (
        f"partition: {field}={key[:60]!r} belongs on partition {expected} of {spec.name} (Kafka's default "
        f"partitioner: murmur2 of the key, modulo {spec.partitions}), not on partition {partition}; produce with "
        "the key and the default partitioner (kcat: -X partitioner=murmur2_random), or name the partition"
    )
