"""Corrections to faust-streaming 0.15.3 that the Kafka runtime applies before it builds its app.

Each one is a measured fault of the pinned version (see docs/performance.md, "Sensor ingest"); `apply_all` applies
them (idempotent). A do-nothing agent measured as the runtime's ceiling applies them too.

1. `flush_changelog_before_commit`: faust flushes its producer buffer before an at-least-once offset commit but not
   before an exactly-once one: table (changelog) writes still in the buffer then go into the *next* transaction,
   and if no later commit comes (the worker stops, or its partitions are revoked) that transaction is aborted and
   the writes are lost while their source offsets stay committed. `test_kafka_smoke.py` reproduces the loss.
2. `deliver_without_a_task_per_message`: the consumer's drain loop hands every fetched message to the agents'
   queues through `wait_first(callback, suspend_flow)`, which creates two tasks and an `asyncio.wait` per message:
   about two thirds of a do-nothing agent's CPU. When the hand-over cannot block (flow running, every queue of the
   partition has room) the callback is awaited directly; otherwise faust's own guarded path runs as before.
3. The same loop asks the fetcher for records with a 1 s timeout. While a partition is held back because its
   agent's queue is full, that request covers only the other (often idle) partitions and waits the whole second,
   so the agent ran dry once per queue-full: a stall of about half a second every few thousand records. While any
   partition is held back the loop now asks with a short timeout, so the partition is fetched again as soon as
   the agent has drained its queue.
4. `seek_before_resuming_streams`: a stream partition must not be delivered from before its seek to the committed
   offset. At the end of table recovery faust resumes the stream partitions and only then seeks them, a broker
   round trip later (`Recovery.on_recovery_completed`, and `_resume_streams` alike). Records fetched in between
   reached the agents, and once the seek rewound the partitions the drain loop's read position was past records it
   had never delivered: a restarted worker processed a partition's first few records and silently skipped the
   rest, or its committed offset crept forward one record a commit (`tests/faults/test_worker_killed.py`, kill -9
   under load, about one run in three; worker logs showed batches processed between the two steps). Corrected:
   the resumptions are held back until the seek is done. Three neighbouring openings are closed too, each read in
   the code, not observed: newly assigned partitions are marked active a few awaits before faust pauses them (now
   paused first); a fetch gets faust's live set of active partitions, which aiokafka reads as "every partition"
   once it is empty (now a copy, and no fetch when empty); and the drain loop drops what it fetched before a seek.
5. `gaps_without_their_ends`: offsets a read_committed consumer never sees (transaction markers, aborted records)
   are gaps faust counts as acknowledged. It recorded the gap between the last offset read and the one just read
   *including* the latter, which is acknowledged too: the duplicate stopped the run of consecutive offsets, and
   the partition's commits stopped for good (seen on `signals`, written by transactions: the theater's offset
   stayed at 73 while it processed thousands of signals, its outputs committed through the shared transaction,
   and after a kill -9 the restarted worker processed them again: a delta twice, a report missing). And it
   started a gap one past the committed offset, the next offset to read, leaving that one a hole. The gap is now
   the offsets strictly between the two reads, from the committed offset on.
6. `commit_transactions_at_once`: under exactly-once each source partition has a transaction of its own, and a
   commit ends every one that moved: faust ends them one after the other (AddOffsetsToTxn, TxnOffsetCommit and
   EndTxn, three broker round trips each), so a commit cost 0.1–0.3 s with ten partitions moving. They are
   independent (each its own producer, transactional id and lock), so they are now ended concurrently: a commit
   costs about one transaction's round trips, which is what makes a 100 ms commit interval affordable.

7. `record_transactional_commits`: faust's livelock detector logs `Has not committed TP(...) at all since worker
   start` at ERROR for every partition with a backlog once `broker_commit_livelock_soft_timeout` (5 min) passes
   without a commit it knows of. It learns of commits only in the consumer's own offset commit, which exactly-once
   never uses: there the offsets go into the transactions (`TransactionManager.commit`). So every exactly-once
   worker busy for more than 5 minutes reported its committed partitions as never committed (13 ERROR lines in a
   normal replay; `tests/integration/test_worker_log_kafka.py` shortens the timeout to 3 s and sees them at once).
   A successful transactional commit now records its partitions' commit time as the consumer's commit does.

They are written against faust-streaming's private code of one version (`WRITTEN_FOR`): `apply_all` refuses any
other version with `FaustVersionError` rather than patch code it was not read against. 0.15.3 is also the newest
release (December 2026), so no released upstream fix covers any of them; faust's own flush before a commit
(faust-streaming#273) serves the at-least-once path only. The spinner's debug records (faust's `Worker` installs a
terminal spinner as a DEBUG root log handler) need no correction: `quiet_worker` in faust_app.py turns the spinner
off through the worker's own `spinner` attribute when the output is not a terminal.
"""

