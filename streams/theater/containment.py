"""Nothing valid stops the theater: a defect met by one input or one timer is contained to it.

The input (or the incident's due timers) is set aside as a `Failure` — the error with the place it was raised,
and the input as it travels between stages — like a dead letter; the incident it concerned is flagged for
attention on the feed (`Incident.attention`, said to operators, shown on the page), and the theater goes on with
the next input. The runtimes keep the failures (embedded) or park them on a topic (Kafka), and count them; a
failed input was accepted by ingest, so `failed` is counted inside `accepted` (received = accepted + rejected
still holds per source partition).
"""

from __future__ import annotations

import traceback
from dataclasses import replace
from pathlib import Path

from playbooks.incident import Decision
from streams.theater.state import Emitter, TheaterState
from streams.wire.envelope import encode_input
from streams.wire.records import Failure, TheaterInput, Tick

__all__ = ["Failure", "contain", "describe", "error_text", "kept", "take"]

#: failures kept in the state's outbox until a runtime takes them (a runtime takes them after every step)
MAX_PENDING_FAILURES = 1_000


def describe(item: TheaterInput) -> str:
    if isinstance(item, Tick):
        return f"tick {item.source or '-'}"
    ident = getattr(item, "signal_id", None) or getattr(item, "event_id", "?")
    return f"{type(item).__name__} {ident}"


def error_text(exc: BaseException) -> str:
    """The error with the place it was raised (the innermost frame)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def kept(state: TheaterState, exc: BaseException, what: str, incident_id: str, item: TheaterInput | None) -> Failure:
    """Count and keep a failure (also for a runtime, when a defect escaped the step itself)."""
    raw = b""
    if item is not None:
        try:
            raw = encode_input(item)
        except Exception:  # the input itself may be what is wrong; its description still says which it was
            raw = b""
    failure = Failure(state.now_ms, what, incident_id, error_text(exc), raw)
    state.failed_count += 1
    if len(state.failures) < MAX_PENDING_FAILURES:
        state.failures.append(failure)
    state.dirty.add(("meta", "failed"))
    return failure


def take(state: TheaterState) -> list[Failure]:
    """The failures since the last call, for a runtime to keep or park."""
    taken, state.failures = state.failures, []
    return taken


def contain(
    state: TheaterState, out: Emitter, exc: BaseException, what: str, incident_id: str, item: TheaterInput | None
) -> Failure:
    """Record the failure and flag its incident; the caller goes on with the next input or incident."""
    failure = kept(state, exc, what, incident_id, item)
    incident = state.fusion.incidents.get(incident_id) if incident_id else None
    if incident is not None:
        decision = Decision(state.now_ms, f"failed: {what}", "containment", (), failure.error)
        flagged = replace(incident, attention=failure.error, decisions=(*incident.decisions, decision))
        out.incident(flagged)
    return failure
