"""The fan-out, without sockets: snapshot then deltas, resume, resync of a slow client, heartbeats, threads."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from dashboard_api.access import AccessPolicy, Viewer
from dashboard_api.feed import FeedClient, FeedHub, _frames
from dashboard_api.picture import Picture
from streams.theater import Delta
from streams.wire.incident_delta import whole_incident
from streams.wire.records import EvidenceChange

from .conftest import BEIJING_PHONE, DONGCHENG, T0, TOKENS, WUQING, YANJIAO, base_deltas


class Collector:
    """A client's socket: keeps every message; can be made to stall."""

    def __init__(self) -> None:
        self.frames: list[str] = []
        self.messages: list[dict[str, Any]] = []
        self.gate: asyncio.Event | None = None

    async def send(self, text: str) -> None:
        if self.gate is not None:
            await self.gate.wait()
        self.frames.append(text)
        self.messages.extend(json.loads(line) for line in text.split("\n"))

    def seqs(self, kind: str = "delta") -> list[int]:
        return [m["seq"] for m in self.messages if m["type"] == kind]


async def until(condition: Callable[[], bool], steps: int = 500) -> None:
    """Let the loop run until `condition` holds (bounded by loop turns, not by time)."""
    for _ in range(steps):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition not reached")


def viewer(access: AccessPolicy, who: str) -> Viewer:
    found = access.authenticate(TOKENS[who])
    assert found is not None
    return found


def new_hub(**kwargs: Any) -> FeedHub:
    hub = FeedHub(Picture(), heartbeat_s=3600, **kwargs)
    for delta in base_deltas():
        hub.publish(delta)
    return hub


def churn(start_seq: int, count: int) -> list[Delta]:
    """Updates alternating between a Beijing, a Tianjin and a cross-border incident."""
    out = []
    for n in range(count):
        seq = start_seq + n
        base = (DONGCHENG, WUQING, YANJIAO)[n % 3]
        inc = replace(base, updated_at_ms=T0 + seq * 1000, confidence=round(0.5 + n / 1000, 3))
        out.append(Delta(seq, T0 + seq * 1000, "incident", inc.id, inc))
    return out


def publish(hub: FeedHub, deltas: list[Delta]) -> None:
    for delta in deltas:
        hub.publish(delta)


class Session:
    def __init__(self, hub: FeedHub, who: Viewer, since: int | None = None, **kw: Any) -> None:
        self.hub = hub
        self.socket = Collector()
        self.client: FeedClient = hub.connect(who, since, **kw)
        self.task = asyncio.ensure_future(hub.pump(self.client, self.socket.send))

    @classmethod
    async def opened(cls, hub: FeedHub, who: Viewer, since: int | None = None, **kw: Any) -> Session:
        """A session that has had its first message (the snapshot, or `resumed`)."""
        session = cls(hub, who, since, **kw)
        await until(lambda: len(session.socket.messages) == 1)
        return session

    async def close(self) -> None:
        self.hub.disconnect(self.client)
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


async def test_snapshot_first_then_scoped_deltas_in_seq_order(access: AccessPolicy) -> None:
    hub = new_hub()
    tianjin = await Session.opened(hub, viewer(access, "tianjin"))
    snapshot = tianjin.socket.messages[0]
    assert snapshot["type"] == "snapshot" and snapshot["seq"] == 7 and snapshot["epoch"] == hub.epoch
    assert {i["id"] for i in snapshot["incidents"]} == {"INC-YJ", "INC-WQ"}
    assert BEIJING_PHONE not in json.dumps(snapshot, ensure_ascii=False)
    publish(hub, churn(8, 9))
    await until(lambda: len(tianjin.socket.seqs()) == 6)
    # Tianjin gets the Tianjin and the cross-border updates, not Beijing's, in seq order.
    assert tianjin.socket.seqs() == [9, 10, 12, 13, 15, 16]
    assert {m["key"] for m in tianjin.socket.messages[1:]} == {"INC-WQ", "INC-YJ"}
    await tianjin.close()