from __future__ import annotations

import asyncio
import logging
import time
from importlib import metadata
from typing import Any

#: The faust-streaming release these corrections were read against and tested with.
WRITTEN_FOR = "0.15.3"

_log = logging.getLogger(__name__)

#: How long the drain loop waits for records while a partition is held back for a full queue (seconds).
HELD_BACK_POLL_S = 0.05


class FaustVersionError(RuntimeError):
    """The installed faust-streaming is not the version the corrections were written for."""


def check_version(installed: str | None = None) -> None:
    """Raise `FaustVersionError` unless faust-streaming `WRITTEN_FOR` is installed (or `installed` names it)."""
    found = installed if installed is not None else _installed_version()
    if found != WRITTEN_FOR:
        raise FaustVersionError(
            f"streams/runtime/faust_patches.py: faust-streaming=={found} is installed, but the corrections here "
            f"replace private code of faust-streaming=={WRITTEN_FOR}; install that version (pyproject.toml pins "
            "it) or re-read each correction against the new release before changing WRITTEN_FOR"
        )


def _installed_version() -> str:
    try:
        return metadata.version("faust-streaming")
    except metadata.PackageNotFoundError:
        return "(not installed)"


def apply_all() -> None:
    check_version()
    flush_changelog_before_commit()
    deliver_without_a_task_per_message()
    seek_before_resuming_streams()
    gaps_without_their_ends()
    commit_transactions_at_once()
    record_transactional_commits()


def flush_changelog_before_commit() -> None:
    """Make an exactly-once commit include the table writes it covers (idempotent)."""
    from faust.transport.consumer import TransactionManager

    original = TransactionManager.commit
    if getattr(original, "flushes_buffer_first", False):
        return

    async def commit(self: TransactionManager, offsets: Any, start_new_transaction: bool = True) -> bool:
        await self.producer.buffer.flush()
        return await original(self, offsets, start_new_transaction)

    commit.flushes_buffer_first = True  # type: ignore[attr-defined]
    TransactionManager.commit = commit  # type: ignore[method-assign]


def record_transactional_commits() -> None:
    """Tell faust's livelock detector of the partitions an exactly-once commit committed (idempotent)."""
    from faust.transport.consumer import TransactionManager

    original = TransactionManager.commit
    if getattr(original, "records_commit_time", False):
        return

    async def commit(self: TransactionManager, offsets: Any, start_new_transaction: bool = True) -> bool:
        done = await original(self, offsets, start_new_transaction)
        committed_at = getattr(getattr(self.app.consumer, "_thread", None), "tp_last_committed_at", None)
        if done and offsets and committed_at is not None:
            now = time.monotonic()  # the detector's clock
            committed_at.update(dict.fromkeys(offsets, now))
        return bool(done)

    commit.records_commit_time = True  # type: ignore[attr-defined]
    commit.flushes_buffer_first = getattr(original, "flushes_buffer_first", False)  # type: ignore[attr-defined]
    TransactionManager.commit = commit  # type: ignore[method-assign]


def can_hand_over_now(app: Any, tp: Any) -> bool:
    """True when the conductor's callback for a message of `tp` will not wait: flow running, the routing table
    not being rebuilt, and room in the queue of every channel that reads the partition."""
    if not app.flow_control.is_active() or app.consumer.suspend_flow.is_set():
        return False
    conductor = app.topics
    if conductor._tp_to_callback_lock.locked():
        return False
    return not any(channel.queue.full() for channel in conductor._tp_index.get(tp, ()))


