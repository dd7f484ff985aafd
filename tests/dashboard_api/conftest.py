"""Hand-built incidents, tasks and notifications, the demo tokens, and an app over them.

Places are real (三河 131082 on the Beijing border, 通州 110112, 武清 120114, 涿州 130681); people are invented.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dashboard_api.access import AccessPolicy
from dashboard_api.app import create_app
from dashboard_api.feed import FeedHub
from dashboard_api.picture import Picture
from geo.fleet import FleetState, Responder
from geo.regions import RegionIndex
from playbooks.evidence import Personal, Signal
from playbooks.incident import Approval, Decision, Incident, Notification, Task
from scenarios.evaluation_report import evaluation_page
from streams.testing import gas_call
from streams.theater import Delta
from tests.dashboard_api.sinks import RecordingSink

CST = timezone(timedelta(hours=8))
T0 = int(datetime(2024, 3, 13, 7, 54, tzinfo=CST).timestamp() * 1000)  # Yanjiao gas explosion
MIN = 60_000

TOKENS = {
    "joint": "demo-joint-3f9c1a7e",
    "beijing": "demo-beijing-8b2d4e61",
    "tianjin": "demo-tianjin-5c7e9a02",
    "hebei": "demo-hebei-1a6f3d98",
    "sanhe": "demo-sanhe-7d4b2c15",
}
BEIJING_PHONE = "13812345678"
HEBEI_PHONE = "13900001111"


def auth(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[who]}"}


def call(signal_id: str, at_ms: int, province: str, adcode: str, owner: str, name: str, phone: str) -> Signal:
    text, personal = f"{name}反映燃气味很重，回电{phone}", Personal(owner_province=owner, name=name, phone=phone)
    return gas_call(signal_id, at_ms, province=province, adcode=adcode, severity=3, text=text, personal=personal)


def incident(
    incident_id: str,
    province: str,
    adcode: str,
    *,
    provinces: tuple[str, ...] | None = None,
    adcodes: tuple[str, ...] | None = None,
    evidence: tuple[Signal, ...] = (),
    at_ms: int = T0,
    stage: str = "during",
    level: str | None = "III",
    type: str = "gas_explosion",
    approvals: tuple[Approval, ...] = (),
    status: str = "open",
) -> Incident:
    return Incident(
        id=incident_id,
        theater="jingjinji",
        type=type,
        family="gas",
        opened_at_ms=at_ms,
        updated_at_ms=at_ms,
        last_evidence_ms=at_ms,
        lon=116.81,
        lat=39.96,
        province=province,
        adcode=adcode,
        provinces=provinces or (province,),
        adcodes=adcodes or (adcode,),
        evidence=evidence,
        counts=(("call:gas_smell", len(evidence)),),
        confidence=0.8,
        stage=stage,  # type: ignore[arg-type]
        response_level=level,
        approvals=approvals,
        decisions=(Decision(at_ms, "stage before→during", "gas.explosion", tuple(s.signal_id for s in evidence)),),
        status=status,  # type: ignore[arg-type]
    )


# Yanjiao (三河, Hebei) explosion, reported through both the Beijing and the Hebei hotlines.
YANJIAO = incident(
    "INC-YJ",
    "130000",
    "131082",
    provinces=("130000", "110000"),
    adcodes=("131082", "110112"),
    evidence=(
        call("call-bj-1", T0 - 14 * MIN, "130000", "131082", "110000", "张三丰", BEIJING_PHONE),
        call("call-hb-1", T0 - 10 * MIN, "130000", "131082", "130000", "李四", HEBEI_PHONE),
    ),
    approvals=(
        Approval("AP-1", "gas.evacuate", 0, T0, T0 + 15 * MIN, "approve", "evacuate 500 m", "pending"),
        Approval("AP-0", "gas.cut", 0, T0, T0 + 15 * MIN, "approve", "cut gas", "approved", "op@130000"),
    ),
)
# A Beijing-only incident in 东城.
DONGCHENG = incident(
    "INC-DC",
    "110000",
    "110101",
    type="flood_rescue",
    level="IV",
    stage="before",
    evidence=(call("call-bj-2", T0 + 5 * MIN, "110000", "110101", "110000", "王五", "01065551234"),),
)
# A Tianjin incident in 武清.
WUQING = incident("INC-WQ", "120000", "120114", type="hazmat_leak", level="II", at_ms=T0 + 20 * MIN)
# A Hebei incident in 涿州, not touching 三河.
ZHUOZHOU = incident("INC-ZZ", "130000", "130681", type="flood_rescue", at_ms=T0 + 30 * MIN)


def fire_station(adcode: str, province: str, name: str, lon: float, lat: float) -> Responder:
    return Responder(
        id=f"fire-{adcode}-01",
        name=name,
        kind="fire_station",
        capabilities=frozenset({"fire_suppression"}),
        capacity=30,
        home_province=province,
        home_adcode=adcode,
        base_lon=lon,
        base_lat=lat,
    )


FIRE_TZ = fire_station("110112", "110000", "通州消防救援站1", 116.70, 39.90)
FIRE_SH = fire_station("131082", "130000", "三河消防救援站1", 117.00, 39.95)
FLEET = FleetState.initial([FIRE_TZ, FIRE_SH])

TASK_TZ = Task(
    id="INC-YJ-T001.1",
    incident_id="INC-YJ",
    capability="fire_suppression",
    created_at_ms=T0 + MIN,
    deadline_ms=T0 + 16 * MIN,
    rule="gas.explosion",
    status="dispatched",
    responder_id=FIRE_TZ.id,
    responder_name=FIRE_TZ.name,
    responder_province="110000",
    responder_adcode="110112",
    incident_province="130000",
    cross_border=True,
    travel_s=900.0,
)
NOTE_TJ = Notification("N000001", "INC-YJ", T0 + 2 * MIN, "120000", "gas.explosion", "燕郊燃气爆炸，请关注")


def base_deltas() -> list[Delta]:
    """The picture every test starts from: four incidents, a cross-border task, a notification."""
    entities: list[tuple[str, str, Any]] = [
        ("incident", YANJIAO.id, YANJIAO),
        ("incident", DONGCHENG.id, DONGCHENG),
        ("incident", WUQING.id, WUQING),
        ("incident", ZHUOZHOU.id, ZHUOZHOU),
        ("task", TASK_TZ.id, TASK_TZ),
        ("responder", FIRE_TZ.id, {"id": FIRE_TZ.id, "status": "assigned", "why": f"task {TASK_TZ.id}"}),
        ("notification", NOTE_TJ.id, NOTE_TJ),
    ]
    return [Delta(n, T0 + 2 * MIN, kind, key, entity) for n, (kind, key, entity) in enumerate(entities, start=1)]


@dataclass
class FakeReplay:
    paused: bool = False
    speed: float | None = 60.0

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False

    def set_speed(self, speed: float | None) -> None:
        self.speed = speed

    def status(self) -> dict[str, Any]:
        return {"paused": self.paused, "speed": self.speed}


@dataclass
class World:
    picture: Picture
    hub: FeedHub
    sink: Any  # a RecordingSink unless a test gives another CommandSink
    replay: FakeReplay
    client: TestClient


@pytest.fixture(scope="session")
def regions() -> RegionIndex:
    return RegionIndex.load()


@pytest.fixture(scope="session")
def access() -> AccessPolicy:
    return AccessPolicy.demo()


def make_world(
    regions: RegionIndex, access: AccessPolicy, *, history: int = 10_000, client_queue: int = 1_000, **extra: Any
) -> Iterator[World]:
    picture = Picture()
    hub = FeedHub(picture, history=history, client_queue=client_queue, heartbeat_s=30)
    for delta in base_deltas():
        hub.publish(delta)
    sink = extra.pop("commands", RecordingSink())
    replay = FakeReplay()
    kwargs: dict[str, Any] = {
        "replay": replay,
        "fleet": FLEET,
        "clock": lambda: T0 + 3 * MIN,
        "evaluation": evaluation_page,
        **extra,
    }
    app = create_app(picture=picture, hub=hub, regions=regions, commands=sink, access=access, **kwargs)
    with TestClient(app) as client:
        yield World(picture, hub, sink, replay, client)


@pytest.fixture
def world(regions: RegionIndex, access: AccessPolicy) -> Iterator[World]:
    yield from make_world(regions, access)
