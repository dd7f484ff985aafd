"""`ebrain worker --broker HOST:PORT`: the faust-streaming pipeline worker."""

from __future__ import annotations

import sys
from pathlib import Path

from kafka.errors import KafkaError

from ebrain.compose import build_core, kafka_credentials, tick_key
from ebrain.serve import UserError, kafka_refused
from ebrain.settings import Settings
from streams.runtime.faust_app import (
    WorkerConfig,
    build_app,
    ensure_topics,
    quiet_worker,
    replication_of,
    wait_for_group_coordinator,
)
from streams.wire import topics


def run_worker(
    settings: Settings, data_dir: Path, processing_guarantee: str = "exactly_once", topic_prefix: str = ""
) -> int:
    assert settings.broker is not None
    credentials = kafka_credentials(settings)
    _check_tick_key(settings, credentials is not None)
    try:
        created = ensure_topics(settings.broker, topic_prefix, credentials)
    except KafkaError as exc:
        raise kafka_refused(settings.broker, credentials is not None, exc) from None
    if created:
        print(f"created topics: {', '.join(created)}", flush=True)
    core = build_core(settings)
    if not wait_for_group_coordinator(settings.broker, topics.pipeline_id(topic_prefix), credentials=credentials):
        print(f"no group coordinator on {settings.broker} yet; the worker joins when there is one", flush=True)
    config = WorkerConfig(
        bootstrap=settings.broker,
        data_dir=data_dir,
        processing_guarantee=processing_guarantee,
        topic_prefix=topic_prefix,
        credentials=credentials,
        replication=replication_of(settings.broker, topics.physical(topics.SIGNALS, topic_prefix), credentials),
    )
    app = build_app(config, core.ingest, core.theater, core.initial_fleet)
    policy = core.theater.watermark
    if policy.idle_after_ms is None:
        clock = "the watermark waits for every source partition"
    else:
        clock = f"live: a source partition not heard from for {policy.idle_after_ms / 1000:g} s is not waited for"
    print(
        f"worker {config.group_id} on {settings.broker} ({processing_guarantee}); state rebuilt from changelogs; "
        f"{clock}; lateness {policy.lateness_ms / 1000:g} s",
        flush=True,
    )
    worker = quiet_worker(app)
    worker.execute_from_commandline()
    return 0


def _check_tick_key(settings: Settings, closed: bool) -> None:
    """Live on a closed broker only the clock writes ticks, so a live worker (one that judges idleness) there needs
    the clock's key; a replay or drill worker (scenario time, no idleness) takes ticks unsigned, and says so."""
    try:
        key = tick_key(settings)
    except ValueError as exc:
        raise UserError(f"--tick-key: {exc}") from None
    if key is not None or not closed:
        return
    if settings.idle_after_s is not None:
        raise UserError(
            "a live worker on a closed broker needs --tick-key FILE (or EBRAIN_TICK_KEY), the key `ebrain clock "
            "--tick-key` signs with: without it an agency could move its partitions' time with ticks of its own"
        )
    print(
        "ebrain worker: ticks are taken unsigned (no --tick-key): right for a replay or drill prefix; a live worker "
        "is given the clock's key",
        file=sys.stderr,
        flush=True,
    )
