"""The worker's checkpoint: how input, outputs and state are committed together (the exactly-once protocol).

Under exactly-once (`processing_guarantee="exactly_once"`) a worker keeps one Kafka transaction open per source
partition group it owns (faust names it `<app>-<topic group>-<partition>`), and everything that follows from an
input joins the transaction of that input's partition:

1. **What one transaction holds**: the offsets of the inputs processed since the last commit; every output those
   inputs produced (signals, dead letters, feed deltas, the picture, incident and task records, parked failures,
   the ingest counts); and the changelog records of the state those inputs changed: remembered event ids, counts,
   every device's detector state, and the theater's incidents, tasks, responders and `meta` record. A reader with
   `isolation_level=read_committed` sees all of it or none of it. faust alone routes a send to the transaction of
   its *destination* partition and sends to a topic no agent reads outside any transaction; `Outputs` sends each
   record into the transaction of its *input* instead.
2. **When a commit happens**: on faust's timer (`broker_commit_interval`, 100 ms under exactly-once), and only
   between batches of input (`CommitGate`): no agent starts a batch while a commit runs, and a commit waits for
   the batches in progress. Just before each commit the `before_commit` hooks write the state changed since the
   last one (counts, remembered ids, detector and theater state) into the same transactions, so the state
   committed describes exactly the input whose offsets are committed. The transactions of one commit end
   concurrently (`faust_patches.commit_transactions_at_once`), after faust's producer buffer is flushed into them
   (`faust_patches.flush_changelog_before_commit`).
3. **What a revocation does**: a rebalance may move partitions, and faust seeks every partition back to its
   committed offset afterwards, so the worker commits first (through the gate); if that commit fails, the tables
   are emptied and rebuilt from their committed changelogs. Either way the in-memory step state is forgotten and
   rebuilt from the tables on the next input.
4. **What a restart recovers**: the open transactions of a dead worker are aborted (the next owner of the same
   transactional ids fences them); tables are rebuilt from their changelogs (committed records only); each
   partition resumes at its committed offset, and only once it has been sought there (`faust_patches`). What the
   restarted worker then does equals what the dead one had left undone: nothing is lost, nothing applied twice.
5. **A batch left unfinished** (an agent raised or was cancelled mid-batch) has some of its outputs in the open
   transaction: the worker commits nothing more (`UnfinishedBatch` at its next commit stops it), so the
   transactions are aborted and a restarted or surviving worker takes over from the last commit.

Under at-least-once a commit records offsets only; outputs are visible when sent and state is written after each
batch. The pure parts (the gate, table writes as a mapping, the choice of transaction) are tested without Kafka.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, MutableMapping
from typing import Any

import faust

_log = logging.getLogger(__name__)

#: How often an exactly-once worker logs what its commits cost (seconds).
COMMIT_REPORT_EVERY_S = 10.0


class UnfinishedBatch(RuntimeError):
    """A batch's outputs are partly in the open transaction: committing it would apply them twice."""


