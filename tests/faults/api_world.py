"""The command-centre API over a real picture: the Yanjiao scenario run on the embedded runtime, its deltas
published into a feed hub, the demo tokens, a command sink that records, and a drill replay control; the
fixtures `world` and `client` serve it to a test module."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from dashboard_api import AccessPolicy, DeltaError, FeedHub, Picture, create_app
from ebrain.compose import Core, embedded_runtime
from ebrain.settings import PACKAGE_ROOT
from scenarios.model import load_scenario
from scenarios.replay import ReplayControl
from scenarios.run import Outcome, replay_embedded
from tests.dashboard_api.conftest import TOKENS
from tests.dashboard_api.sinks import RecordingSink

SCENARIO = PACKAGE_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"


@dataclass
class World:
    app: FastAPI
    hub: FeedHub
    picture: Picture
    sink: RecordingSink
    outcome: Outcome
    refused: dict[str, int]  # delta kinds the API does not know (yet), and how many were left out


def yanjiao_outcome(core: Core) -> Outcome:
    return asyncio.run(replay_embedded(load_scenario(SCENARIO), embedded_runtime(core)))


def build_world(core: Core, outcome: Outcome, **app_options: Any) -> World:
    picture = Picture()
    hub = FeedHub(picture)
    refused: dict[str, int] = {}
    for delta in outcome.deltas:
        try:
            hub.publish(delta)
        except DeltaError:
            refused[delta.kind] = refused.get(delta.kind, 0) + 1
    sink = RecordingSink()
    app = create_app(
        picture=picture,
        hub=hub,
        regions=core.regions,
        commands=sink,
        access=AccessPolicy.demo(),
        replay=ReplayControl(),
        fleet=core.initial_fleet,
        clock=lambda: picture.at_ms,
        counts=lambda: {"received": 12},
        **app_options,
    )
    return World(app, hub, picture, sink, outcome, refused)


@pytest.fixture(scope="module")
def world(core: Core) -> World:
    """The Yanjiao picture behind the API, once per test module (a conftest re-exports it)."""
    return build_world(core, yanjiao_outcome(core))


@pytest.fixture(scope="module")
def client(world: World) -> Iterator[TestClient]:
    with TestClient(world.app) as c:
        yield c


def auth(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[who]}"}
