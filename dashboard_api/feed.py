"""The websocket feed's fan-out: numbered deltas to every connected client, scoped per viewer.

`publish` is synchronous and never waits for a client: it applies the delta to the picture, keeps it in a
bounded history for resume, and appends the viewer's encoded message to each client's bounded queue. A client
whose queue is full is not waited for: its queue is dropped and its next message is a fresh snapshot.

Each client's `pump` task drains its queue to the socket. A snapshot is built by the pump under the hub's lock,
so it and the deltas queued after it are consistent: nothing is missed or sent twice across the switch.
`publish` may be called from any thread (a Kafka consumer thread, a test); the lock makes it atomic with
snapshots and resumes, and a client's pump is woken on its own event loop.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import msgspec

from dashboard_api.access import Viewer
from dashboard_api.deltas import as_delta_json, delta_from_json
from dashboard_api.picture import Picture

if TYPE_CHECKING:
    from dashboard_api.metrics import FeedTimings
from dashboard_api.scoping import SeenBefore, incident_of, incident_visible, scope, seen_apart_from_incident
from streams.wire.records import Delta

_ENCODER = msgspec.json.Encoder()
_MISSING = object()
# A batching client gets what queued up while it was being served in frames of up to this many characters.
MAX_FRAME_CHARS = 256 * 1024
_ALONE = ('{"type":"snapshot"', '{"type":"resumed"')
# A snapshot of a view is reused, followed by the deltas since, while it is at most this many deltas old
# (and no more than a client queue holds: a resynced client must get less, not more).
SNAPSHOT_REUSE_DELTAS = 200


class FeedClient:
    """One websocket connection's place in the fan-out."""

    __slots__ = (
        "batch",
        "heartbeat",
        "key",
        "lang",
        "limit",
        "loop",
        "needs_snapshot",
        "queue",
        "queued_at",
        "resyncs",
        "thread",
        "viewer",
        "waiter",
    )

    def __init__(
        self, viewer: Viewer, limit: int, loop: asyncio.AbstractEventLoop, batch: bool = False, lang: str | None = None
    ):
        self.viewer = viewer
        self.batch = batch
        self.lang = lang  # the operator language in this language only (None: both)
        self.key = (*viewer.view_key, lang or "")
        self.limit = limit
        self.loop = loop
        self.thread = threading.get_ident()
        self.queue: deque[str] = deque()
        self.needs_snapshot = False
        self.resyncs = 0
        self.waiter: asyncio.Future[None] | None = None
        self.heartbeat: asyncio.TimerHandle | None = None
        self.queued_at = 0.0  # when the oldest message now waiting in the queue was queued (perf_counter)


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class FeedHub:
    def __init__(
        self,
        picture: Picture,
        history: int = 10_000,
        client_queue: int = 1_000,
        heartbeat_s: float = 10,
        history_bytes: int = 64 * 2**20,
        batch_linger_s: float = 0.1,
        epoch: str | None = None,
    ):
        if history < 1 or client_queue < 1 or heartbeat_s <= 0 or history_bytes < 1 or batch_linger_s < 0:
            raise ValueError(
                f"history={history}, client_queue={client_queue}, history_bytes={history_bytes} must be ≥ 1, "
                f"heartbeat_s={heartbeat_s} > 0 and batch_linger_s={batch_linger_s} ≥ 0"
            )
        self.picture = picture
        self.history_limit = history
        self.history_bytes_limit = history_bytes
        self.client_queue = client_queue
        self.heartbeat_s = heartbeat_s
        # A batching client, once woken, waits this long for more before its frame goes: a busy feed then
        # costs it at most 1/batch_linger_s frames a second, however many deltas there are.
        self.batch_linger_s = batch_linger_s
        # Identifies this hub's numbering: a client resuming with another epoch's seq gets a snapshot. API
        # instances fed from one Kafka feed topic share its numbering, so they are given the same epoch.
        self.epoch = epoch or uuid.uuid4().hex[:12]
        self.lock = threading.RLock()
        # each delta with how its incident stood before it, so that a client resuming after it (or given a snapshot
        # from before it) is sent what of an incident that came into its view meanwhile was emitted earlier
        self._history: deque[tuple[int, bytes, SeenBefore | None]] = deque()
        self._history_bytes = 0
        self._first_seq = picture.seq + 1  # every delta from here on is in the history
        self._clients: dict[FeedClient, None] = {}
        self._snapshots: dict[tuple[str, ...], tuple[int, str]] = {}
        self.published = 0
        self.resyncs = 0
        self.snapshots_sent = 0
        self.snapshots_built = 0
        self.resumes = 0
        self.timings: FeedTimings | None = None  # latency histograms, when the app has a /metrics registry

    # -- the core side ------------------------------------------------------------------------------

    def publish(self, delta: Delta | dict[str, Any]) -> None:
        """Apply and fan out one delta; returns at once whatever the clients are doing."""
        started = time.perf_counter()
        self._publish(delta)
        if self.timings is not None:
            self.timings.publish.observe(time.perf_counter() - started)

    def _publish(self, delta: Delta | dict[str, Any]) -> None:
        data, _ = as_delta_json(delta)
        with self.lock:
            previous = self.picture.seq
            # which views saw this delta's incident before it: a view that sees it only from now on is sent what
            # it could not see of it until now (its tasks, notifications, ...), whatever order they came in
            concerned = incident_of(data["kind"], data["key"], data["data"])
            before = None if concerned is None else SeenBefore.of(concerned, self.picture)
            saw_before: dict[tuple[str, ...], bool] = {}
            if before is not None:
                for client in self._clients:
                    if client.key not in saw_before:
                        saw_before[client.key] = before.visible_to(client.viewer)
            if not self.picture.apply(data):
                return
            seq = data["seq"]
            raw = _ENCODER.encode(data)  # after apply: it carries the fleet facts the picture added
            if previous and seq != previous + 1:
                self._history.clear()
                self._history_bytes = 0
                self._first_seq = seq
            self._history.append((seq, raw, before))
            self._history_bytes += len(raw)
            while len(self._history) > self.history_limit or self._history_bytes > self.history_bytes_limit:
                old_seq, old_raw, _ = self._history.popleft()
                self._history_bytes -= len(old_raw)
                self._first_seq = old_seq + 1
            self.published += 1
            cache: dict[tuple[str, ...], str | None] = {}
            caught_up: dict[tuple[str, ...], list[str]] = {}
            for client in self._clients:
                if client.needs_snapshot:
                    continue
                text = cache.get(client.key, _MISSING)
                if text is _MISSING:
                    text = cache[client.key] = self._delta_text(client.viewer, data, client.lang)
                if text is not None:
                    self._push(client, text)  # type: ignore[arg-type]
                if concerned is not None and not saw_before.get(client.key, True):
                    more = caught_up.get(client.key)
                    if more is None:
                        more = caught_up[client.key] = self._catch_up(client.viewer, concerned, data, client.lang)
                    for extra in more:
                        self._push(client, extra)

    def _delta_text(self, viewer: Viewer, data: dict[str, Any], lang: str | None = None) -> str | None:
        seen = scope(viewer, data["kind"], data["key"], data["data"], self.picture)
        if seen is None:
            return None
        message = {"type": "delta", "seq": data["seq"], "at_ms": data["at_ms"], "kind": data["kind"]}
        message.update(key=data["key"], data=in_language(seen, lang))
        if "say" in data:
            message["say"] = {lang: data["say"].get(lang, [])} if lang else data["say"]
        return _ENCODER.encode(message).decode()

    def _catch_up(
        self,
        viewer: Viewer,
        incident_id: str,
        data: dict[str, Any],
        lang: str | None,
        sent: set[tuple[str, str]] | None = None,
    ) -> list[str]:
        """`catch_up` messages for a view that sees an incident from this delta on: the incident (unless this delta
        is it) and what belongs to it that the view could not see before, each as it is now. They follow the delta,
        with its seq, so a client that resumes from that seq has them. `sent`: what the view was sent as deltas
        instead (after a resume or a reused snapshot); the incident is sent unless it is among them."""
        pic = self.picture
        incident = pic.incidents.get(incident_id)
        if incident is None or not incident_visible(viewer, incident, pic):
            return []
        items = [] if data["kind"] == "incident" and sent is None else [("incident", incident_id, incident)]
        items += [
            (kind, key, entity)
            for kind, key, entity in pic.related(incident_id)
            if (kind, key) != (data["kind"], data["key"]) and not seen_apart_from_incident(viewer, kind, entity)
        ]
        if sent:
            items = [item for item in items if (item[0], item[1]) not in sent]
        texts = []
        for kind, key, entity in items:
            seen = scope(viewer, kind, key, entity, pic)
            if seen is not None:
                message = {"type": "catch_up", "seq": data["seq"], "at_ms": data["at_ms"], "kind": kind, "key": key}
                message["data"] = in_language(seen, lang)
                texts.append(_ENCODER.encode(message).decode())
        return texts

    def _push(self, client: FeedClient, text: str) -> None:
        if len(client.queue) >= client.limit:
            client.queue.clear()
            client.needs_snapshot = True
            client.resyncs += 1
            self.resyncs += 1
        else:
            if not client.queue:
                client.queued_at = time.perf_counter()
            client.queue.append(text)
        self._wake(client)

    @staticmethod
    def _wake(client: FeedClient) -> None:
        waiter = client.waiter
        if waiter is None:
            return
        if threading.get_ident() == client.thread:
            _resolve(waiter)
        else:
            client.loop.call_soon_threadsafe(_resolve, waiter)

    # -- the client side ----------------------------------------------------------------------------

    def connect(
        self,
        viewer: Viewer,
        since: int | None = None,
        epoch: str | None = None,
        batch: bool = False,
        lang: str | None = None,
    ) -> FeedClient:
        """Register a client (call on its event loop). It starts with a snapshot, or with the deltas it missed
        after `since` if all of them are still in the history (and `epoch`, if given, is this hub's).

        A `batch` client accepts several messages in one frame, one per line, when they queued up for it; a
        `lang` client gets the operator language in that language only.
        """
        client = FeedClient(viewer, self.client_queue, asyncio.get_running_loop(), batch, lang)
        with self.lock:
            missed = self._missed(viewer, since, epoch, lang)
            if missed is None:
                client.needs_snapshot = True
            else:
                self.resumes += 1
                hello = {"type": "resumed", "since": since, "seq": self.picture.seq, "epoch": self.epoch}
                client.queue.append(_ENCODER.encode(hello).decode())
                client.queue.extend(missed)
            self._clients[client] = None
        return client

    def _missed(self, viewer: Viewer, since: int | None, epoch: str | None, lang: str | None) -> list[str] | None:
        if since is None or (epoch is not None and epoch != self.epoch):
            return None
        if not self._first_seq - 1 <= since <= self.picture.seq:
            return None
        texts = self._after(viewer, since, lang)
        return texts if len(texts) < self.client_queue else None

    def _after(self, viewer: Viewer, since: int, lang: str | None = None) -> list[str]:
        """The viewer's messages for the deltas after `since`, from the history (which must reach back to it): for a
        client resuming from `since`, or after a reused snapshot of `since`.

        Such a client holds what it could see at `since`. An incident that came into its view within the range
        (it could not see it before the first delta of the range that concerns it, and can now) is followed by
        what belongs to it and was emitted before `since` (`catch_up` messages, as live), so the client misses
        nothing of it; an incident it saw all along brings nothing more than its deltas."""
        texts = []
        sent: set[tuple[str, str]] = set()
        touched: dict[str, dict[str, Any]] = {}  # incident → the latest delta in range that concerns it
        first: dict[str, SeenBefore] = {}  # incident → how it stood before the earliest delta in range of it
        whole: dict[str, bool] = {}  # incident → whether the earliest delta of it sent carries its whole evidence
        for seq, raw, before in reversed(self._history):
            if seq <= since:
                break
            data = delta_from_json(raw)
            concerned = incident_of(data["kind"], data["key"], data["data"])
            if concerned is not None and before is not None:
                first[concerned] = before
            text = self._delta_text(viewer, data, lang)
            if text is not None:
                texts.append(text)
                sent.add((data["kind"], data["key"]))
                if concerned is not None:
                    touched.setdefault(concerned, data)
                if data["kind"] == "incident":
                    whole[data["key"]] = bool(data["data"].get("evidence_complete"))
        texts.reverse()
        for incident_id in sorted(touched):
            seen = first.get(incident_id)
            if seen is not None and seen.visible_to(viewer):
                continue  # in view at `since` already: the client has what came before
            if not whole.get(incident_id, False):
                # its deltas sent carry only the evidence added since the one before: the incident follows whole
                sent.discard(("incident", incident_id))
            last = {**touched[incident_id], "seq": self.picture.seq}
            texts += self._catch_up(viewer, incident_id, last, lang, sent)
        return texts

    def recent(self, viewer: Viewer, limit: int, scan: int = 2_000) -> list[dict[str, Any]]:
        """The viewer's latest feed lines (newest first) from the history: what the page shows on opening."""
        lines: list[dict[str, Any]] = []
        with self.lock:
            for seq, raw, _ in itertools.islice(reversed(self._history), scan):
                data = delta_from_json(raw)
                if "say" not in data or scope(viewer, data["kind"], data["key"], data["data"], self.picture) is None:
                    continue
                lines.append({"seq": seq, "at_ms": data["at_ms"], "kind": data["kind"], "key": data["key"]})
                lines[-1]["say"] = data["say"]
                if len(lines) >= limit:
                    break
        return lines

    def disconnect(self, client: FeedClient) -> None:
        with self.lock:
            self._clients.pop(client, None)
            client.queue.clear()
        if client.heartbeat is not None:
            client.heartbeat.cancel()
        if client.waiter is not None and not client.waiter.done():
            client.waiter.cancel()

    async def pump(self, client: FeedClient, send: Callable[[str], Awaitable[None]]) -> None:
        """Send the client's messages in order until cancelled or `send` fails."""
        loop = asyncio.get_running_loop()
        client.heartbeat = loop.call_later(self.heartbeat_s, self._beat, client)
        while True:
            with self.lock:
                queued_at = 0.0
                if client.needs_snapshot:
                    client.needs_snapshot = False
                    batch = self._snapshot_messages(client.viewer, client.lang, client.key)
                elif client.queue:
                    batch = list(client.queue)
                    client.queue.clear()
                    queued_at = client.queued_at
                else:
                    batch = []
                    waiter = client.waiter = loop.create_future()
            if not batch:
                await waiter
                client.waiter = None
                if client.batch and self.batch_linger_s:
                    await asyncio.sleep(self.batch_linger_s)
                continue
            if client.batch and len(batch) > 1:
                batch = _frames(batch)
            for text in batch:
                if client.needs_snapshot:
                    break  # it fell behind while sending: what is left is superseded by the snapshot
                await send(text)
            if queued_at and self.timings is not None:
                self.timings.delivery.observe(time.perf_counter() - queued_at)

    def _beat(self, client: FeedClient) -> None:
        with self.lock:
            if client not in self._clients:
                return
            if not client.needs_snapshot:
                self._push(client, _ENCODER.encode({"type": "heartbeat", "seq": self.picture.seq}).decode())
        client.heartbeat = client.loop.call_later(self.heartbeat_s, self._beat, client)

    def snapshot(self, viewer: Viewer, lang: str | None = None) -> dict[str, Any]:
        """The picture as `viewer` may see it, at the current seq (the operator language in `lang`, or both)."""
        with self.lock:
            pic = self.picture

            def scoped(kind: str, entities: dict[str, dict[str, Any]]) -> list[Any]:
                out = (scope(viewer, kind, key, data, pic) for key, data in entities.items())
                return [in_language(item, lang) for item in out if item is not None]

            return {
                "type": "snapshot",
                "seq": pic.seq,
                "epoch": self.epoch,
                "at_ms": pic.at_ms,
                "incidents": scoped("incident", pic.incidents),
                "tasks": scoped("task", pic.tasks),
                "responders": scoped("responder", pic.responders),
                "notifications": scoped("notification", pic.notifications),
                "warnings": scoped("warning", pic.warnings),
                "mutual_aid": scoped("mutual_aid", pic.mutual_aid),
                "supplies": scoped("supply", pic.supplies),
                "closures": scoped("closure", pic.closures),
                "reports": scoped("report", pic.reports),
                "work_orders": scoped("work_order", pic.work_orders),
                "readiness": scoped("readiness", pic.readiness),
                "move_ups": scoped("move_up", pic.move_ups),
            }

    def _snapshot_messages(self, viewer: Viewer, lang: str | None = None, key: tuple[str, ...] = ()) -> list[str]:
        """A snapshot, as messages: a recent snapshot of the same view followed by the deltas since it is the
        same picture, and many clients (re)connecting at once then cost one snapshot per view, not one each."""
        self.snapshots_sent += 1
        seq = self.picture.seq
        key = key or (*viewer.view_key, lang or "")
        cached = self._snapshots.get(key)
        if cached is not None:
            at, text = cached
            if at == seq:
                return [text]
            if self._first_seq - 1 <= at and seq - at <= min(SNAPSHOT_REUSE_DELTAS, self.client_queue):
                return [text, *self._after(viewer, at, lang)]
        self.snapshots_built += 1
        text = _ENCODER.encode(self.snapshot(viewer, lang)).decode()
        if len(self._snapshots) > 64:
            self._snapshots.clear()
        self._snapshots[key] = (seq, text)
        return [text]

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return {
                "seq": self.picture.seq,
                "epoch": self.epoch,
                "clients": len(self._clients),
                "deepest_queue": max((len(c.queue) for c in self._clients), default=0),
                "client_queue": self.client_queue,
                "published": self.published,
                "history": len(self._history),
                "history_from_seq": self._first_seq,
                "resyncs": self.resyncs,
                "snapshots_sent": self.snapshots_sent,
                "snapshots_built": self.snapshots_built,
                "resumes": self.resumes,
                "redelivered": self.picture.redelivered,
                "gaps": self.picture.gaps,
            }


def in_language(entity: Any, lang: str | None) -> Any:
    """The entity with its names (`say`) in `lang` only; as it is when `lang` is None or it has none."""
    if lang is None or not isinstance(entity, dict) or "say" not in entity:
        return entity
    return {**entity, "say": {lang: entity["say"].get(lang, {})}}


def _frames(messages: list[str]) -> list[str]:
    """Messages joined one per line (JSON never contains a raw newline) into frames of bounded size.

    A snapshot or a resumed message always has a frame to itself, so a client can read the first frame whole.
    """
    frames: list[str] = []
    pending: list[str] = []
    size = 0
    for text in messages:
        alone = text.startswith(_ALONE)
        if pending and (alone or size + len(text) > MAX_FRAME_CHARS):
            frames.append("\n".join(pending))
            pending, size = [], 0
        if alone:
            frames.append(text)
            continue
        pending.append(text)
        size += len(text) + 1
    if pending:
        frames.append("\n".join(pending))
    return frames
