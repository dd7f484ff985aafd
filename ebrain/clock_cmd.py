"""`ebrain clock --broker HOST:PORT`: the live clock, a wall-time tick to every source partition.

The ticking is streams/runtime/clock.py.

One clock per pipeline (topic prefix); a second one is harmless (a partition's mark is its newest tick). It runs
until Ctrl-C or SIGTERM and prints one line a minute: the time it ticks and the partitions it cannot write to.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time

from aiokafka.errors import KafkaError as AIOKafkaError
from kafka.errors import KafkaError

from streams.runtime.clock import KafkaClock
from streams.runtime.kafka_auth import KafkaCredentials
from streams.wire.tick_signature import TickKey
from streams.wire.timefmt import format_time_ms

REPORT_EVERY_S = 60.0


async def run_clock(
    broker: str,
    topic_prefix: str = "",
    every_s: float = 0.5,
    skip: tuple[str, ...] = (),
    credentials: KafkaCredentials | None = None,
    tick_key: TickKey | None = None,
) -> int:
    from streams.runtime.faust_app import ensure_topics  # faust is imported only when Kafka is used

    clock = KafkaClock(broker, topic_prefix, every_s, skip, credentials=credentials, tick_key=tick_key)
    try:
        await asyncio.to_thread(ensure_topics, broker, topic_prefix, credentials)
        await clock.start()
    except (AIOKafkaError, KafkaError, OSError) as exc:
        print(f"ebrain clock: Kafka at {broker}: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    print(
        f"clock on {broker} (topic prefix {topic_prefix!r}): a tick every {every_s:g} s to {len(clock.partitions)} "
        f"source partitions"
        + (f", not to {', '.join(skip)}" if skip else "")
        + ("; signed" if tick_key is not None else "; unsigned (a worker with --tick-key rejects them)"),
        flush=True,
    )
    ticking = asyncio.create_task(clock.run(stop))
    try:
        while not ticking.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(ticking), REPORT_EVERY_S)
            if not ticking.done():
                away = f"; cannot write to {', '.join(sorted(clock.failing))}" if clock.failing else ""
                print(f"{time.strftime('%H:%M:%S')} ticking {format_time_ms(clock.last_ms)}{away}", flush=True)
        await ticking
    finally:
        stop.set()
        ticking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticking
        await clock.stop()
    return 0
