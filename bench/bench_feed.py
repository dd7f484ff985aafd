"""Websocket feed under load, each figure beside its ceiling. Run: .venv/bin/python bench/bench_feed.py

1,000 websocket clients (in two client processes, to 127.0.0.1 only) each receive 50 deltas/s for 20 s from one
server process running the real app (uvicorn, the FeedHub, scoping and masking for four centres' views). The
clients ask for batch=1 and lang=zh as the page does (`--framing single` for one message per frame). Printed:

- the ceiling: the same hub fan-out (same framing) to 1,000 in-process clients, no sockets;
- delivery delay over websockets (publish → the client has the message), p50/p99, with the CPU each delivery
  cost the server and the clients, and the server's share of a core;
- a 30 s run with one deliberately stalled client among the 1,000 (small receive window, never reads): the
  others' delay, and how often the stalled one was resynced instead of being waited for.
Target: p99 ≤ 500 ms. The client processes share the machine's cores with the server (and with anything else
running), so the load average is printed too.

Bounded: every phase has a deadline, client processes are killed if they overstay, and the script exits.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import msgspec
import numpy as np

TOKENS = ["demo-joint-3f9c1a7e", "demo-beijing-8b2d4e61", "demo-tianjin-5c7e9a02", "demo-hebei-1a6f3d98"]


_SENT = '"bench_sent_ns":'


def sent_ns_of(line: str) -> int:
    """The publish time a bench delta carries (0 if none). A bench client reads only this, by a string search,
    not by parsing the whole message as the page does: client processes share the cores with the server, and
    the cheaper they are, the more the delays measure the server."""
    at = line.rfind(_SENT)
    if at < 0:
        return 0
    start = at + len(_SENT)
    end = start
    while end < len(line) and (line[end].isdigit() or line[end] == "-"):
        end += 1
    return int(line[start:end] or 0)


# Decisions of the kinds the feed says most, in the core's words: each version of a bench incident adds one,
# so every delta is said (its new decision, the labels of the whole incident) as a real one would be.
_DECISIONS = (
    ("opened", "fusion", "call:gas_smell"),
    ("warning_colour -→orange", "fusion", "possible gas leak reported"),
    ("dispatch gas_isolation x1: 0 sent, 1 asked of 110000", "fusion", ""),
    ("response_level III→II", "fusion", "较大 event"),
    ("confirmed by agency", "fusion", "confidence 0.3→0.65"),
    ("timer ack-leak started (due in 10 min)", "opened", ""),
)


def bench_incident(n: int, sent_ns: int, key: str = "") -> dict[str, Any]:
    """A cross-border incident every centre sees, as the core would send it, plus the publish time; its caller's
    phone is masked for three of the four views."""
    from playbooks.evidence import Personal
    from playbooks.incident import Decision, Incident
    from streams.testing import gas_call

    caller = gas_call(
        f"call-{n}",
        n,
        text="燃气味很重，回电13812345678",
        personal=Personal(owner_province="110000", name="张三", phone="13812345678"),
    )
    incident = Incident(
        id=key or f"B-{n % 200}",
        theater="jingjinji",
        type="gas_leak",
        family="gas",
        opened_at_ms=n,
        updated_at_ms=n,
        last_evidence_ms=n,
        lon=116.81,
        lat=39.96,
        province="130000",
        adcode="131082",
        provinces=("130000", "110000", "120000"),
        adcodes=("131082", "110112", "120114"),
        evidence=(caller,),
        counts=(("call:gas_smell", 1),),
        confidence=0.6,
        stage="during",
        response_level="III",
        decisions=tuple(
            Decision(n, what, rule, (), reason) for what, rule, reason in _DECISIONS[: 1 + (n // 200) % len(_DECISIONS)]
        ),
    )
    return {**msgspec.to_builtins(incident), "bench_sent_ns": sent_ns}


async def publish_for(hub: Any, seconds: float, rate: float, seq0: int) -> int:
    """Publish `rate` deltas per second, evenly spaced on absolute times (no drift); returns the last seq."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    seq = seq0
    for k in range(int(seconds * rate)):
        delay = start + k / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        seq += 1
        hub.publish({"seq": seq, "at_ms": seq, "kind": "incident", "key": f"B-{seq % 200}",
                     "data": bench_incident(seq, time.monotonic_ns())})  # fmt: skip
    return seq