class CommitGate:
    """Under exactly-once, a commit falls between batches of events, never inside one.

    faust commits on a timer, with the offsets of the events already acknowledged. A batch still being
    processed has sent some outputs and table writes into the open transaction; committed without its offsets,
    they were applied again when the batch was processed again after a crash (a casualty report counted twice).
    Agents iterate through `batches`; the wrapped commit waits until no agent is inside a batch, and no agent
    starts one until the commit is done. A batch is acknowledged as its agent asks for the next one (faust acks
    the events of a `take_events` batch when the generator resumes, before it waits again, so no commit can run
    between the end of a batch and its acknowledgement).

    A batch left unfinished (the agent raised or was cancelled, e.g. while the worker stops) may still be
    acknowledged by faust's cleanup; its outputs are partial, so from then on this worker commits nothing: its
    next commit raises `UnfinishedBatch`, which stops the worker.

    `before_commit` hooks run when no agent is inside a batch, just before the commit: state written there
    describes exactly the input the commit covers.
    """

    def __init__(self) -> None:
        self._inside = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._open = asyncio.Event()
        self._open.set()
        self._committing = asyncio.Lock()
        self._hooks: list[Callable[[], Awaitable[None]]] = []
        self.broken: str | None = None
        # seconds each commit took, from the wait for the batches in progress to the end of the transactions
        self.commit_seconds: list[float] = []

    def commit_report(self) -> str | None:
        """One line on the commits since the last report (None when there were none), and start afresh."""
        took, self.commit_seconds = sorted(self.commit_seconds), []
        if not took:
            return None
        ms = [1000 * t for t in took]
        return (
            f"commits: {len(ms)}, median {ms[len(ms) // 2]:.1f} ms, p99 {ms[min(len(ms) - 1, len(ms) * 99 // 100)]:.1f}"
            f" ms, max {ms[-1]:.1f} ms"
        )

    def before_commit(self, hook: Callable[[], Awaitable[None]]) -> None:
        self._hooks.append(hook)

    async def batches(self, stream: Any, size: int, within_s: float) -> AsyncIterator[list[Any]]:
        async for events in stream.take_events(size, within=within_s):
            await self._open.wait()
            self._inside += 1
            self._idle.clear()
            try:
                yield events
            except BaseException as exc:  # raised in the agent, or the generator closed at the yield
                if self.broken is None:
                    self.broken = f"a batch of {len(events)} events was left unfinished: {exc!r}"
                    _log.error("%s; this worker commits nothing more and stops", self.broken)
                raise
            finally:
                self._inside -= 1
                if self._inside == 0:
                    self._idle.set()

    def wrap(self, commit: Callable[..., Awaitable[bool]]) -> Callable[..., Awaitable[bool]]:
        async def commit_between_batches(*args: Any, **kwargs: Any) -> bool:
            async with self._committing:
                self._open.clear()
                began = time.perf_counter()
                try:
                    await self._idle.wait()
                    if self.broken is not None:
                        # the worker must not go on without commits: stopping lets a restarted or surviving
                        # worker take over from the last commit (the open transactions are aborted)
                        raise UnfinishedBatch(self.broken)
                    for hook in self._hooks:
                        await hook()
                    return await commit(*args, **kwargs)
                finally:
                    self._open.set()
                    if len(self.commit_seconds) < 100_000:
                        self.commit_seconds.append(time.perf_counter() - began)

        commit_between_batches.gated = True  # type: ignore[attr-defined]
        return commit_between_batches


def transactional_id(app_id: str, topic_group: int, partition: int) -> str:
    """The transaction an input partition's effects join: faust's name for it, one per (topic group, partition).

    faust groups topics by partition count, so every one-partition topic (agency reports, commands, task
    replies, signals) shares one transaction: `<app>-<group>-0`."""
    return f"{app_id}-{topic_group}-{partition}"


class Outputs:
    """Sends what an agent produced. Under exactly-once, every output joins the transaction of the input being
    processed, so the input's offset, the tables and the outputs commit or abort together.

    faust alone does not do that here: it routes a send to the transaction of the *destination* partition's
    topic group, and sends to a topic no agent reads (feed, tasks, incidents, dlq) to no transaction at all.
    A worker killed mid-stream then left committed feed deltas of input it would process again, and signals
    from sensor readings whose offsets were never committed (or the reverse: readings committed, signals lost).
    """

    def __init__(self, app: faust.App, exactly_once: bool) -> None:
        self.app = app
        self.exactly_once = exactly_once
        self._transactional_ids: dict[Any, str] = {}  # source partition -> id (fixed by the app's topic groups)

    async def send(self, channel: Any, key: bytes, value: bytes, source: Any) -> None:
        if not self.exactly_once:
            await channel.send(key=key, value=value)
            return
        await self._send_in_transaction(channel.get_topic_name(), key, value, None, source)

    async def _send_in_transaction(
        self, topic: str, key: bytes, value: bytes | None, partition: int | None, source: Any
    ) -> None:
        tid = self._transactional_ids.get(source)
        if tid is None:
            app = self.app
            tid = transactional_id(app.conf.id, app.assignor.group_for_topic(source.topic), source.partition)
            self._transactional_ids[source] = tid
        producer = self.app.consumer.transactions.producer
        await producer.send(topic, key, value, partition, None, None, transactional_id=tid)

    async def write(self, writes: TableWrites, source: Any) -> None:
        """Send the changelog records of table writes made while processing input from `source`, and forget them.

        Each goes to the changelog partition of the input (tables are co-partitioned with their source) and, under
        exactly-once, into the input's transaction: faust's own path (`table[key] = value`) takes the partition from
        the current event, which a batch does not have, and queues every record through its producer buffer.
        """
        for table, key, value in writes.pending:
            topic = table.changelog_topic
            if not self.exactly_once:
                await topic.send(
                    key=key,
                    value=value,
                    partition=source.partition,
                    key_serializer=table.key_serializer,
                    value_serializer="raw",
                )
                continue
            raw_key, _ = topic.prepare_key(key, table.key_serializer)
            await self._send_in_transaction(topic.get_topic_name(), raw_key, value, source.partition, source)
        writes.pending.clear()


