"""`make demo-shots`: screenshots of the joint, Tianjin and 三河 pages at three moments of the Yanjiao and 23·7
scenarios, in headless Chromium, into artefacts/browser/ (git-ignored) for a person to look at.

Each scenario is replayed on the embedded runtime as fast as it goes; at each moment the replay waits (the
runtime drained, event time stopped there) while the three pages are opened and photographed, then goes on.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from the repository
    sys.path.insert(0, str(ROOT))

from ebrain.compose import build_core  # noqa: E402
from ebrain.settings import Settings  # noqa: E402
from scenarios.model import load_scenario  # noqa: E402
from streams.runtime.embedded import EmbeddedRuntime  # noqa: E402
from streams.words.check import machine_text  # noqa: E402
from tests.browser.kit import (  # noqa: E402
    ARTEFACTS,
    WRITTEN_BY_PEOPLE,
    FloorServer,
    chromium,
    open_page,
    shoot,
    visible_text,
)

FILES = ROOT / "scenarios" / "files"
CENTRES = (("joint", "joint"), ("120000", "tianjin"), ("131082", "sanhe"))
MINUTE = 60_000
PROBLEMS: list[str] = []
# (scenario file, short name, moments in minutes after T0, each when something has just happened)
SHOTS = (
    ("yanjiao_gas_explosion_2024.yaml", "yanjiao", (5, 5 * 60 + 5, 15 * 60 + 10)),  # blast; grading; rescue over
    ("flood_23_7_2023.yaml", "flood-23-7", (19 * 60 + 20, 41 * 60 + 35, 64 * 60 + 35)),  # train; red flood; 涿州
)


@dataclass
class Gate:
    """Stops the replay at each moment until the pictures are taken (set from the browser's thread)."""

    moments: list[int]
    reached: threading.Event
    go_on: threading.Event


class GatedRuntime:
    """The runtime, as the replay driver sees it, holding at each moment: drained, then waiting."""

    def __init__(self, runtime: EmbeddedRuntime, gate: Gate) -> None:
        self.runtime = runtime
        self.gate = gate

    async def produce(self, topic: str, key: str, value: bytes) -> None:
        await self.runtime.produce(topic, key, value)

    async def produce_tick(self, at_ms: int) -> None:
        if self.gate.moments and at_ms >= self.gate.moments[0]:
            self.gate.moments.pop(0)
            await self.runtime.drain()
            self.gate.go_on.clear()
            self.gate.reached.set()
            await asyncio.get_running_loop().run_in_executor(None, self.gate.go_on.wait)
        await self.runtime.produce_tick(at_ms)

    async def drain(self) -> None:
        await self.runtime.drain()

    def counts(self) -> dict[str, int]:
        return self.runtime.counts()


def machine_text_on(driver: Any, server: FloorServer) -> list[str]:
    """Machine text an operator would read on the open page, in both languages (the page is left in Chinese)."""
    out = server.outcome
    ids = set(out.incidents) | set(out.tasks) | {n.id for n in out.notifications}
    found = machine_text(visible_text(driver, WRITTEN_BY_PEOPLE), ids)
    driver.find_element("id", "lang").click()
    found += machine_text(visible_text(driver, WRITTEN_BY_PEOPLE), ids)
    driver.find_element("id", "lang").click()
    return found


def shoot_scenario(file: str, name: str, minutes: tuple[int, ...]) -> list[Path]:
    scenario = load_scenario(FILES / file)
    core = build_core(Settings(), fleet_seed=scenario.fleet_seed, fleet_scale=scenario.fleet_scale)
    server = FloorServer(core).start()
    gate = Gate([scenario.t0_ms + m * MINUTE for m in minutes], threading.Event(), threading.Event())
    done = threading.Event()
    shots: list[Path] = []

    def run() -> None:
        try:
            server.replay(scenario, GatedRuntime(server.runtime, gate))
        finally:
            done.set()
            gate.reached.set()

    replaying = threading.Thread(target=run, name="replay", daemon=True)
    replaying.start()
    driver = chromium()
    try:
        for n, minute in enumerate(minutes, start=1):
            gate.reached.wait()
            gate.reached.clear()
            if done.is_set():
                break
            for centre, label in CENTRES:
                open_page(driver, server.page(centre))
                when = f"T+{minute // 60}h{minute % 60:02d}"
                shots.append(shoot(driver, f"{name}-{n}-{when}-{label}"))
                problems = machine_text_on(driver, server)
                if problems:
                    print(f"{name} {when} {label}: machine text on the page: {problems}", file=sys.stderr)
                    PROBLEMS.extend(problems)
            gate.go_on.set()
        gate.go_on.set()
        replaying.join(timeout=600)
    finally:
        driver.quit()
        server.stop()
    return shots


def main() -> int:
    taken = [path for file, name, minutes in SHOTS for path in shoot_scenario(file, name, minutes)]
    for path in taken:
        print(path.relative_to(ROOT))
    print(f"{len(taken)} screenshots in {ARTEFACTS.relative_to(ROOT)}")
    if PROBLEMS:
        print(f"{len(PROBLEMS)} pieces of machine text on the pages (see above)", file=sys.stderr)
    return 0 if len(taken) == len(SHOTS) * 3 * len(CENTRES) and not PROBLEMS else 1


if __name__ == "__main__":
    sys.exit(main())
