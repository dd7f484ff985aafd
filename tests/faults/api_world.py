"""The command-centre API over a real picture: the Yanjiao scenario run on the embedded runtime, its deltas
published into a feed hub, the demo tokens, a command sink that records, and a drill replay control."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from dashboard_api import AccessPolicy, DeltaError, FeedHub, Picture, create_app
from ebrain.compose import Core, embedded_runtime
from ebrain.settings import PACKAGE_ROOT
from scenarios.model import load_scenario
from scenarios.replay import ReplayControl
from scenarios.run import Outcome, replay_embedded
from tests.dashboard_api.sinks import RecordingSink

SCENARIO = PACKAGE_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"
TOKENS = {
    "joint": "demo-joint-3f9c1a7e",
    "beijing": "demo-beijing-8b2d4e61",
    "tianjin": "demo-tianjin-5c7e9a02",
    "hebei": "demo-hebei-1a6f3d98",
    "sanhe": "demo-sanhe-7d4b2c15",
}


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


def auth(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[who]}"}
