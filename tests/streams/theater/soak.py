"""`make soak`: the theater's stateful property test (theater_machine.py) for a long run with fresh seeds.

Runs batches of state machines without shrinking until `--steps` steps have been taken (a finding is printed with
the steps that led to it; re-run it under pytest to shrink it), and prints the figures recorded in docs/testing.md:
steps, machines, wall time, steps per second, the load average, and what was found.

    .venv/bin/python -m tests.streams.theater.soak --steps 1000000 [--batch 50] [--length 200]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.streams.theater.theater_machine import TRACE, TheaterMachine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="soak", description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=1_000_000, help="stop after this many theater steps")
    parser.add_argument("--batch", type=int, default=50, help="machines per hypothesis run")
    parser.add_argument("--length", type=int, default=200, help="most rules per machine")
    parser.add_argument("--trace", help="append the inputs that led to each finding to this file")
    args = parser.parse_args(argv)
    counted = {"steps": 0, "machines": 0}
    teardown = TheaterMachine.teardown

    def counting_teardown(self: TheaterMachine) -> None:
        counted["steps"] += self.steps
        counted["machines"] += 1
        teardown(self)

    TheaterMachine.teardown = counting_teardown  # type: ignore[method-assign]
    run_settings = settings(
        max_examples=args.batch,
        stateful_step_count=args.length,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    started = time.monotonic()
    findings = 0
    while counted["steps"] < args.steps:
        try:
            run_state_machine_as_test(TheaterMachine, settings=run_settings)
        except Exception as exc:  # a finding: reported, and the soak goes on with fresh seeds
            findings += 1
            print(f"FINDING {findings}: {type(exc).__name__}: {exc}", flush=True)
            if args.trace:
                with open(args.trace, "a", encoding="utf-8") as out:
                    out.write(f"== finding {findings}: {type(exc).__name__}: {exc}\n" + "\n".join(TRACE) + "\n")
        elapsed = time.monotonic() - started
        print(
            f"steps {counted['steps']} machines {counted['machines']} time {elapsed:.0f} s "
            f"rate {counted['steps'] / elapsed:.0f}/s load {os.getloadavg()[0]:.2f} findings {findings}",
            flush=True,
        )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
