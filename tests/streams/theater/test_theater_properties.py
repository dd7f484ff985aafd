"""The bounded run of the theater's stateful property test in `make test` (the model and its invariants:
theater_machine.py; the long run: `make soak`, figures in docs/testing.md)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from tests.streams.theater.theater_machine import TheaterMachine

TheaterMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the same runs every time in `make test`; `make soak` explores with fresh seeds
)
test_theater_keeps_its_invariants = TheaterMachine.TestCase