async def test_resume_after_a_disconnect_is_gap_free_and_duplicate_free(access: AccessPolicy) -> None:
    hub = new_hub()
    joint = viewer(access, "joint")
    first = await Session.opened(hub, joint)
    publish(hub, churn(8, 5))
    await until(lambda: first.socket.seqs()[-1:] == [12])
    await first.close()
    last_seen = max(first.socket.seqs())
    for delta in churn(13, 6):  # published while the client is away
        hub.publish(delta)
    second = Session(hub, joint, since=last_seen, epoch=hub.epoch)
    publish(hub, churn(19, 3))
    await until(lambda: second.socket.seqs()[-1:] == [21])
    assert second.socket.messages[0] == {"type": "resumed", "since": 12, "seq": 18, "epoch": hub.epoch}
    assert "snapshot" not in [m["type"] for m in second.socket.messages]
    received = first.socket.seqs() + second.socket.seqs()
    assert received == list(range(8, 22))  # the joint centre sees everything: exactly once, in order
    await second.close()


async def test_resume_of_a_scoped_viewer_gets_only_what_it_may_see(access: AccessPolicy) -> None:
    hub = new_hub()
    publish(hub, churn(8, 6))
    beijing = Session(hub, viewer(access, "beijing"), since=7)
    await until(lambda: len(beijing.socket.messages) == 5)
    assert beijing.socket.seqs() == [8, 10, 11, 13]
    personal = [
        e["personal"] for m in beijing.socket.messages[1:] for e in m["data"]["evidence_added"] if m["key"] == "INC-YJ"
    ]
    assert {"owner_province": "110000", "name": "张三丰", "phone": BEIJING_PHONE} in personal  # its own caller
    await beijing.close()


@pytest.mark.parametrize(
    ("since", "epoch"),
    [(2, None), (7, "another-epoch"), (999, None)],
    ids=["fell-out-of-history", "other-epoch", "ahead-of-the-hub"],
)
async def test_resume_that_cannot_be_served_gets_a_snapshot(
    access: AccessPolicy, since: int, epoch: str | None
) -> None:
    hub = new_hub(history=4)
    publish(hub, churn(8, 3))
    assert hub.stats()["history_from_seq"] == 7
    session = await Session.opened(hub, viewer(access, "joint"), since=since, epoch=epoch)
    assert session.socket.messages[0]["type"] == "snapshot"
    assert session.socket.messages[0]["seq"] == 10
    await session.close()


async def test_history_is_also_bounded_by_bytes(access: AccessPolicy) -> None:
    hub = new_hub(history_bytes=3_000)
    assert hub.stats()["history"] < 7
    session = await Session.opened(hub, viewer(access, "joint"), since=1)
    assert session.socket.messages[0]["type"] == "snapshot"
    await session.close()


async def test_a_slow_client_is_resynced_while_the_others_keep_up(access: AccessPolicy) -> None:
    hub = new_hub(client_queue=5)
    joint = viewer(access, "joint")
    fast = Session(hub, joint)
    slow = Session(hub, joint)
    await until(lambda: len(fast.socket.messages) == 1 and len(slow.socket.messages) == 1)
    slow.socket.gate = asyncio.Event()  # its socket stops taking data
    for n, delta in enumerate(churn(8, 30)):
        hub.publish(delta)  # never waits for the stalled client
        if n % 3 == 0:
            await asyncio.sleep(0)
    await until(lambda: fast.socket.seqs()[-1:] == [37])
    assert fast.socket.seqs() == list(range(8, 38))
    assert fast.client.resyncs == 0
    assert slow.client.resyncs >= 1 and len(slow.client.queue) <= 5
    slow.socket.gate.set()  # it comes back: a fresh snapshot brings it up to date
    await until(lambda: slow.socket.messages[-1]["type"] == "snapshot" and slow.socket.messages[-1]["seq"] == 37)
    publish(hub, churn(38, 2))
    await until(lambda: slow.socket.seqs()[-2:] == [38, 39])
    assert hub.stats()["resyncs"] == slow.client.resyncs
    await fast.close()
    await slow.close()


