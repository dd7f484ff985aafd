"""Nothing listens beyond the configured address, 127.0.0.1 by default: the demo's API server, the Kafka broker
and the faust worker (which must not open its web server at all). Listening sockets are read from /proc, for
the process under test only."""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from dataclasses import replace
from pathlib import Path

import pytest

from ebrain.broker import free_port
from ebrain.compose import Core, embedded_runtime
from ebrain.kafka_kit import new_broker, start_worker, wait_for_group
from ebrain.serve import start_api
from ebrain.settings import Settings


def _address(hex_address: str) -> str:
    host, port = hex_address.split(":")
    raw = bytes.fromhex(host)
    if len(raw) == 4:
        return f"{socket.inet_ntop(socket.AF_INET, raw[::-1])}:{int(port, 16)}"
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    return f"[{socket.inet_ntop(socket.AF_INET6, words)}]:{int(port, 16)}"


def listening(pid: int) -> list[str]:
    """host:port of every TCP socket the process listens on (state 0A in /proc/net/tcp and tcp6)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    out = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:
                out.append(_address(fields[1]))
    return out


def loopback(address: str) -> bool:
    ip = ipaddress.ip_address(address.rsplit(":", 1)[0].strip("[]"))
    mapped = getattr(ip, "ipv4_mapped", None)  # a JVM listens on ::ffff:127.0.0.1 for 127.0.0.1
    return (mapped or ip).is_loopback


def test_settings_default_to_loopback() -> None:
    assert Settings().host == "127.0.0.1"
    assert Settings.from_env().host == os.environ.get("EBRAIN_HOST", "127.0.0.1")


def test_the_demo_api_listens_on_loopback_only(core: Core) -> None:
    settings = Settings(port=free_port())  # every other setting as the demo has it
    demo = replace(core, settings=settings)
    runtime = embedded_runtime(demo)

    async def go() -> list[str]:
        api = await start_api(demo, runtime, None)
        try:
            return listening(os.getpid())
        finally:
            await api.stop()

    found = asyncio.run(go())
    assert f"127.0.0.1:{settings.port}" in found, f"the API server is not where expected: {found}"
    assert all(loopback(a) for a in found), f"listening beyond loopback: {found}"


@pytest.mark.kafka
def test_broker_and_worker_listen_on_loopback_only(tmp_path: Path) -> None:
    broker = new_broker(tmp_path / "kafka")
    broker.start()
    worker = None
    try:
        assert broker.pid is not None
        broker_sockets = listening(broker.pid)
        assert broker_sockets and all(loopback(a) for a in broker_sockets), f"broker listens on {broker_sockets}"
        prefix = "binding."
        worker = start_worker(broker.bootstrap, prefix, tmp_path, "worker")
        asyncio.run(wait_for_group(broker.bootstrap, prefix, 1))
        worker_sockets = listening(worker.proc.pid)
        print(f"\nbroker listens on {broker_sockets}; worker on {worker_sockets or 'nothing'}")
        assert worker_sockets == [], f"the worker opened a server: {worker_sockets}"
    finally:
        if worker is not None:
            worker.stop()
        broker.stop()