def publish_stop(hub: Any, seq: int, stop_id: str) -> int:
    """The end of a phase: clients leave when they see this incident (as a delta or in a snapshot)."""
    stop = bench_incident(0, -1, stop_id)
    hub.publish({"seq": seq + 1, "at_ms": seq + 1, "kind": "incident", "key": stop_id, "data": stop})
    return seq + 1


def percentiles(delays_ms: np.ndarray) -> str:
    if delays_ms.size == 0:
        return "no samples"
    p50, p99, top = np.percentile(delays_ms, [50, 99, 100])
    return f"p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   max {top:7.1f} ms   ({delays_ms.size:,} deliveries)"


# -- client processes ---------------------------------------------------------------------------------------


class FeedReader(asyncio.Protocol):
    """One websocket client on the `websockets` library's sans-I/O protocol: frames are parsed where the bytes
    arrive, without a task per connection, so 500 clients cost a process little and the server is what the
    delays measure. A stalled reader stops reading after the handshake."""

    def __init__(self, url: str, on_text: Any, stall: bool):
        from websockets.client import ClientProtocol
        from websockets.uri import parse_uri

        self.ws = ClientProtocol(parse_uri(url), max_size=None)
        self.on_text = on_text
        self.stall = stall
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.ws.send_request(self.ws.connect())
        self._flush()

    def data_received(self, data: bytes) -> None:
        from websockets.frames import Frame, Opcode
        from websockets.http11 import Response

        self.ws.receive_data(data)
        for event in self.ws.events_received():
            if isinstance(event, Response):
                if event.status_code != 101:
                    self.opened.set_exception(RuntimeError(f"handshake refused: {event.status_code}"))
                    return
                self.opened.set_result(None)
                if self.stall and self.transport is not None:
                    self.transport.pause_reading()  # never reads again: the server must not wait for it
            elif isinstance(event, Frame) and event.opcode == Opcode.TEXT and self.on_text(bytes(event.data).decode()):
                assert self.transport is not None
                self.transport.close()
        self._flush()

    def _flush(self) -> None:
        assert self.transport is not None
        for chunk in self.ws.data_to_send():
            if chunk:
                self.transport.write(chunk)
            else:
                self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(ConnectionError(f"closed before the handshake: {exc}"))
        if not self.closed.done():
            self.closed.set_result(None)


async def client_main(
    url: str, count: int, out: str, stall: bool, deadline_s: float, stop_id: str, batch: bool
) -> None:
    from urllib.parse import urlsplit

    loop = asyncio.get_running_loop()
    host, port = urlsplit(url).hostname or "127.0.0.1", urlsplit(url).port or 80
    delays: list[float] = []
    snapshots = 0
    ready_ns = 1 << 62  # deltas published before every client was connected (replayed after a snapshot) do not count
    stop_marker = f'"id":"{stop_id}"'

    def on_text(text: str) -> bool:
        """Record delays; True when the phase's stop marker arrives."""
        nonlocal snapshots
        for line in text.split("\n") if batch else (text,):
            if stop_marker in line:
                return True
            if line.startswith('{"type":"snapshot"'):
                snapshots += 1
            elif (sent := sent_ns_of(line)) > ready_ns:
                delays.append((time.monotonic_ns() - sent) / 1e6)
        return False

    async def one(i: int, gate: asyncio.Semaphore) -> FeedReader:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if stall:  # a small receive window, as a client on a bad link: the server's buffers fill in seconds
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        feed_url = f"{url}?token={TOKENS[i % len(TOKENS)]}&lang=zh{'&batch=1' if batch else ''}"
        async with gate:
            await loop.sock_connect(sock, (host, port))
            _, reader = await loop.create_connection(lambda: FeedReader(feed_url, on_text, stall), sock=sock)
            await asyncio.wait_for(reader.opened, 60)
        return reader

    gate = asyncio.Semaphore(50)
    readers = await asyncio.wait_for(asyncio.gather(*(one(i, gate) for i in range(count))), 120)
    ready_ns = time.monotonic_ns()
    print("ready", flush=True)
    await asyncio.wait([asyncio.ensure_future(asyncio.shield(r.closed)) for r in readers], timeout=deadline_s)
    for reader in readers:
        if reader.transport is not None:
            reader.transport.abort()
    np.save(out, np.asarray(delays, dtype=np.float32))
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    print(f"done snapshots={snapshots} cpu_s={cpu.ru_utime + cpu.ru_stime:.1f}", flush=True)


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- the server process -------------------------------------------------------------------------------------