async def test_clients_connecting_together_share_one_snapshot_per_view(access: AccessPolicy) -> None:
    hub = new_hub()
    joint = viewer(access, "joint")
    first = await Session.opened(hub, joint)
    publish(hub, churn(8, 3))
    second = Session(hub, joint)
    await until(lambda: second.socket.seqs()[-1:] == [10])
    # The snapshot built for the first client, then what happened since: the same picture, built once.
    assert [(m["type"], m["seq"]) for m in second.socket.messages] == [
        ("snapshot", 7),
        ("delta", 8),
        ("delta", 9),
        ("delta", 10),
    ]
    assert hub.stats()["snapshots_built"] == 1 and hub.stats()["snapshots_sent"] == 2
    tianjin = Session(hub, viewer(access, "tianjin"))  # another view: its own snapshot
    await until(lambda: len(tianjin.socket.messages) == 1)
    assert tianjin.socket.messages[0]["seq"] == 10 and hub.stats()["snapshots_built"] == 2
    for session in (first, second, tianjin):
        await session.close()


async def test_a_redelivered_delta_is_not_sent_again(access: AccessPolicy) -> None:
    hub = new_hub()
    session = await Session.opened(hub, viewer(access, "joint"))
    deltas = churn(8, 2)
    for delta in (*deltas, deltas[0], deltas[1]):
        hub.publish(delta)
    hub.publish(churn(10, 1)[0])
    await until(lambda: session.socket.seqs()[-1:] == [10])
    assert session.socket.seqs() == [8, 9, 10]
    assert hub.stats()["redelivered"] == 2
    await session.close()


async def test_heartbeat_carries_the_last_seq(access: AccessPolicy) -> None:
    hub = FeedHub(Picture(), heartbeat_s=0.001)
    for delta in base_deltas():
        hub.publish(delta)
    session = Session(hub, viewer(access, "tianjin"))
    for _ in range(2000):
        if "heartbeat" in [m["type"] for m in session.socket.messages]:
            break
        await asyncio.sleep(0.001)
    beat = next(m for m in session.socket.messages if m["type"] == "heartbeat")
    assert beat == {"type": "heartbeat", "seq": 7}
    await session.close()


async def test_publish_from_another_thread_reaches_the_client(access: AccessPolicy) -> None:
    hub = new_hub()
    session = await Session.opened(hub, viewer(access, "joint"))
    for delta in churn(8, 3):
        await asyncio.to_thread(hub.publish, delta)
    for _ in range(2000):
        if session.socket.seqs()[-1:] == [10]:
            break
        await asyncio.sleep(0.001)
    assert session.socket.seqs() == [8, 9, 10]
    await session.close()


async def test_a_batching_client_gets_queued_messages_one_per_line(access: AccessPolicy) -> None:
    hub = new_hub()
    session = Session(hub, viewer(access, "joint"), since=7, batch=True)
    for delta in churn(8, 4):
        hub.publish(delta)  # all queued before the pump runs
    await until(lambda: session.socket.seqs()[-1:] == [11])
    assert len(session.socket.frames) == 2  # the resumed message alone, then the deltas together
    assert json.loads(session.socket.frames[0])["type"] == "resumed"
    assert [m["type"] for m in session.socket.messages] == ["resumed", "delta", "delta", "delta", "delta"]
    await session.close()


async def test_a_woken_batching_client_lingers_for_more(access: AccessPolicy) -> None:
    hub = FeedHub(Picture(), heartbeat_s=3600, batch_linger_s=0.2)
    for delta in base_deltas():
        hub.publish(delta)
    session = Session(hub, viewer(access, "joint"), batch=True)
    await until(lambda: len(session.socket.frames) == 1)  # the snapshot
    first, *rest = churn(8, 3)
    hub.publish(first)
    await until(lambda: session.client.waiter is None)  # woken, now lingering
    for delta in rest:
        hub.publish(delta)  # no wake-up: the client is not waiting
    for _ in range(2000):
        if session.socket.seqs()[-1:] == [10]:
            break
        await asyncio.sleep(0.001)
    assert session.socket.seqs() == [8, 9, 10]
    assert len(session.socket.frames) == 2  # the snapshot, then one frame for all three
    await session.close()


