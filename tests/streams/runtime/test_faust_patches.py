"""The corrections to faust-streaming: when the fetcher may hand a message over without a task, and the spinner."""

from __future__ import annotations

import asyncio
import io
import logging
from types import SimpleNamespace
from typing import Any

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
    from faust.worker import Worker

    faust_patches.apply_all()
    from faust.tables.recovery import Recovery

    first = (TransactionManager.commit, Consumer._drain_messages, Worker.on_setup_root_logger, Recovery._resume_streams)
    faust_patches.apply_all()
    assert (
        TransactionManager.commit,
        Consumer._drain_messages,
        Worker.on_setup_root_logger,
        Recovery._resume_streams,
    ) == first
    assert getattr(Consumer._drain_messages, "hands_over_directly", False)


def test_off_a_terminal_the_worker_keeps_the_log_level_it_was_given() -> None:
    from faust.utils import terminal
    from faust.worker import Worker

    faust_patches.no_debug_records_for_the_spinner()
    worker = Worker.__new__(Worker)
    worker.spinner = terminal.Spinner(file=io.StringIO())
    logger = logging.getLogger("test-faust-patches")
    logger.setLevel(logging.WARNING)
    logger.addHandler(logging.NullHandler())
    worker.on_setup_root_logger(logger, logging.WARNING)
    assert worker.spinner is None
    assert logger.level == logging.WARNING  # unpatched, the spinner set it to DEBUG: a record for every debug call


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