def deliver_without_a_task_per_message() -> None:
    """Replace the consumer's drain loop with one that awaits the hand-over directly when it cannot block."""
    from faust.transport.consumer import CONSUMER_FETCHING, Consumer

    if getattr(Consumer._drain_messages, "hands_over_directly", False):
        return

    # The loop below is faust 0.15.3's `Consumer._drain_messages` with the two changes the module docstring
    # describes (marked); everything else (read offsets, gaps, commit every n acks) is unchanged.
    async def _drain_messages(self: Any, fetcher: Any) -> None:  # pragma: no cover - runs inside a worker
        callback = self.callback
        getmany = self.getmany
        consumer_should_stop = self._stopped.is_set
        fetcher_should_stop = fetcher._stopped.is_set
        get_read_offset = self._read_offset.__getitem__
        set_read_offset = self._read_offset.__setitem__
        set_flag = self.diag.set_flag
        unset_flag = self.diag.unset_flag
        commit_every = self._commit_every
        acks_enabled_for = self.app.topics.acks_enabled_for
        app = self.app
        yield_every = 100
        num_since_yield = 0
        sleep = asyncio.sleep
        try:
            while not (consumer_should_stop() or fetcher_should_stop()):
                set_flag(CONSUMER_FETCHING)
                # changed: a short wait while a partition is held back for a full queue
                ait = getmany(timeout=HELD_BACK_POLL_S if self._buffered_partitions else 1.0)
                await self.sleep(0)
                if not self.should_stop:
                    seeks = getattr(self, "seeks", 0)
                    async for tp, message in ait:
                        # changed: records fetched before a seek are stale (the seek rewound their partitions)
                        if getattr(self, "seeks", 0) != seeks:
                            break
                        num_since_yield += 1
                        if num_since_yield > yield_every:
                            await sleep(0)
                            num_since_yield = 0
                        offset = message.offset
                        r_offset = get_read_offset(tp)
                        if r_offset is None or offset >= r_offset:
                            gap = offset - (r_offset or 0)
                            if gap > 1 and r_offset and acks_enabled_for(message.topic):
                                await self._add_gap(tp, r_offset + 1, offset)
                            if commit_every is not None and self._n_acked >= commit_every:
                                self._n_acked = 0
                                await self.commit()
                            # changed: no task per message when the hand-over cannot block
                            if can_hand_over_now(app, tp):
                                await callback(message)
                            else:
                                await self.wait_first(callback(message), self.suspend_flow.wait())
                            set_read_offset(tp, offset)
                    unset_flag(CONSUMER_FETCHING)
        except self.consumer_stopped_errors:
            if self.transport.app.should_stop:
                self.log.info("Broker stopped consumer, shutting down...")
                return
            raise
        except asyncio.CancelledError:
            if self.transport.app.should_stop:
                self.log.info("Consumer shutting down for user cancel.")
                return
            raise
        except Exception as exc:
            self.log.exception("Drain messages raised: %r", exc)
            raise
        finally:
            unset_flag(CONSUMER_FETCHING)

    _drain_messages.hands_over_directly = True  # type: ignore[attr-defined]
    Consumer._drain_messages = _drain_messages  # type: ignore[method-assign]