class NullSink:
    async def submit(self, command: Any) -> None:
        return None


async def ceiling(
    hub: Any, access: Any, clients: int, seconds: float, rate: float, seq: int, batch: bool
) -> tuple[np.ndarray, int]:
    """The same hub fan-out (same framing) to in-process clients that only decode: the sockets add the rest."""
    viewers = [access.authenticate(TOKENS[i % len(TOKENS)]) for i in range(clients)]
    delays: list[float] = []

    async def send(text: str) -> None:
        for line in text.split("\n"):
            if (sent := sent_ns_of(line)) > 0:
                delays.append((time.monotonic_ns() - sent) / 1e6)

    subs = [hub.connect(v, batch=batch, lang="zh") for v in viewers]
    pumps = [asyncio.ensure_future(hub.pump(c, send)) for c in subs]
    seq = await publish_for(hub, seconds, rate, seq)
    await asyncio.sleep(0.5)
    for c, p in zip(subs, pumps, strict=True):
        hub.disconnect(c)
        p.cancel()
    await asyncio.gather(*pumps, return_exceptions=True)
    return np.asarray(delays), seq


def spawn_clients(
    url: str, count: int, out: Path, stall: bool, deadline_s: float, stop_id: str, batch: bool
) -> subprocess.Popen[str]:
    args = [sys.executable, __file__, "--client", url, "--count", str(count), "--out", str(out), "--stop", stop_id]
    args += ["--batch"] if batch else []
    args += ["--deadline", str(deadline_s)] + (["--stall"] if stall else [])
    return subprocess.Popen(args, stdout=subprocess.PIPE, text=True)


async def wait_line(proc: subprocess.Popen[str], expect: str, timeout: float) -> str:
    assert proc.stdout is not None
    line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), timeout)
    if not line.startswith(expect):
        raise RuntimeError(f"client process said {line!r}, expected {expect!r} (exit code {proc.poll()})")
    return line.strip()


async def socket_phase(
    hub: Any,
    url: str,
    procs: int,
    clients: int,
    seconds: float,
    rate: float,
    seq: int,
    stalled: bool,
    tmp: Path,
    batch: bool,
) -> tuple[np.ndarray, int, tuple[float, float, float], int]:
    """Clients in `procs` processes (plus one that never reads if `stalled`); returns their delays, the last seq
    the CPU seconds of the server process (from the first publish until every reading client had everything), of
    the client processes, the server's share of a core while publishing, and the longest client queue then."""
    deadline = seconds + 90
    per = clients // procs
    outs = [tmp / f"delays-{stalled}-{k}.npy" for k in range(procs)]
    stop_id = f"BENCH-STOP-{seq}"
    spawned = [spawn_clients(url, per, out, False, deadline, stop_id, batch) for out in outs]
    if stalled:
        spawned.append(spawn_clients(url, 1, tmp / "stalled.npy", True, seconds + 10, stop_id, batch))
    try:
        for proc in spawned:
            await wait_line(proc, "ready", 150)
        await asyncio.sleep(1.0)  # let the snapshots drain
        cpu0, wall0 = _cpu_s(), time.perf_counter()
        seq = await publish_for(hub, seconds, rate, seq)
        busy = (_cpu_s() - cpu0) / (time.perf_counter() - wall0)
        deepest = hub.stats()["deepest_queue"]
        seq = publish_stop(hub, seq, stop_id)
        client_cpu = 0.0
        for proc in spawned[:procs]:
            client_cpu += float((await wait_line(proc, "done", 120)).split("cpu_s=")[1])
        cpu_s = _cpu_s() - cpu0
    finally:
        for proc in spawned:
            if proc.poll() is None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=15 if proc is spawned[-1] and stalled else 5)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return np.concatenate([np.load(out) for out in outs]), seq, (cpu_s, client_cpu, busy), deepest


