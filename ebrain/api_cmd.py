"""`ebrain api --broker HOST:PORT`: one command-centre API instance whose view comes from Kafka.

Any number of instances may run, each on its own port: each rebuilds its view from the compacted `picture` topic
when it starts, then follows the `feed` topic; operator commands go to the `commands` topic. It listens only once
its view is rebuilt, so a load balancer never sends a client to an empty picture.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time

import uvicorn
from aiokafka.errors import KafkaError as AIOKafkaError
from kafka.errors import KafkaError

from dashboard_api import AccessPolicy, FeedHub, create_app
from dashboard_api.kafka_view import KafkaCommands, KafkaView, ViewError
from ebrain.compose import build_core, kafka_credentials
from ebrain.serve import kafka_refused, listen
from ebrain.settings import Settings
from scenarios.evaluation_report import evaluation_page
from streams.runtime.faust_app import ensure_topics

NO_TOKENS = (
    "no tokens file: set EBRAIN_TOKENS_FILE to a file of tokens (docs/api.md, docs/operations.md), or run with "
    "--demo-tokens for development (the demo tokens are published in the repository: anyone could use them)"
)


async def run_api(settings: Settings, topic_prefix: str = "", demo_tokens: bool = False) -> int:
    """Refuses to start without a tokens file unless `demo_tokens`: an instance on Kafka serves a live theater."""
    if settings.tokens_file is None and not demo_tokens:
        print(f"ebrain api: {NO_TOKENS}", file=sys.stderr, flush=True)
        return 2
    if settings.tokens_file is not None and demo_tokens:
        print("ebrain api: --demo-tokens with EBRAIN_TOKENS_FILE set: choose one", file=sys.stderr, flush=True)
        return 2
    try:
        return await _run(settings, topic_prefix)
    except ViewError as exc:
        print(f"ebrain api: Kafka at {settings.broker}: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 2
    except (KafkaError, AIOKafkaError) as exc:
        line = str(kafka_refused(str(settings.broker), settings.kafka_credentials is not None, exc))
        print(f"ebrain api: {line}", file=sys.stderr, flush=True)
        return 2


async def _run(settings: Settings, topic_prefix: str) -> int:
    if settings.broker is None:
        raise ValueError("ebrain api: --broker HOST:PORT is required")
    started = time.monotonic()
    # the worker creates them too; whichever starts first, the topics get the map's partitions and compaction
    credentials = kafka_credentials(settings)
    await asyncio.to_thread(ensure_topics, settings.broker, topic_prefix, credentials)
    core = build_core(settings)  # regions for scoping; the fleet for responders' names and bases
    access = AccessPolicy.from_file(settings.tokens_file) if settings.tokens_file else AccessPolicy.demo()
    # bound here, not by uvicorn, so a port in use is one line (UserError) rather than its SystemExit in a task
    listening = listen(settings.host, settings.port)
    view = KafkaView(settings.broker, topic_prefix, credentials=credentials)
    commands = KafkaCommands(settings.broker, topic_prefix, credentials=credentials)
    try:
        picture = await view.start()
        hub = FeedHub(picture, epoch=view.epoch)  # the feed's numbering, shared by every instance on it
        await commands.start()
        app = create_app(
            picture=picture,
            hub=hub,
            regions=core.regions,
            commands=commands,
            access=access,
            fleet=core.initial_fleet,
            counts=view.counts,
            metrics=view.metrics_text,
            words=core.words,
            facilities=core.facilities,
            evaluation=evaluation_page,
        )
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_level="warning",
            lifespan="on",
            ws_per_message_deflate=False,  # the feed is small JSON shared by clients; compression is per client
        )
        server = uvicorn.Server(config)
        follower = asyncio.create_task(view.follow(hub))
        follower.add_done_callback(lambda _: setattr(server, "should_exit", True))
        # until SIGINT/SIGTERM (uvicorn's handlers) or the follower stops
        serving = asyncio.create_task(server.serve(sockets=[listening]))
        while not server.started and not serving.done():
            await asyncio.sleep(0.05)
        if server.started:
            print(
                f"api http://{settings.host}:{settings.port}/ on {settings.broker} (topic prefix {topic_prefix!r}): "
                f"view rebuilt at seq {view.rebuilt_seq} from {view.entities} entities in "
                f"{time.monotonic() - started:.1f} s; epoch {view.epoch}; following the feed",
                flush=True,
            )
            if settings.tokens_file is None:
                print(
                    "WARNING: DEMO TOKENS (--demo-tokens): anyone who has read the repository can sign in; never run "
                    "this on a network others reach",
                    file=sys.stderr,
                    flush=True,
                )
        await serving
        if follower.done() and not follower.cancelled() and follower.exception() is not None:
            print(f"ebrain api: the feed reader stopped: {follower.exception()!r}", file=sys.stderr, flush=True)
            return 1
        follower.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follower
        return 0
    finally:
        listening.close()
        with contextlib.suppress(Exception):  # stopping a producer that never started
            await commands.stop()
        await view.stop()
