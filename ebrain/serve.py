"""Serve the command-centre API and page inside the demo/replay process (uvicorn on 127.0.0.1 by default)."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn

from dashboard_api import AccessPolicy, FeedHub, Picture, create_app
from ebrain.compose import Core
from scenarios.evaluation_report import evaluation_page
from scenarios.replay import ReplayControl
from streams.runtime.embedded import EmbeddedRuntime
from streams.theater import Delta
from streams.wire import codec, contract, topics


class EmbeddedCommands:
    """Operator commands enter the pipeline on the `commands` topic like any other input."""

    def __init__(self, runtime: EmbeddedRuntime) -> None:
        self.runtime = runtime

    async def submit(self, command: contract.Command) -> None:
        await self.runtime.produce(topics.COMMANDS.name, command.incident_id or command.event_id, codec.encode(command))


class UserError(Exception):
    """A problem the user can fix from the command line (the CLI prints it as one line)."""


def kafka_refused(broker: str, with_credentials: bool, exc: Exception) -> UserError:
    """The first request to Kafka failed: what happened, and what to check."""
    hint = "is it running (`ebrain kafka status`)?"
    if with_credentials:
        hint += " Are the credentials file's user and password this broker's?"
    else:
        hint += " A closed broker speaks SASL only: give --kafka-credentials FILE"
    text = str(exc) if str(exc).startswith(type(exc).__name__) else f"{type(exc).__name__}: {exc}"
    return UserError(f"Kafka at {broker}: {text}; {hint}")


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so that a port in use is one clear message, not a server's exit."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UserError(
                f"port {port} on {host} is in use by another program; choose another with --port, e.g. --port "
                f"{port + 1}"
            ) from None
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EACCES):
            raise UserError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        raise


class EmbeddedServer(uvicorn.Server):
    """uvicorn inside a process that handles Ctrl-C itself (the demo): no signal handlers of its own."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class RunningApi:
    hub: FeedHub
    server: uvicorn.Server
    task: asyncio.Task[None]
    page_url: str
    base_url: str
    tokens: list[dict[str, str]]

    def publish(self, delta: Delta) -> None:
        self.hub.publish(delta)

    async def stop(self) -> None:
        self.server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
            await asyncio.wait_for(self.task, timeout=5)


async def start_api(
    core: Core, runtime: EmbeddedRuntime, control: ReplayControl | None, listening: socket.socket | None = None
) -> RunningApi:
    """Serve the API and page on `listening` (bound with `listen` before the slow start, so that a port in use
    is said at once), or on the settings' host and port."""
    settings = core.settings
    access = AccessPolicy.from_file(settings.tokens_file) if settings.tokens_file else AccessPolicy.demo()
    picture = Picture()
    hub = FeedHub(picture)
    app = create_app(
        picture=picture,
        hub=hub,
        regions=core.regions,
        commands=EmbeddedCommands(runtime),
        access=access,
        replay=control,
        fleet=core.initial_fleet,
        clock=lambda: runtime.now_ms,
        counts=runtime.counts,
        metrics=runtime.metrics_text,
        words=core.words,
        facilities=core.facilities,
        evaluation=evaluation_page,
    )
    # per-message compression would cost CPU for every client of the feed; the feed is small JSON
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, log_level="warning", lifespan="on", ws_per_message_deflate=False
    )
    listening = listening or listen(settings.host, settings.port)
    server = EmbeddedServer(config)
    task = asyncio.create_task(server.serve(sockets=[listening]))
    while not server.started and not task.done():
        await asyncio.sleep(0.05)
    if task.done():
        listening.close()
        task.result()  # surfaces what stopped it
    base = f"http://{settings.host}:{settings.port}/"
    tokens = access.listing()
    joint = next((t["token"] for t in tokens if t["centre"] == "joint"), tokens[0]["token"])
    return RunningApi(hub, server, task, f"{base}?token={joint}", base, tokens)