async def server_main(args: argparse.Namespace) -> None:
    import uvicorn

    from dashboard_api.access import AccessPolicy
    from dashboard_api.app import create_app
    from dashboard_api.feed import FeedHub
    from dashboard_api.picture import Picture
    from geo.regions import RegionIndex

    regions = RegionIndex.load()
    access = AccessPolicy.demo()
    picture = Picture()
    hub = FeedHub(picture, history=10_000, client_queue=1_000, heartbeat_s=10, batch_linger_s=args.linger)
    app = create_app(picture=picture, hub=hub, regions=regions, commands=NullSink(), access=access)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit this: a bounded kernel send buffer per client (instead of autotuning up to
    # tcp_wmem's 4 MiB) is what lets a stalled client fill up, and be resynced, in seconds rather than minutes.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, args.sndbuf)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", ws_per_message_deflate=args.deflate, ws_ping_interval=None, backlog=4096
    )
    server = uvicorn.Server(config)
    serving = asyncio.ensure_future(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.05)
    url = f"ws://127.0.0.1:{port}/ws/feed"
    print(f"feed bench: {args.clients} clients x {args.rate:g} deltas/s, 4 centres' views, cpus={os.cpu_count()}")
    framing = (
        f"batch=1 (frames every {hub.batch_linger_s * 1000:g} ms at most, as the page asks)"
        if args.batch
        else "one message per frame"
    )
    print(f"server: uvicorn {uvicorn.__version__}, per-message deflate {'on' if args.deflate else 'off'}, {framing}")
    print(f"server: SO_SNDBUF {args.sndbuf} B per connection; hub client_queue {hub.client_queue} messages")
    print(f"machine load average at start: {os.getloadavg()[0]:.2f} (other work on the same cores adds delay)")
    seq = 0
    try:
        with tempfile.TemporaryDirectory() as tmpdir:
            tmp = Path(tmpdir)
            ceil, seq = await ceiling(hub, access, args.clients, args.ceiling_seconds, args.rate, seq, args.batch)
            label = f"ceiling: hub → {args.clients} in-process clients, no sockets"
            print(f"{label:<52} {percentiles(ceil)}")
            results = []
            phase_s = {False: args.seconds, True: args.stall_seconds}
            for stalled in (False, True):
                resyncs = hub.resyncs
                delays, seq, (cpu_s, client_cpu_s, busy), deepest = await socket_phase(
                    hub, url, args.procs, args.clients, phase_s[stalled], args.rate, seq, stalled, tmp, args.batch
                )
                label = (
                    "websocket + 1 stalled client (never reads)" if stalled else f"websocket, {args.procs} client procs"
                )
                print(f"{label:<52} {percentiles(delays)}")
                per = cpu_s * 1e6 / max(delays.size, 1)
                per_client = client_cpu_s * 1e6 / max(delays.size, 1)
                share = delays.size / (args.clients * args.rate * phase_s[stalled])
                resynced = hub.resyncs - resyncs
                print(
                    f"{'':<8}CPU per delivery: server {per:.1f} µs, clients {per_client:.1f} µs; {share:.1%} delivered"
                )
                print(f"{'':<8}server busy {busy:.0%} of one core while publishing; resyncs {resynced}; "
                      f"longest client queue at the end {deepest} of {hub.client_queue}")  # fmt: skip
                results.append(delays)
            print(f"machine load average at end: {os.getloadavg()[0]:.2f}")
            ok = all(d.size and np.percentile(d, 99) <= 500 for d in results)
            print(f"target p99 <= 500 ms: {'met' if ok else 'NOT met'}")
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--procs", type=int, default=2, help="client processes")
    parser.add_argument("--rate", type=float, default=50.0, help="deltas per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--ceiling-seconds", type=float, default=10.0)
    parser.add_argument(
        "--stall-seconds",
        type=float,
        default=30.0,
        help="long enough for the stalled client's 1,000-delta queue to fill",
    )
    parser.add_argument("--linger", type=float, default=0.1, help="FeedHub batch_linger_s (seconds)")
    parser.add_argument("--sndbuf", type=int, default=65536, help="server SO_SNDBUF per connection (bytes)")
    parser.add_argument("--deflate", action="store_true", help="let uvicorn compress each message per client")
    parser.add_argument("--client", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--stall", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--stop", default="", help=argparse.SUPPRESS)
    parser.add_argument(
        "--framing",
        choices=("batch", "single"),
        default="batch",
        help="batch: clients ask for batch=1 as the page does (default); single: one message per frame",
    )
    parser.add_argument("--batch", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--deadline", type=float, default=120.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.client:
        args.batch = args.framing == "batch"
    if args.client:
        asyncio.run(client_main(args.client, args.count, args.out, args.stall, args.deadline, args.stop, args.batch))
    else:
        asyncio.run(server_main(args))


if __name__ == "__main__":
    main()
