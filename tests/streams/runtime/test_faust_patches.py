"""The corrections to faust-streaming: the hand-over without a task, the faust version they are for, the spinner."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace
from typing import Any

import pytest

from streams.runtime import faust_patches


class Queue:
    def __init__(self, full: bool) -> None:
        self._full = full

    def full(self) -> bool:
        return self._full


def fake_app(*, flowing: bool = True, suspended: bool = False, locked: bool = False, full: bool = False) -> Any:
    lock = asyncio.Lock()
    if locked:
        lock._locked = True  # type: ignore[attr-defined]
    suspend = asyncio.Event()
    if suspended:
        suspend.set()
    channels = {("ingest.sensor", 0): [SimpleNamespace(queue=Queue(False)), SimpleNamespace(queue=Queue(full))]}
    return SimpleNamespace(
        flow_control=SimpleNamespace(is_active=lambda: flowing),
        consumer=SimpleNamespace(suspend_flow=suspend),
        topics=SimpleNamespace(_tp_to_callback_lock=lock, _tp_index=channels),
    )


def test_a_message_is_handed_over_directly_only_when_nothing_can_make_it_wait() -> None:
    tp = ("ingest.sensor", 0)
    assert faust_patches.can_hand_over_now(fake_app(), tp)
    assert faust_patches.can_hand_over_now(fake_app(), ("hotline", 0))  # no channel reads it: nothing to wait for
    assert not faust_patches.can_hand_over_now(fake_app(full=True), tp)  # one queue of the partition is full
    assert not faust_patches.can_hand_over_now(fake_app(flowing=False), tp)  # a rebalance stopped the flow
    assert not faust_patches.can_hand_over_now(fake_app(suspended=True), tp)
    assert not faust_patches.can_hand_over_now(fake_app(locked=True), tp)  # the routing table is being rebuilt


def test_applying_the_corrections_twice_wraps_nothing_twice() -> None:
    from faust.transport.consumer import Consumer, TransactionManager

    faust_patches.apply_all()
    from faust.tables.recovery import Recovery
    from faust.transport.drivers.aiokafka import Producer

    def patched() -> tuple[Any, ...]:
        return (
            TransactionManager.commit,
            Consumer._drain_messages,
            Consumer._add_gap,
            Recovery._resume_streams,
            Producer.commit_transactions,
        )

    first = patched()
    faust_patches.apply_all()
    assert patched() == first
    assert getattr(Consumer._drain_messages, "hands_over_directly", False)


def test_the_corrections_are_for_the_installed_faust_version_only() -> None:
    from importlib import metadata

    assert metadata.version("faust-streaming") == faust_patches.WRITTEN_FOR  # what pyproject.toml pins
    faust_patches.check_version()
    with pytest.raises(faust_patches.FaustVersionError, match=r"faust-streaming==0\.16\.0 is installed.*==0\.15\.3"):
        faust_patches.check_version("0.16.0")


def test_apply_all_refuses_another_faust_version_before_patching_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    from faust.transport.consumer import TransactionManager

    monkeypatch.setattr(faust_patches, "_installed_version", lambda: "0.15.4")
    monkeypatch.setattr(TransactionManager, "commit", TransactionManager.commit)  # restored after the test
    before = TransactionManager.commit
    with pytest.raises(faust_patches.FaustVersionError, match=r"faust_patches\.py"):
        faust_patches.apply_all()
    assert TransactionManager.commit is before


def test_off_a_terminal_the_worker_has_no_spinner_and_keeps_its_log_level() -> None:
    import faust

    from streams.runtime.faust_app import quiet_worker

    app = faust.App("test-quiet-worker", broker="kafka://127.0.0.1:1", web_enabled=False)
    worker = quiet_worker(app)  # under pytest stdout is captured: not a terminal
    assert worker.spinner is None
    logger = logging.getLogger("test-faust-quiet-worker")
    logger.setLevel(logging.WARNING)
    logger.addHandler(logging.NullHandler())
    worker.on_setup_root_logger(logger, logging.WARNING)
    assert logger.level == logging.WARNING  # with the spinner, faust set it to DEBUG: a record for every debug call


def test_after_recovery_the_stream_partitions_are_seeked_before_they_are_resumed() -> None:
    from faust.tables.recovery import Recovery

    faust_patches.seek_before_resuming_streams()
    calls: list[str] = []

    async def perform_seek() -> None:
        calls.append("seek")

    async def noop(*args: Any, **kwargs: Any) -> None:
        return None

    async def wait(coro: Any, timeout: float) -> None:
        await coro

    stream, changelog = ("ingest.sensor", 0), ("ebrain-sensor-state-changelog", 0)
    consumer = SimpleNamespace(
        assignment=lambda: {stream, changelog},
        perform_seek=perform_seek,
        resume_partitions=lambda tps: calls.append(f"resume {sorted(tps)}"),
        resume_flow=lambda: calls.append("flow"),
    )
    app = SimpleNamespace(
        consumer=consumer,
        consumer_generation_id=3,
        conf=SimpleNamespace(broker_request_timeout=1.0),
        on_rebalance_complete=SimpleNamespace(send=noop),
        flow_control=SimpleNamespace(resume=lambda: None),
        _fetcher=SimpleNamespace(maybe_start=noop),
        on_rebalance_end=lambda: None,
        assignor=SimpleNamespace(assigned_standbys=lambda: set()),
    )
    recovery = SimpleNamespace(
        app=app,
        log=SimpleNamespace(dev=lambda *a: None, info=lambda *a: None, warning=lambda *a: None),
        _wait=wait,
        _is_changelog_tp=lambda tp: tp == changelog,
        _set_recovery_ended=lambda: None,
        completed=asyncio.Event(),
        tables=SimpleNamespace(on_actives_ready=lambda: None, on_standbys_ready=lambda: None, values=lambda: []),
        actives_for_table={},
        standbys_for_table={},
    )
    # both ways out of a recovery: the first fetch of a resumed partition starts at its committed offset
    for way_out in (Recovery._resume_streams, Recovery.on_recovery_completed):
        calls.clear()
        asyncio.run(way_out(recovery, 3))  # type: ignore[arg-type]
        assert calls.index("seek") < calls.index(f"resume {[stream]}"), (way_out, calls)
        assert recovery.completed.is_set()


def test_a_gap_of_transaction_markers_lets_the_commit_pass_it() -> None:
    """`signals` is written by transactions: a read_committed reader skips their markers. After a commit at 65,
    offsets 65-71 are markers and the agent acknowledges 72-80: the next commit is 81 (faust's own gap, 66-72,
    left 65 out and counted 72 twice, and the partition's commits stopped at 73 for good)."""
    from collections import defaultdict

    from faust.transport.drivers.aiokafka import Consumer
    from intervaltree import IntervalTree

    faust_patches.gaps_without_their_ends()
    consumer: Any = object.__new__(Consumer)
    tp = ("signals", 0)
    consumer._committed_offset = defaultdict(lambda: None, {tp: 65})
    consumer._gap = defaultdict(IntervalTree)
    consumer._acked = defaultdict(list)
    consumer._acked_index = defaultdict(set)
    asyncio.run(consumer._add_gap(tp, 65, 72))  # as the drain loop calls it: (last read + 1, just read)
    consumer._acked[tp].extend(range(72, 81))
    assert consumer._new_offset(tp) == 81


def test_the_transactions_of_a_commit_end_concurrently_each_under_its_lock() -> None:
    from faust.transport.drivers.aiokafka import Producer

    faust_patches.commit_transactions_at_once()
    calls: list[str] = []
    running: set[str] = set()
    overlapped: list[bool] = []

    class TxnProducer:
        def __init__(self, tid: str) -> None:
            self.tid = tid

        async def send_offsets_to_transaction(self, offsets: Any, group_id: str) -> None:
            running.add(self.tid)
            overlapped.append(len(running) > 1)
            await asyncio.sleep(0.01)
            calls.append(f"{self.tid} offsets {dict(offsets)} {group_id}")

        async def commit_transaction(self) -> None:
            calls.append(f"{self.tid} commit")
            running.discard(self.tid)

        async def begin_transaction(self) -> None:
            calls.append(f"{self.tid} begin")

    producer = Producer.__new__(Producer)
    producer._transaction_producers = {tid: TxnProducer(tid) for tid in ("a", "b")}  # type: ignore[misc]
    producer._trn_locks = {tid: asyncio.Lock() for tid in ("a", "b", "gone")}  # type: ignore[misc]
    offsets = {"a": {"tp-a": 5}, "b": {"tp-b": 7}, "gone": {"tp-x": 1}}
    asyncio.run(producer.commit_transactions(offsets, "group"))
    assert overlapped == [False, True]  # the second began while the first was under way
    for tid, tp, n in (("a", "tp-a", 5), ("b", "tp-b", 7)):
        mine = [c for c in calls if c.startswith(tid + " ")]
        assert mine == [f"{tid} offsets {{'{tp}': {n}}} group", f"{tid} commit", f"{tid} begin"]
    assert not any(c.startswith("gone") for c in calls)  # an unknown transaction is skipped, as faust does


def test_an_exactly_once_commit_is_known_to_the_livelock_detector() -> None:
    from faust.transport.consumer import TransactionManager

    faust_patches.apply_all()
    ended: list[Any] = []

    class Transactions:
        async def commit_transactions(self, by_id: Any, group_id: str, start_new_transaction: bool = True) -> None:
            ended.append((dict(by_id), group_id))

        buffer = SimpleNamespace(flush=lambda: asyncio.sleep(0))

    thread = SimpleNamespace(tp_last_committed_at={})
    manager = TransactionManager.__new__(TransactionManager)
    manager.app = SimpleNamespace(  # type: ignore[misc]
        conf=SimpleNamespace(id="ho.ebrain"),
        assignor=SimpleNamespace(group_for_topic=lambda topic: 0),
        consumer=SimpleNamespace(_thread=thread),
    )
    manager.producer = Transactions()  # type: ignore[assignment]
    from faust.types import TP

    signals = TP("ho.signals", 0)
    assert asyncio.run(manager.commit({signals: 74}))
    assert ended == [({"ho.ebrain-0-0": {signals: 74}}, "ho.ebrain")]
    assert list(thread.tp_last_committed_at) == [signals]