def seek_before_resuming_streams() -> None:
    """Keep assigned partitions paused until they are seeked to their committed offsets, then resume them."""
    from faust.tables.recovery import Recovery
    from faust.transport.consumer import Consumer

    if getattr(Recovery._resume_streams, "seeks_first", False):
        return

    original_assigned = Consumer.on_partitions_assigned

    async def on_partitions_assigned(self: Any, assigned: Any, generation_id: int = 0) -> None:
        # paused before faust marks them active; recovery resumes the changelogs, `_resume_streams` the rest
        self._paused_partitions.update(assigned)
        await original_assigned(self, assigned, generation_id)

    Consumer.on_partitions_assigned = on_partitions_assigned  # type: ignore[method-assign]

    original_seek = Consumer.perform_seek

    async def perform_seek(self: Any) -> None:
        self.seeks = getattr(self, "seeks", 0) + 1  # the drain loop drops what it fetched before
        await original_seek(self)

    Consumer.perform_seek = perform_seek  # type: ignore[method-assign]

    from faust.transport.consumer import ThreadDelegateConsumer

    original_getmany = ThreadDelegateConsumer._getmany

    async def _getmany(self: Any, active_partitions: Any, timeout: float) -> Any:
        # faust passes its live set of active partitions; aiokafka reads an empty set as "every partition", so
        # when the set emptied during the wait (recovery pausing its changelogs) aiokafka returned records of the
        # paused stream partitions too, fetched before their seek
        if active_partitions is not None:
            active_partitions = set(active_partitions)
            if not active_partitions:
                return {}
        return await original_getmany(self, active_partitions, timeout)

    ThreadDelegateConsumer._getmany = _getmany  # type: ignore[method-assign]

    original_drop = Consumer.on_buffer_drop

    def on_buffer_drop(self: Any, tp: Any) -> None:
        # a partition whose queue drained is fetched again, unless it is paused meanwhile (a rebalance)
        if tp in self._paused_partitions:
            self._buffered_partitions.discard(tp)
            return
        original_drop(self, tp)

    Consumer.on_buffer_drop = on_buffer_drop  # type: ignore[method-assign]

    # Both ways out of recovery resume the stream partitions and then seek them; the resumptions they ask for are
    # held back until they return, by then seeked
    for name in ("_resume_streams", "on_recovery_completed"):
        setattr(Recovery, name, _resuming_after_the_seek(getattr(Recovery, name)))
    Recovery._resume_streams.seeks_first = True  # type: ignore[attr-defined]


def gaps_without_their_ends() -> None:
    """Record a gap in a partition's offsets as the offsets strictly between two reads, from the committed one on."""
    from faust.transport.consumer import Consumer

    if getattr(Consumer._add_gap, "without_ends", False):
        return

    async def add_gap(self: Any, tp: Any, offset_from: int, offset_to: int) -> None:
        # faust calls this with (last offset read + 1, offset just read); the latter is acknowledged on its own
        committed = self._committed_offset[tp]
        if committed is not None:
            offset_from = max(offset_from, committed)  # the committed offset is the next one to read
        if offset_from < offset_to:
            gap_for_tp = self._gap[tp]
            gap_for_tp.addi(offset_from, offset_to)
            await asyncio.sleep(0)
            gap_for_tp.merge_overlaps()

    add_gap.without_ends = True  # type: ignore[attr-defined]
    Consumer._add_gap = add_gap  # type: ignore[method-assign]


def commit_transactions_at_once() -> None:
    """End the transactions of one commit concurrently, each under its own lock as faust does."""
    from faust.transport.drivers.aiokafka import Producer

    if getattr(Producer.commit_transactions, "at_once", False):
        return

    async def commit_transactions(
        self: Any, tid_to_offset_map: Any, group_id: str, start_new_transaction: bool = True
    ) -> None:
        async def end(transactional_id: str, offsets: Any) -> None:
            async with self._trn_locks[transactional_id]:
                producer = self._transaction_producers.get(transactional_id)
                if producer is None:
                    _log.warning("Commit invoked for unknown transaction %s", transactional_id)
                    return
                await producer.send_offsets_to_transaction(offsets, group_id)
                await producer.commit_transaction()
                if start_new_transaction:
                    await producer.begin_transaction()

        await asyncio.gather(*(end(tid, offsets) for tid, offsets in tid_to_offset_map.items()))

    commit_transactions.at_once = True  # type: ignore[attr-defined]
    Producer.commit_transactions = commit_transactions  # type: ignore[method-assign]


def _resuming_after_the_seek(method: Any) -> Any:
    async def resuming_after_the_seek(self: Any, generation_id: int = 0) -> None:
        consumer = self.app.consumer
        resume = consumer.resume_partitions
        held_back: list[set[Any]] = []
        consumer.resume_partitions = lambda tps: held_back.append(set(tps))
        try:
            await method(self, generation_id)
        finally:
            consumer.resume_partitions = resume
        for tps in held_back:
            resume(tps)

    return resuming_after_the_seek
