"""12345 work orders closed back: a call fused into an incident is assigned to the agency owning its topic there;
the order follows the incident's tasks of that agency's capability (assigned → handling → done)."""

from __future__ import annotations

from dataclasses import replace

from ebrain.compose import Core
from playbooks.evidence import Personal, Signal
from playbooks.incident import Task
from streams.theater import work_orders
from streams.theater.state import Emitter, TheaterState
from streams.theater.work_orders import WorkOrder
from tests.streams.theater.theater_geo_kit import BJ, HB, T0, YANJIAO, incident_at, start

MIN = 60_000


def call(n: int, hotline: str, topic: str = "gas_smell") -> Signal:
    return Signal(
        signal_id=f"call-{n}", source="hotline", kind=f"call:{topic}", at_ms=T0 + n * MIN, province=HB,
        adcode="131082", lon=YANJIAO[0], lat=YANJIAO[1], attrs=(("order_id", f"ORDER-{n}"),),
        personal=Personal(owner_province=hotline, name="王先生", phone="13800000000"),
    )  # fmt: skip


def task(status: str, capability: str = "gas_isolation", n: int = 1) -> Task:
    return Task(f"JINGJINJI-000001-T{n:02d}", "JINGJINJI-000001", capability, T0, T0 + 15 * MIN, "r", status)  # type: ignore[arg-type]


def orders(out: Emitter) -> list[WorkOrder]:
    return [d.entity for d in out.deltas if d.kind == "work_order"]


def test_calls_are_assigned_by_topic_and_place_and_merged_per_hotline_and_agency(core: Core) -> None:
    state = TheaterState(fleet=core.initial_fleet)
    incident = incident_at()
    out = start(state, incident)
    for n, hotline in ((1, HB), (2, HB), (3, BJ)):
        work_orders.on_call(state, incident, call(n, hotline), core.theater, out)
    assigned = orders(out)
    assert [(o.hotline, o.agency_kind, o.agency, o.agency_adcode, o.capability) for o in assigned] == [
        (HB, "gas_utility", "", "131082", "gas_isolation"),
        (BJ, "gas_utility", "", "131082", "gas_isolation"),
    ]
    hebei = state.work_orders[assigned[0].id]
    assert (hebei.calls, hebei.orders, hebei.status) == (2, ("ORDER-1", "ORDER-2"), "assigned")
    # in Beijing one body owns gas for the whole city
    beijing = incident_at(province=BJ, adcode="110112", incident_id="JINGJINJI-000002")
    work_orders.on_call(state, beijing, call(4, BJ), core.theater, out)
    assert orders(out)[-1].agency == "beijing-gas"


def test_the_order_follows_its_agencys_tasks_and_is_done_when_they_are(core: Core) -> None:
    state = TheaterState(fleet=core.initial_fleet)
    incident = incident_at()
    out = start(state, incident)
    work_orders.on_call(state, incident, call(1, HB), core.theater, out)
    steps = []
    for tasks in (
        {"f": task("en_route", "fire_suppression", 2)},  # not its part
        {"g": task("acknowledged")},
        {"g": task("on_scene")},
        {"g": task("completed")},
    ):
        out = Emitter(state)
        work_orders.follow(state, {incident.id: incident}, tasks, out)
        steps.append([o.status for o in orders(out)])
    assert steps == [[], ["handling"], [], ["done"]]


def test_recovery_closes_the_orders_of_an_incident_without_such_tasks(core: Core) -> None:
    state = TheaterState(fleet=core.initial_fleet)
    incident = incident_at()
    out = start(state, incident)
    work_orders.on_call(state, incident, call(1, HB, "roof_leak"), core.theater, out)
    out = Emitter(state)
    work_orders.follow(state, {incident.id: replace(incident, stage="after")}, {}, out)
    assert [(o.agency_kind, o.status) for o in orders(out)] == [("housing", "done")]
