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
4. `seek_before_resuming_streams`: after a rebalance's table recovery faust resumes the stream partitions and only
   then seeks them to their committed offsets, a broker round trip later. Records fetched in between were handed to
   the agents, and the fetch that was still being drained when the seek landed carried the partition's read
   position past records the seek had just rewound to: a restarted worker processed the first few records of a
   partition and silently skipped the next hundred (`tests/faults/test_worker_killed.py`, the kill -9 tests, lost
   a report and a call about one run in three under load). The seek now happens while the partitions are still
   paused, so the first fetch starts at the committed offset.
5. `no_debug_records_for_the_spinner`: `faust.Worker` installs a terminal progress spinner as a root log handler
   at DEBUG level even when its output is not a terminal, so every debug call of aiokafka and faust (several per
   record sent) built a log record nobody reads. Off a terminal the spinner is dropped and the level stays as set.
"""

from __future__ import annotations

import asyncio
from typing import Any

#: How long the drain loop waits for records while a partition is held back for a full queue (seconds).
HELD_BACK_POLL_S = 0.05


def apply_all() -> None:
    flush_changelog_before_commit()
    deliver_without_a_task_per_message()
    seek_before_resuming_streams()
    no_debug_records_for_the_spinner()


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
                    async for tp, message in ait:
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
    """Seek the stream partitions to their committed offsets before resuming them, not after."""
    from faust.tables.recovery import Recovery

    if getattr(Recovery._resume_streams, "seeks_first", False):
        return

    # faust 0.15.3's `Recovery._resume_streams` with the seek moved before `resume_partitions` (marked)
    async def _resume_streams(self: Any, generation_id: int = 0) -> None:  # pragma: no cover - runs inside a worker
        app = self.app
        consumer = app.consumer
        await app.on_rebalance_complete.send()
        assignment = consumer.assignment()
        if app.consumer_generation_id != generation_id:
            self.log.warning("Recovery rebalancing again")
            return
        if assignment:
            # changed: seek first, while the stream partitions are still paused
            self.log.info("Seek stream partitions to committed offsets.")
            await self._wait(consumer.perform_seek(), timeout=app.conf.broker_request_timeout)
            consumer.resume_partitions({tp for tp in assignment if not self._is_changelog_tp(tp)})
        else:
            self.log.info("Resuming streams with empty assignment")
        self.completed.set()
        self.log.info("Resuming flow...")
        app.flow_control.resume()
        consumer.resume_flow()
        await app._fetcher.maybe_start()
        self.tables.on_actives_ready()
        self.tables.on_standbys_ready()
        app.on_rebalance_end()
        self.log.info("Worker ready")

    _resume_streams.seeks_first = True  # type: ignore[attr-defined]
    Recovery._resume_streams = _resume_streams  # type: ignore[method-assign]


def no_debug_records_for_the_spinner() -> None:
    """Off a terminal, a faust Worker gets no spinner, so the root logger keeps the level the worker was given."""
    from faust.worker import Worker

    original = Worker.on_setup_root_logger
    if getattr(original, "spinner_only_on_a_terminal", False):
        return

    def on_setup_root_logger(self: Worker, logger: Any, level: int) -> None:
        spinner = self.spinner
        if spinner is not None and not _is_terminal(spinner.file):
            self.spinner = None
        original(self, logger, level)

    on_setup_root_logger.spinner_only_on_a_terminal = True  # type: ignore[attr-defined]
    Worker.on_setup_root_logger = on_setup_root_logger  # type: ignore[method-assign]


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
