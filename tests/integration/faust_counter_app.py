"""A one-agent, one-table Faust app the smoke test runs as a worker process: it counts messages per key.

Run: ``python tests/integration/faust_counter_app.py worker --without-web --loglevel info`` with
``FAUST_COUNTER_SETTINGS`` holding a JSON object of ``CounterSettings`` fields. The app writes its table to
``snapshot`` a few times a second (with whether table recovery has finished), so the test can read the
state the worker holds without a web port.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import faust

from streams.runtime.faust_patches import flush_changelog_before_commit

SETTINGS_ENV = "FAUST_COUNTER_SETTINGS"


@dataclasses.dataclass(frozen=True)
class CounterSettings:
    app_id: str
    bootstrap: str
    source_topic: str
    partitions: int
    snapshot: str
    datadir: str
    processing_guarantee: str = "at_least_once"
    commit_interval_s: float = 2.8  # Faust's default
    flush_before_commit: bool = True

    @classmethod
    def from_env(cls) -> CounterSettings:
        return cls(**json.loads(os.environ[SETTINGS_ENV]))


def faust_settings(settings: CounterSettings) -> dict[str, Any]:
    """The Faust settings this project uses against a Kafka 4.x broker (see docs/broker.md)."""
    return {
        "broker": f"kafka://{settings.bootstrap}",
        # aiokafka >= 0.13 negotiates protocol versions itself; "auto" keeps Faust from pinning one.
        "broker_api_version": "auto",
        # Changelog, repartition and leader topics Faust creates: one replica on a one-broker cluster.
        "topic_replication_factor": 1,
        "topic_partitions": settings.partitions,
        # The in-memory store keeps nothing on disk, so a restarted worker rebuilds every table from its
        # changelog: exactly the recovery this smoke test checks.
        "store": "memory://",
        "processing_guarantee": settings.processing_guarantee,
        "consumer_auto_offset_reset": "earliest",
        # `faust worker` turns the web server back on unless given --without-web; if it runs anyway,
        # it must not listen beyond loopback (Faust's default bind address is 0.0.0.0).
        "web_enabled": False,
        "web_bind": "127.0.0.1",
        "datadir": settings.datadir,
        "broker_commit_interval": settings.commit_interval_s,
    }


def build_app(settings: CounterSettings) -> faust.App:
    if settings.flush_before_commit:
        flush_changelog_before_commit()
    app = faust.App(settings.app_id, **faust_settings(settings))
    source = app.topic(
        settings.source_topic,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=settings.partitions,
    )
    counts = app.Table("counts", key_type=str, value_type=int, default=int, partitions=settings.partitions)
    snapshot = Path(settings.snapshot)

    @app.agent(source)
    async def count(stream: faust.StreamT[bytes]) -> None:
        async for key, _value in stream.items():
            counts[key.decode()] += 1

    @app.timer(interval=0.2)
    async def write_snapshot() -> None:
        recovered = app.tables.recovery.completed.is_set()  # type: ignore[attr-defined]
        state = {"recovered": recovered, "counts": dict(counts.items())}
        partial = snapshot.with_suffix(".partial")
        partial.write_text(json.dumps(state, sort_keys=True))
        partial.replace(snapshot)

    return app


if __name__ == "__main__":
    build_app(CounterSettings.from_env()).main()