class TableWrites(MutableMapping[str, bytes]):
    """A faust table as a mapping whose writes change its store at once and wait in `pending` for `Outputs.write`
    to send their changelog records (reads see the writes at once, as with the table itself)."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self.pending: list[tuple[Any, str, bytes | None]] = []

    def __getitem__(self, key: str) -> bytes:
        value: bytes = self.table.data[key]
        return value

    def __setitem__(self, key: str, value: bytes) -> None:
        self.table.data[key] = value
        self.pending.append((self.table, key, value))

    def __delitem__(self, key: str) -> None:
        del self.table.data[key]
        self.pending.append((self.table, key, None))

    def __iter__(self) -> Iterator[str]:
        return iter(self.table.data)

    def __len__(self) -> int:
        return len(self.table.data)


class Checkpoint:
    """One worker's side of the protocol: the gate, the outputs, and what a rebalance does.

    Build it before the agents, register what to write before each commit (`before_commit`) and what in-memory
    state to drop when partitions are revoked (`on_revoked`); `install` connects it to the app's rebalance
    signals (and, under exactly-once, a timer that logs what commits cost)."""

    def __init__(self, app: faust.App, exactly_once: bool) -> None:
        self.app = app
        self.exactly_once = exactly_once
        self.gate = CommitGate()
        self.outputs = Outputs(app, exactly_once)
        self._forget: list[Callable[[], None]] = []

    def before_commit(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Under exactly-once, run `hook` just before every commit, with no batch in progress."""
        if self.exactly_once:
            self.gate.before_commit(hook)

    def on_revoked(self, forget: Callable[[], None]) -> None:
        """Call `forget` when partitions are revoked, once the work done is committed."""
        self._forget.append(forget)

    def batches(self, stream: Any, size: int, within_s: float) -> AsyncIterator[list[Any]]:
        return self.gate.batches(stream, size, within_s)

    def install(self) -> None:
        app = self.app
        app.on_partitions_revoked.connect(self._revoked)
        app.on_partitions_assigned.connect(self._gate_commits)
        if self.exactly_once:
            app.timer(COMMIT_REPORT_EVERY_S)(self._report_commits)

    async def _revoked(self, sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        """Commit what was processed, then forget the in-memory state (a rebalance may move partitions).

        faust does not commit when partitions are revoked under exactly-once: after the rebalance it seeks every
        partition back to its committed offset, while a partition it keeps keeps its open transaction and its
        tables keep the writes made since the last commit. That input was then processed a second time on top of
        its own effects. Committing here (between batches, through the gate) makes the committed offsets, the
        transactions and the tables describe the same input. If that commit fails, the tables are emptied and
        rebuilt from their committed changelogs instead.
        """
        app = self.app
        if self.exactly_once and app.consumer.assignment():
            try:
                await app.consumer.commit()
            except Exception as exc:  # fenced, or the broker went away: fall back on the committed changelogs
                _log.warning("commit on revocation failed (%r): tables are rebuilt from their changelogs", exc)
                forget_tables(app)
        for forget in self._forget:
            forget()

    def _gate_commits(self, sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        # The consumer's commit, not the transaction manager's: faust picks the offsets to commit from the
        # acknowledgements before it calls the latter, so a batch that finished while the gate waited had its
        # outputs and table writes committed without its offsets (processed again after a crash).
        consumer = self.app.consumer
        if self.exactly_once and not getattr(consumer.commit, "gated", False):
            consumer.commit = self.gate.wrap(consumer.commit)  # type: ignore[method-assign, assignment]

    async def _report_commits(self) -> None:
        line = self.gate.commit_report()
        if line is not None:
            # at WARNING, the worker's level: the cost of commits is what bounds exactly-once latency
            _log.warning("%s in the last %.0f s", line, COMMIT_REPORT_EVERY_S)


def forget_tables(app: faust.App) -> None:
    """Empty every table and make recovery read its changelog from the start (committed records only)."""
    for table in app.tables.values():
        store = table.data
        store.data.clear()
        getattr(store, "_key_partition", {}).clear()
    recovery: Any = app.tables.recovery  # type: ignore[attr-defined]
    recovery.active_offsets.clear()