async def test_disconnected_clients_are_forgotten(access: AccessPolicy) -> None:
    hub = new_hub()
    session = Session(hub, viewer(access, "joint"))
    assert hub.stats()["clients"] == 1
    await session.close()
    assert hub.stats()["clients"] == 0
    hub.publish(churn(8, 1)[0])
    assert session.client.queue == type(session.client.queue)()


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="client_queue=0"):
        FeedHub(Picture(), client_queue=0)


def test_frames_keep_snapshots_alone_and_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dashboard_api.feed.MAX_FRAME_CHARS", 30)
    delta = '{"type":"delta","seq":1}'  # 24 characters
    snapshot = '{"type":"snapshot","seq":2}'
    frames = _frames([delta, snapshot, delta, delta, delta])
    assert frames == [delta, snapshot, delta, delta, delta]  # two deltas would pass 30 characters
    monkeypatch.setattr("dashboard_api.feed.MAX_FRAME_CHARS", 100)
    assert _frames([delta, delta, snapshot, delta]) == [f"{delta}\n{delta}", snapshot, delta]


def fold(messages: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """What a page holds after its snapshot, deltas and catch-ups: each entity by kind and key, as JSON."""
    held: dict[str, dict[str, str]] = {}
    lists = {"incidents": "incident", "tasks": "task", "notifications": "notification", "mutual_aid": "mutual_aid"}
    for message in messages:
        if message["type"] == "snapshot":
            for name, kind in lists.items():
                for entity in message[name]:
                    held.setdefault(kind, {})[entity.get("id") or entity.get("request_id")] = json.dumps(entity)
        elif message["type"] in ("delta", "catch_up") and message["kind"] in lists.values():
            data = message["data"]
            if message["kind"] == "incident":  # a delta carries what changed of the evidence: fold it as a page does
                before = held.get("incident", {}).get(message["key"])
                data = whole_incident(data, json.loads(before) if before is not None else None)
            held.setdefault(message["kind"], {})[message["key"]] = json.dumps(data)
    return held


async def test_every_centre_gets_live_what_its_snapshot_holds_whatever_the_order_of_deltas(
    core: Any, access: AccessPolicy
) -> None:
    """The Yanjiao explosion in 三河: its tasks are emitted before the incident's first delta, and Beijing sends
    units across the border. Every centre's live page ends with what a snapshot gives it, the county post too."""
    from ebrain.compose import embedded_runtime
    from ebrain.kafka_kit import PROJECT_ROOT
    from scenarios.model import load_scenario
    from scenarios.run import replay_embedded

    scenario = load_scenario(PROJECT_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml")
    deltas = (await replay_embedded(scenario, embedded_runtime(core))).deltas
    hub = FeedHub(Picture(), heartbeat_s=3600, client_queue=100_000)
    sessions = {who: Session(hub, viewer(access, who)) for who in TOKENS}
    await until(lambda: all(len(s.socket.messages) == 1 for s in sessions.values()))
    for delta in deltas:
        hub.publish(delta)
    await until(lambda: all(not s.client.queue for s in sessions.values()), steps=5_000)
    sanhe_tasks = 0
    for who, session in sessions.items():
        live = fold(session.socket.messages)
        expected = fold([hub.snapshot(viewer(access, who))])
        for kind in ("incident", "task", "notification", "mutual_aid"):
            assert live.get(kind, {}) == expected.get(kind, {}), f"{who}: {kind} differs live and in a snapshot"
        if who == "sanhe":
            sanhe_tasks = len(live.get("task", {}))
        await session.close()
    assert sanhe_tasks >= 3  # the county post sees the tasks of the incident in its county


async def test_a_task_before_its_incident_reaches_the_county_post_once_the_incident_does(access: AccessPolicy) -> None:
    hub = FeedHub(Picture(), heartbeat_s=3600)
    sanhe = Session(hub, viewer(access, "sanhe"))
    beijing = Session(hub, viewer(access, "beijing"))
    await until(lambda: len(sanhe.socket.messages) == 1 and len(beijing.socket.messages) == 1)
    task = next(d for d in base_deltas() if d.kind == "task" and d.entity.incident_id == YANJIAO.id)
    hub.publish(Delta(1, T0, "task", task.key, task.entity))  # emitted before the incident's first delta
    hub.publish(Delta(2, T0, "incident", YANJIAO.id, YANJIAO))
    await until(lambda: len(sanhe.socket.messages) >= 3)
    got = [(m["type"], m["seq"], m["kind"], m["key"]) for m in sanhe.socket.messages[1:]]
    assert got == [("delta", 2, "incident", YANJIAO.id), ("catch_up", 2, "task", task.key)]
    await sanhe.close()
    await beijing.close()


async def test_a_county_post_given_a_recent_snapshot_gets_the_tasks_of_an_incident_that_came_into_view_since(
    access: AccessPolicy,
) -> None:
    hub = FeedHub(Picture(), heartbeat_s=3600)
    task = next(d for d in base_deltas() if d.kind == "task" and d.entity.incident_id == YANJIAO.id)
    hub.publish(Delta(1, T0, "incident", DONGCHENG.id, DONGCHENG))
    hub.publish(Delta(2, T0, "task", task.key, task.entity))
    first = Session(hub, viewer(access, "sanhe"))  # the 三河 view's snapshot is built at seq 2 and kept
    await until(lambda: len(first.socket.messages) == 1)
    await first.close()
    hub.publish(Delta(3, T0, "incident", YANJIAO.id, YANJIAO))
    second = Session(hub, viewer(access, "sanhe"))  # that snapshot, then the deltas since
    await until(lambda: len(second.socket.messages) >= 3)
    got = [(m["type"], m.get("kind"), m.get("key")) for m in second.socket.messages]
    assert got == [("snapshot", None, None), ("delta", "incident", YANJIAO.id), ("catch_up", "task", task.key)]
    assert hub.snapshots_built == 1
    await second.close()


async def test_a_client_gets_the_new_evidence_in_a_delta_and_the_whole_list_in_a_snapshot(
    access: AccessPolicy,
) -> None:
    hub = new_hub()
    tianjin = await Session.opened(hub, viewer(access, "tianjin"))
    caller = replace(YANJIAO.evidence[0], signal_id="call-bj-9", at_ms=T0 + 3000)
    update = replace(YANJIAO, evidence=(*YANJIAO.evidence, caller), updated_at_ms=T0 + 3000)
    hub.publish(Delta(8, T0 + 3000, "incident", YANJIAO.id, update, EvidenceChange((caller,))))
    await until(lambda: len(tianjin.socket.messages) == 2)
    data = tianjin.socket.messages[1]["data"]
    assert [e["signal_id"] for e in data["evidence_added"]] == ["call-bj-9"] and "evidence" not in data
    assert data["evidence_added"][0]["personal"]["phone"] != BEIJING_PHONE  # masked as the whole list is
    assert data["evidence_kept"] == 3
    (seen,) = [i for i in hub.snapshot(viewer(access, "tianjin"))["incidents"] if i["id"] == YANJIAO.id]
    assert [e["signal_id"] for e in seen["evidence"]] == ["call-bj-1", "call-hb-1", "call-bj-9"]
    await tianjin.close()


async def test_a_report_due_before_its_incident_reaches_the_county_post_once_the_incident_does(
    core: Any, access: AccessPolicy
) -> None:
    from streams.theater import reporting
    from streams.theater.state import Emitter, TheaterState

    state = TheaterState(fleet=core.initial_fleet)
    state.now_ms = T0
    out = Emitter(state)
    reporting.follow(state, replace(YANJIAO, event_grade="较大"), core.theater, out)
    report = out.deltas[0]
    hub = FeedHub(Picture(), heartbeat_s=3600)
    sanhe = await Session.opened(hub, viewer(access, "sanhe"))
    hub.publish(Delta(1, T0, "report", report.key, report.entity))  # due before the county post sees the incident
    hub.publish(Delta(2, T0, "incident", YANJIAO.id, YANJIAO))
    await until(lambda: len(sanhe.socket.messages) >= 3)
    got = [(m["type"], m["seq"], m["kind"], m["key"]) for m in sanhe.socket.messages[1:]]
    assert got == [("delta", 2, "incident", YANJIAO.id), ("catch_up", 2, "report", report.key)]
    await sanhe.close()


async def test_a_county_post_resuming_gets_the_tasks_of_an_incident_that_came_into_view_while_it_was_away(
    access: AccessPolicy,
) -> None:
    hub = FeedHub(Picture(), heartbeat_s=3600)
    task = next(d for d in base_deltas() if d.kind == "task" and d.entity.incident_id == YANJIAO.id)
    hub.publish(Delta(1, T0, "task", task.key, task.entity))  # a cross-border task, before its incident's first delta
    first = Session(hub, viewer(access, "sanhe"))
    await until(lambda: len(first.socket.messages) == 1)
    assert first.socket.messages[0]["tasks"] == []  # not in the county post's view yet
    await first.close()
    hub.publish(Delta(2, T0, "incident", YANJIAO.id, YANJIAO))  # while it is away: the incident, in its county
    hub.publish(Delta(3, T0, "incident", DONGCHENG.id, DONGCHENG))
    second = Session(hub, viewer(access, "sanhe"), since=1, epoch=hub.epoch)
    await until(lambda: len(second.socket.messages) >= 3)
    got = [(m["type"], m.get("kind"), m.get("key")) for m in second.socket.messages]
    assert got == [("resumed", None, None), ("delta", "incident", YANJIAO.id), ("catch_up", "task", task.key)]
    assert fold(first.socket.messages + second.socket.messages) == fold([hub.snapshot(viewer(access, "sanhe"))])
    await second.close()


async def test_a_client_resuming_gets_no_catch_up_for_an_incident_it_saw_all_along(access: AccessPolicy) -> None:
    hub = new_hub()  # the Yanjiao incident and its cross-border task are in 三河's view from the start
    first = Session(hub, viewer(access, "sanhe"))
    await until(lambda: len(first.socket.messages) == 1)
    await first.close()
    update = replace(YANJIAO, updated_at_ms=T0 + 5000, confidence=0.9)
    hub.publish(Delta(8, T0 + 5000, "incident", YANJIAO.id, update))
    second = Session(hub, viewer(access, "sanhe"), since=7, epoch=hub.epoch)
    await until(lambda: len(second.socket.messages) >= 2)
    await asyncio.sleep(0)
    got = [(m["type"], m.get("kind"), m.get("key")) for m in second.socket.messages]
    assert got == [("resumed", None, None), ("delta", "incident", YANJIAO.id)]
    await second.close()


async def test_every_centre_resuming_at_any_point_of_the_yanjiao_explosion_ends_with_what_a_snapshot_holds(
    core: Any, access: AccessPolicy
) -> None:
    """Away for part of the run and back with `since=` (the highest seq it had): live and resumed pages end with
    what a fresh snapshot gives, for the county post (tasks before their incident, units from Beijing) and the rest."""
    from ebrain.compose import embedded_runtime
    from ebrain.kafka_kit import PROJECT_ROOT
    from scenarios.model import load_scenario
    from scenarios.run import replay_embedded

    scenario = load_scenario(PROJECT_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml")
    deltas = (await replay_embedded(scenario, embedded_runtime(core))).deltas
    for who in ("sanhe", "beijing", "tianjin"):
        for leave, back in ((0, len(deltas) // 3), (len(deltas) // 4, len(deltas) // 2), (len(deltas) // 2, None)):
            hub = FeedHub(Picture(), heartbeat_s=3600, client_queue=100_000)
            for delta in deltas[:leave]:
                hub.publish(delta)
            first = Session(hub, viewer(access, who))
            await until(lambda s=first: len(s.socket.messages) == 1)
            await first.close()
            last = max(m["seq"] for m in first.socket.messages)
            for delta in deltas[leave:back]:
                hub.publish(delta)
            second = Session(hub, viewer(access, who), since=last, epoch=hub.epoch)
            for delta in deltas[back:] if back is not None else ():  # published after it is back
                hub.publish(delta)
            await until(lambda s=second: bool(s.socket.messages) and not s.client.queue, steps=5_000)
            assert second.socket.messages[0]["type"] == "resumed", (who, leave, back)
            live = fold(first.socket.messages + second.socket.messages)
            expected = fold([hub.snapshot(viewer(access, who))])
            for kind in ("incident", "task", "notification", "mutual_aid"):
                assert live.get(kind, {}) == expected.get(kind, {}), f"{who} away {leave}..{back}: {kind} differs"
            await second.close()
